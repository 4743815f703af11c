package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/feedback"
)

// platformEnv is what serve hands each chat platform: routes to add, the
// Responder every surface shares (its engine waits for the index), the
// Feedback that records votes, the Deduper of chat events, a logger, a metrics registry and the environment
// to read its settings from.
type platformEnv struct {
	Mux       *http.ServeMux
	Responder *bot.Responder
	Feedback  *bot.Feedback
	Deduper   bot.Deduper
	Logger    *slog.Logger
	Metrics   prometheus.Registerer
	Getenv    func(string) string
}

// platformStarter starts one chat platform. It returns (nil, nil) when the
// platform is not configured (after logging why), an error when it is
// configured wrongly (serve then stops), or a stop function that ends the
// platform's goroutines and waits for them.
type platformStarter func(ctx context.Context, env platformEnv) (stop func(), err error)

// platforms lists the chat platforms serve starts, in order.
var platforms = []struct {
	name  string
	start platformStarter
}{
	{"slack", startSlack},
	{"discord", startDiscord},
}

const serveUsage = `Usage: quotebot serve [flags]

Serves the HTTP API, a browser page, /healthz, /readyz and /metrics on --addr,
and starts Slack and Discord when their tokens are set (see README.md).

The HTTP API and page are open to anyone who can reach --addr unless
QUOTEBOT_API_TOKEN is set.

Environment: QUOTEBOT_ADDR, QUOTEBOT_CORPUS, QUOTEBOT_DB, QUOTEBOT_EMBEDDER,
QUOTEBOT_EMBED_MODEL, QUOTEBOT_EMBED_URL, OPENAI_API_KEY,
QUOTEBOT_API_TOKEN, QUOTEBOT_HTTP_MAX_IN_FLIGHT, QUOTEBOT_SLACK_MAX_IN_FLIGHT,
SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL,
DISCORD_BOT_TOKEN, DISCORD_APP_ID, DISCORD_PUBLIC_KEY, DISCORD_GUILD_ID, DISCORD_API_URL,
DISCORD_MESSAGE_CONTENT, DISCORD_SHARD_ID, DISCORD_SHARD_COUNT,
QUOTEBOT_RATE, QUOTEBOT_BURST, QUOTEBOT_TRUST_PROXY, QUOTEBOT_REDIS_URL,
QUOTEBOT_LOG_FORMAT, QUOTEBOT_LOG_LEVEL, QUOTEBOT_LOG_QUESTIONS,
QUOTEBOT_DATA, QUOTEBOT_KEEP_QUESTIONS, QUOTEBOT_KEEP_DAYS.

Flags:
`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg := engineFlags(fs, getenv)
	addr := fs.String("addr", envOr(getenv, "QUOTEBOT_ADDR", ":8080"), "`address` of the HTTP listener")
	data := dataFlag(fs, getenv)
	fs.Usage = func() { fmt.Fprint(fs.Output(), serveUsage); fs.PrintDefaults() }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"serve takes no arguments"}
	}
	logCfg, err := loadLogConfig(getenv, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	s := &server{cfg: *cfg, addr: *addr, data: *data, logger: logCfg.newLogger(stderr), logQuestions: logCfg.Questions, getenv: getenv}
	if err := s.Open(ctx); err != nil {
		return err
	}
	s.logStarted(logCfg)
	fmt.Fprintf(stdout, "quotebot: listening on http://%s\n", s.Addr())
	<-ctx.Done()
	s.logStopping(ctx, start)
	return s.Close()
}

// server is the lifecycle of `serve`: Open listens, loads the index in the
// background and starts the chat platforms; Close stops them all.
type server struct {
	cfg    engineConfig
	addr   string
	logger *slog.Logger
	getenv func(string) string

	ln     net.Listener
	http   *http.Server
	engine *lazyAnswerer
	// responder answers every question serve is asked, on every surface.
	responder *bot.Responder
	docs      *corpusReport
	stops     []func()
	closeMu   sync.Once
	metrics   *prometheus.Registry
	guard     *httpGuard
	// timeouts are the HTTP deadlines; zero fields mean the defaults.
	timeouts httpTimeouts
	// stopRequests ends the contexts of the HTTP requests, so answers
	// still being computed when Close's grace ends stop.
	stopRequests context.CancelFunc
	// grace is how long Close lets requests finish; zero means 5 seconds.
	grace time.Duration

	// logQuestions adds the question to HTTP request log lines.
	logQuestions bool

	// The feedback database (serve_feedback.go). data is the --data
	// folder ("" means beside the index); now, when set, is its clock;
	// pruneEvery, when set, replaces the daily pruning's period, and
	// pruned, when set, is told after each pruning (tests synchronise on
	// it).
	data          string
	now           func() time.Time
	pruneEvery    time.Duration
	pruned        func(rows int64)
	store         *feedback.Store
	feedback      *bot.Feedback
	keepDays      int
	keepQuestions bool
	// started names the chat platforms Open started.
	started []string
	// rate is the per-asker rate limit; dedupe the chat platforms'
	// Deduper, in memory or Redis.
	rate   rateConfig
	dedupe chatDeduper
}

// Open binds the listener (a port clash is an error), starts serving and
// starts the configured platforms. It returns once the listener is up; the
// index loads in the background and /readyz reports when it is ready.
func (s *server) Open(ctx context.Context) error {
	guardCfg, err := loadHTTPGuardConfig(s.getenv)
	if err != nil {
		return err
	}
	if s.rate, err = loadRateConfig(s.getenv); err != nil {
		return err
	}
	timeouts := s.timeouts.withDefaults()
	s.metrics = prometheus.NewRegistry()
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.engine = newLazyAnswerer()
	limiter, err := newRateLimiter(s.rate, s.metrics)
	if err != nil {
		return err
	}
	// The Redis URL is checked before the feedback database is opened, so
	// a bad setting is refused with one line and nothing written.
	if s.dedupe, err = newChatDeduper(ctx, s.getenv, s.logger, s.metrics); err != nil {
		return err
	}
	if s.feedback, err = s.openFeedback(ctx); err != nil {
		s.dedupe.Close()
		s.stopAll()
		return err
	}
	replies := newReplyMetrics(s.metrics)
	s.responder, err = bot.NewResponder(bot.ResponderConfig{
		Answerer: s.engine, Logger: s.logger, Limiter: limiter,
		Observe: func(o bot.Outcome) { replies.observe(o); s.feedback.Observe(o) },
	})
	if err != nil {
		s.stopAll()
		return err
	}
	s.guard = newHTTPGuard(guardCfg, timeouts.QueueWait, s.metrics)
	s.docs = newCorpusReport(s.metrics)

	// /, /doc/{id} and /api/ask show the documents: they take the token
	// when one is set and an answer slot. The other routes stay open (the
	// chat platforms' are signed).
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /api/ask", s.guard.api(s.handleAPIAsk))
	mux.Handle("POST /api/ask", s.guard.api(s.handleAPIAsk))
	mux.Handle("GET /{$}", s.guard.page(s.handlePage))
	mux.Handle("GET /doc/{id...}", s.guard.page(s.handleDoc))
	if guardCfg.Token != "" {
		mux.HandleFunc("POST /{$}", s.guard.handleTokenForm)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))
	s.feedbackRoutes(mux)
	if guardCfg.Token == "" {
		s.logger.Warn("the HTTP API and page are open to anyone who can reach them; set QUOTEBOT_API_TOKEN to require a token", "max_in_flight", guardCfg.MaxInFlight)
	} else {
		s.logger.Info("the HTTP API and page require QUOTEBOT_API_TOKEN", "max_in_flight", guardCfg.MaxInFlight)
	}

	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.dedupe.Close()
		s.stopAll()
		return fmt.Errorf("listen on %s: %w", s.addr, err)
	}
	s.ln = ln
	s.stops = append(s.stops, func() { s.dedupe.Close() }) // after the platforms stop

	// The loader is stopped and waited for on Close, so nothing writes to
	// the index folder once serve has returned.
	runCtx, cancel := context.WithCancel(context.Background())
	loaded := make(chan struct{})
	s.stops = append(s.stops, func() { cancel(); <-loaded })
	cfg := s.cfg
	cfg.onLoad = s.docs.record(s.logger)
	cfg.onFallback = func(err error) {
		s.logger.Warn("the embedder failed; answering from the lexical and coverage signals", "err", err)
	}
	go func() {
		defer close(loaded)
		eng, err := openEngine(runCtx, cfg)
		if err != nil {
			s.logger.Error("load index", "err", err)
		}
		s.engine.set(eng, err)
		if err == nil {
			st := eng.Stats()
			s.logger.Info("index ready", "passages", eng.Len(), "loaded", st.Loaded, "embedded", st.Embedded, "reused", st.Reused, "reason", st.Reason)
			if !eng.Calibrated() {
				s.logger.Warn("the answer thresholds are the built-in embedder's, not fitted for this one; run quotebot calibrate --save to fit them", "embedder", eng.EmbedderID())
			}
		}
	}()

	// Serve first, so /healthz answers while the platforms connect; their
	// routes join the mux as each starts.
	s.http = &http.Server{
		Handler:           s.guard.common(logRequests(s.logger, s.logQuestions, mux)),
		ReadHeaderTimeout: timeouts.ReadHeader,
		ReadTimeout:       timeouts.Read,
		WriteTimeout:      timeouts.Write,
		IdleTimeout:       timeouts.Idle,
	}
	reqCtx, stopRequests := context.WithCancel(context.Background())
	s.stopRequests = stopRequests
	s.http.BaseContext = func(net.Listener) context.Context { return reqCtx }
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("http serve", "err", err)
		}
	}()

	env := platformEnv{
		Mux: mux, Responder: s.responder, Feedback: s.feedback, Deduper: s.dedupe,
		Logger: s.logger, Metrics: s.metrics, Getenv: s.getenv,
	}
	for _, p := range platforms {
		stop, err := p.start(runCtx, env)
		if err != nil {
			s.Close()
			return fmt.Errorf("start %s: %w", p.name, err)
		}
		if stop != nil {
			s.stops = append(s.stops, stop)
			s.started = append(s.started, p.name)
		}
	}
	return nil
}

// Addr is the listener's address, useful when Open was given port 0.
func (s *server) Addr() string { return s.ln.Addr().String() }

// Close stops the HTTP server and every platform, waiting for them.
func (s *server) Close() error {
	var err error
	s.closeMu.Do(func() {
		grace := s.grace
		if grace <= 0 {
			grace = 5 * time.Second
		}
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		if s.http != nil {
			err = s.http.Shutdown(ctx)
		}
		// Answers still being computed after the grace are stopped.
		if s.stopRequests != nil {
			s.stopRequests()
		}
		// Serve may not have taken the listener yet; close it here too.
		if s.ln != nil {
			s.ln.Close()
		}
		s.stopAll()
	})
	return err
}

func (s *server) stopAll() {
	for i := len(s.stops) - 1; i >= 0; i-- {
		s.stops[i]()
	}
	s.stops = nil
}

// handleReady answers 200 "ready" once the index is loaded, 503 with the
// reason before; either way the files of the corpus that could not be read
// follow, one "skipped path: reason" line each.
func (s *server) handleReady(w http.ResponseWriter, r *http.Request) {
	if err := s.engine.ready(); err != nil {
		http.Error(w, s.notReady(r, err), http.StatusServiceUnavailable)
		s.docs.writeSkipped(w)
		return
	}
	io.WriteString(w, "ready\n")
	s.docs.writeSkipped(w)
}

// maxAPIBody caps POST /api/ask bodies; a larger one gets 413.
const maxAPIBody = 64 << 10

func (s *server) handleAPIAsk(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Question string `json:"question"`
		Top      int    `json:"top"`
	}
	if r.Method == http.MethodPost {
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAPIBody))
		if err := dec.Decode(&req); err != nil {
			if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
				writeJSONError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", maxAPIBody))
				return
			}
			writeJSONError(w, http.StatusBadRequest, "the body must be JSON like {\"question\": \"…\", \"top\": 3}")
			return
		}
	} else {
		req.Question = r.URL.Query().Get("q")
		if t := r.URL.Query().Get("top"); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil {
				writeJSONError(w, http.StatusBadRequest, "top must be a whole number")
				return
			}
			req.Top = n
		}
	}
	if strings.TrimSpace(req.Question) == "" {
		writeJSONError(w, http.StatusBadRequest, "ask a question: ?q=… or {\"question\": \"…\"}")
		return
	}
	if req.Top < 0 || req.Top > maxTop {
		writeJSONError(w, http.StatusBadRequest, fmt.Sprintf("top must be between 1 and %d", maxTop))
		return
	}
	if err := s.engine.ready(); err != nil {
		writeJSONError(w, http.StatusServiceUnavailable, s.notReady(r, err))
		return
	}
	reply := s.ask(r, bot.PlatformAPI, req.Question, req.Top)
	if code, msg := s.refusal(w, r, reply); code != 0 {
		if reply.Kind == bot.KindTooLong {
			msg = reply.Err.Error()
		}
		writeJSONError(w, code, msg)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(reply.Answer)
}

func writeJSONError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// pageStyle is the only style of the page, the document view and the token
// form, inline; pageCSP allows it by its hash, so any change here changes the
// policy with it. p:target marks the paragraph a citation links to.
const pageStyle = `body{font:16px/1.5 system-ui,sans-serif;max-width:44em;margin:2em auto;padding:0 1em}
blockquote{border-left:4px solid #ccc;margin:1em 0;padding:.2em 1em}cite{color:#555;font-size:.9em}
label{display:block;font-weight:600}input[type=text],input[type=password]{width:calc(100% - 5em);font-size:1em;padding:.3em}
h1 a,.back a{color:inherit;text-decoration:none}.meta{color:#555}.topics{padding:0}.topics li{display:inline-block;margin:0 1.2em .3em 0}
.context{font-weight:600;margin-bottom:.2em}.n{color:#888;font-size:.8em;text-decoration:none;margin-right:.3em}
p:target{background:#fff3b0;outline:.4em solid #fff3b0}`

// pageHead starts the head of every page: the character set, and a viewport
// so that phones lay the page out at their own width.
const pageHead = `<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`

// pageFuncs are the functions of the page's templates.
var pageFuncs = template.FuncMap{
	"segments": bot.Emphasis, "citation": bot.Citation, "docLink": docLink, "docHref": docHref,
	"lines":    replyLines,
	"title":    func(q string) string { return bot.Cut(strings.TrimSpace(q), maxTitleQuestion) },
	"passages": countPassages,
}

// replyLines is the reply's text, line by line; none for a reply that only
// quotes.
func replyLines(r bot.Reply) []string {
	if t := r.Text(nil); t != "" {
		return strings.Split(t, "\n")
	}
	return nil
}

// maxTitleQuestion is how many bytes of the question the page's title
// shows: a browser tab shows a few words, a question may have 1,000
// characters.
const maxTitleQuestion = 80

// pageTmpl is the page: the form, then the reply to its question, or,
// without one, the documents and their topics. Each reply is the "reply"
// template and each quoted passage in it the "hit" template, so what an
// answer carries (its passages, buttons) is added in one place.
var pageTmpl = template.Must(template.New("page").Funcs(pageFuncs).Parse(`<!doctype html>
<html lang="en"><head>` + pageHead + `<title>{{with .Q}}{{title .}} — {{end}}quotebot</title>
<style>` + pageStyle + `</style></head><body>
<main>
<h1><a href="/">quotebot</a></h1>
<form method="get" action="/"><label for="q">Your question</label><input type="text" id="q" name="q" value="{{.Q}}" placeholder="what did they say about…" autofocus> <button>Ask</button></form>
{{if .Err}}<p>{{.Err}}</p>{{end}}
{{with .R}}{{template "reply" .}}{{end}}
{{with .Shelf}}{{template "shelf" .}}{{end}}
</main>
</body></html>
{{define "reply"}}<section class="reply">
{{with lines .}}<p>{{range $i, $l := .}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>{{end}}
{{range .Hits}}{{template "hit" .}}{{end}}
{{template "vote" .}}
</section>{{end}}
{{define "hit"}}<blockquote>{{range segments .}}{{if .Bold}}<b>{{.Text}}</b>{{else}}{{.Text}}{{end}}{{end}}</blockquote>
<cite><a href="{{docLink .}}">{{citation .}}</a>{{with .URL}} · <a href="{{.}}">source</a>{{end}}</cite>
{{end}}
{{define "shelf"}}<section class="shelf">
<h2>Documents</h2>
<ul>{{range .Docs}}<li><a href="{{docHref .ID}}">{{or .Title .ID}}</a>{{with .Date}} · {{.}}{{end}} · {{passages .Passages}}</li>
{{end}}</ul>
{{with .Topics}}<h2>Topics</h2>
<ul class="topics">{{range .}}<li><a href="/?q={{.}}">{{.}}</a></li>
{{end}}</ul>{{end}}
</section>{{end}}`))

// handlePage serves the page: the form, and the reply to its question or,
// without one, the loaded documents and their topics ("still loading"
// while the index loads).
func (s *server) handlePage(w http.ResponseWriter, r *http.Request) {
	data := pageData{Q: r.URL.Query().Get("q")}
	status := http.StatusOK
	switch err := s.engine.ready(); {
	case strings.TrimSpace(data.Q) == "":
		data.Shelf, data.Err = s.shelf(r)
	case err != nil:
		data.Err = s.notReady(r, err)
	default:
		reply := s.ask(r, bot.PlatformPage, data.Q, 0)
		if code, msg := s.refusal(w, r, reply); code != 0 {
			status, data.Err = code, msg
		} else {
			data.R = &reply
		}
	}
	renderPage(w, status, data)
}

// ask answers one question asked over HTTP, at the request's turn for an
// answer slot (see httpGuard.limit), waiting for its slot as long as the
// guard allows.
func (s *server) ask(r *http.Request, p bot.Platform, question string, top int) bot.Reply {
	ctx := r.Context()
	return s.responder.Respond(ctx, bot.Request{
		Question: question, Platform: p, User: clientAddress(r, s.guard.trustProxy), Top: top,
		Wait: s.guard.queueWait, Turn: turnOf(ctx), ID: requestID(ctx),
	})
}

// refusal maps a reply that answers nothing to its HTTP status and message,
// setting Retry-After and counting what the guard turned away; it returns
// 0 for a reply that answers (an answer, closest passages, not covered,
// help).
func (s *server) refusal(w http.ResponseWriter, r *http.Request, reply bot.Reply) (int, string) {
	switch reply.Kind {
	case bot.KindTooLong:
		return http.StatusRequestEntityTooLarge, reply.Text(nil)
	case bot.KindBusy:
		s.guard.rejected.WithLabelValues("busy").Inc()
		w.Header().Set("Retry-After", strconv.Itoa(httpRetryAfter))
		return http.StatusServiceUnavailable, reply.Text(nil)
	case bot.KindRateLimited:
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(reply.RetryAfter.Seconds())))))
		return http.StatusTooManyRequests, reply.Text(nil)
	case bot.KindError:
		return http.StatusInternalServerError, s.answerFailed(r)
	}
	return 0, ""
}
