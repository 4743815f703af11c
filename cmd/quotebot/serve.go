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
)

// platformEnv is what serve hands each chat platform: routes to add, the
// Responder every surface shares (its engine waits for the index), the
// Deduper of chat events, a logger, a metrics registry and the environment
// to read its settings from.
type platformEnv struct {
	Mux       *http.ServeMux
	Responder *bot.Responder
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
QUOTEBOT_LOG_FORMAT, QUOTEBOT_LOG_LEVEL, QUOTEBOT_LOG_QUESTIONS.

Flags:
`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := engineFlags(fs, getenv)
	addr := fs.String("addr", envOr(getenv, "QUOTEBOT_ADDR", ":8080"), "`address` of the HTTP listener")
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
	s := &server{cfg: *cfg, addr: *addr, logger: logCfg.newLogger(stderr), logQuestions: logCfg.Questions, getenv: getenv}
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
	// started names the chat platforms Open started.
	started []string
}

// Open binds the listener (a port clash is an error), starts serving and
// starts the configured platforms. It returns once the listener is up; the
// index loads in the background and /readyz reports when it is ready.
func (s *server) Open(ctx context.Context) error {
	guardCfg, err := loadHTTPGuardConfig(s.getenv)
	if err != nil {
		return err
	}
	timeouts := s.timeouts.withDefaults()
	s.metrics = prometheus.NewRegistry()
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.engine = newLazyAnswerer()
	s.responder, err = bot.NewResponder(bot.ResponderConfig{
		Answerer: s.engine, Observe: newReplyMetrics(s.metrics).observe, Logger: s.logger,
	})
	if err != nil {
		return err
	}
	s.guard = newHTTPGuard(guardCfg, timeouts.QueueWait, s.metrics)
	s.docs = newCorpusReport(s.metrics)

	// / and /api/ask answer questions: they take the token when one is set
	// and an answer slot. The other routes stay open (the chat platforms'
	// are signed).
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /api/ask", s.guard.api(s.handleAPIAsk))
	mux.Handle("POST /api/ask", s.guard.api(s.handleAPIAsk))
	mux.Handle("GET /{$}", s.guard.page(s.handlePage))
	if guardCfg.Token != "" {
		mux.HandleFunc("POST /{$}", s.guard.handleTokenForm)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))
	if guardCfg.Token == "" {
		s.logger.Warn("the HTTP API and page are open to anyone who can reach them; set QUOTEBOT_API_TOKEN to require a token", "max_in_flight", guardCfg.MaxInFlight)
	} else {
		s.logger.Info("the HTTP API and page require QUOTEBOT_API_TOKEN", "max_in_flight", guardCfg.MaxInFlight)
	}

	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.addr, err)
	}
	s.ln = ln

	// The loader is stopped and waited for on Close, so nothing writes to
	// the index folder once serve has returned.
	runCtx, cancel := context.WithCancel(context.Background())
	loaded := make(chan struct{})
	s.stops = append(s.stops, func() { cancel(); <-loaded })
	cfg := s.cfg
	cfg.onLoad = s.docs.record(s.logger)
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
		Mux: mux, Responder: s.responder, Deduper: bot.NewMemoryDeduper(0, 0, nil),
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

// pageStyle is the page's only style, inline; pageCSP allows it by its
// hash, so any change here changes the policy with it.
const pageStyle = `body{font:16px/1.5 system-ui,sans-serif;max-width:44em;margin:2em auto;padding:0 1em}
blockquote{border-left:4px solid #ccc;margin:1em 0;padding:.2em 1em}cite{color:#555;font-size:.9em}
input[type=text]{width:75%;font-size:1em;padding:.3em}`

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"segments": bot.Segments, "citation": bot.Citation, "source": bot.Source, "locator": bot.Locator,
	"lines": func(r bot.Reply) []string { return strings.Split(r.Text(nil), "\n") },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>quotebot</title>
<style>` + pageStyle + `</style></head><body>
<h1>quotebot</h1>
<form method="get" action="/"><input type="text" name="q" value="{{.Q}}" placeholder="what did they say about…" autofocus> <button>Ask</button></form>
{{if .Err}}<p>{{.Err}}</p>{{end}}
{{with .R}}{{with lines .}}<p>{{range $i, $l := .}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>{{end}}
{{range .Hits}}<blockquote>{{range segments .}}{{if .Bold}}<b>{{.Text}}</b>{{else}}{{.Text}}{{end}}{{end}}</blockquote>
<cite>{{if .URL}}<a href="{{.URL}}">{{source .}}</a>{{with locator .}} · {{.}}{{end}}{{else}}{{citation .}}{{end}}</cite>{{end}}{{end}}
</body></html>`))

// handlePage serves the page: the form, and the reply to its question.
func (s *server) handlePage(w http.ResponseWriter, r *http.Request) {
	data := pageData{Q: r.URL.Query().Get("q")}
	status := http.StatusOK
	switch err := s.engine.ready(); {
	case strings.TrimSpace(data.Q) == "":
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
		Question: question, Platform: p, User: clientAddr(r), Top: top,
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
