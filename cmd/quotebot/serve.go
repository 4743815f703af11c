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
// answer engine (it waits for the index), a logger, a metrics registry and
// the environment to read its settings from.
type platformEnv struct {
	Mux      *http.ServeMux
	Answerer bot.Answerer
	Logger   *slog.Logger
	Metrics  prometheus.Registerer
	Getenv   func(string) string
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

Environment: QUOTEBOT_ADDR, QUOTEBOT_CORPUS, QUOTEBOT_DB, QUOTEBOT_EMBEDDER,
QUOTEBOT_EMBED_MODEL, QUOTEBOT_EMBED_URL, OPENAI_API_KEY,
SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL,
DISCORD_BOT_TOKEN, DISCORD_APP_ID, DISCORD_PUBLIC_KEY, DISCORD_GUILD_ID, DISCORD_API_URL,
DISCORD_MESSAGE_CONTENT.

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
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	s := &server{cfg: *cfg, addr: *addr, logger: logger, getenv: getenv}
	if err := s.Open(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "quotebot: listening on http://%s\n", s.Addr())
	<-ctx.Done()
	return s.Close()
}

// server is the lifecycle of `serve`: Open listens, loads the index in the
// background and starts the chat platforms; Close stops them all.
type server struct {
	cfg    engineConfig
	addr   string
	logger *slog.Logger
	getenv func(string) string

	ln      net.Listener
	http    *http.Server
	engine  *lazyAnswerer
	stops   []func()
	closeMu sync.Once
	metrics *prometheus.Registry
}

// Open binds the listener (a port clash is an error), starts serving and
// starts the configured platforms. It returns once the listener is up; the
// index loads in the background and /readyz reports when it is ready.
func (s *server) Open(ctx context.Context) error {
	s.metrics = prometheus.NewRegistry()
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.engine = newLazyAnswerer(s.metrics)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /api/ask", s.handleAPIAsk)
	mux.HandleFunc("POST /api/ask", s.handleAPIAsk)
	mux.HandleFunc("GET /{$}", s.handlePage)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))

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
	go func() {
		defer close(loaded)
		eng, err := openEngine(runCtx, s.cfg)
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
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("http serve", "err", err)
		}
	}()

	env := platformEnv{Mux: mux, Answerer: s.engine, Logger: s.logger, Metrics: s.metrics, Getenv: s.getenv}
	for _, p := range platforms {
		stop, err := p.start(runCtx, env)
		if err != nil {
			s.Close()
			return fmt.Errorf("start %s: %w", p.name, err)
		}
		if stop != nil {
			s.stops = append(s.stops, stop)
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
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if s.http != nil {
			err = s.http.Shutdown(ctx)
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

func (s *server) handleReady(w http.ResponseWriter, r *http.Request) {
	if err := s.engine.ready(); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ready\n")
}

// maxAPIBody caps POST /api/ask bodies.
const maxAPIBody = 64 << 10

func (s *server) handleAPIAsk(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Question string `json:"question"`
		Top      int    `json:"top"`
	}
	if r.Method == http.MethodPost {
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAPIBody))
		if err := dec.Decode(&req); err != nil {
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
		writeJSONError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	ans, err := s.engine.Answer(r.Context(), req.Question, req.Top)
	if err != nil {
		s.logger.Error("answer", "route", "/api/ask", "err", err)
		writeJSONError(w, http.StatusInternalServerError, "something went wrong while answering; try again")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(ans)
}

func writeJSONError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"segments": bot.Segments, "citation": bot.Citation, "notCovered": bot.NotCovered,
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>quotebot</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44em;margin:2em auto;padding:0 1em}
blockquote{border-left:4px solid #ccc;margin:1em 0;padding:.2em 1em}cite{color:#555;font-size:.9em}
input[type=text]{width:75%;font-size:1em;padding:.3em}</style></head><body>
<h1>quotebot</h1>
<form method="get" action="/"><input type="text" name="q" value="{{.Q}}" placeholder="what did they say about…" autofocus> <button>Ask</button></form>
{{if .Err}}<p>{{.Err}}</p>{{end}}
{{with .A}}{{if .Found}}{{range .Passages}}<blockquote>{{range segments .}}{{if .Bold}}<b>{{.Text}}</b>{{else}}{{.Text}}{{end}}{{end}}</blockquote>
<cite>{{citation .}}</cite>{{end}}{{else}}<p>{{notCovered .Topics}}</p>{{end}}{{end}}
</body></html>`))

func (s *server) handlePage(w http.ResponseWriter, r *http.Request) {
	data := struct {
		Q   string
		A   *bot.Answer
		Err string
	}{Q: r.URL.Query().Get("q")}
	if q := strings.TrimSpace(data.Q); q != "" {
		if err := s.engine.ready(); err != nil {
			data.Err = err.Error()
		} else if ans, err := s.engine.Answer(r.Context(), q, 0); err != nil {
			s.logger.Error("answer", "route", "/", "err", err)
			data.Err = "Something went wrong while answering; try again."
		} else {
			data.A = &ans
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, data); err != nil {
		s.logger.Error("render page", "err", err)
	}
}
