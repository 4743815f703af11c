package main

import (
	"context"
	"fmt"
	"github.com/quotebot/quotebot/bot"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// maxLoggedQuestion caps, in bytes, the question a request's log line
// carries when QUOTEBOT_LOG_QUESTIONS is on: a question is a sentence, and
// a body of 64 KiB should not become a log line of 64 KiB.
const maxLoggedQuestion = 1 << 10

// logConfig is how serve logs, read from the environment once, before
// anything starts.
type logConfig struct {
	// JSON writes one JSON object per line (QUOTEBOT_LOG_FORMAT=json);
	// otherwise slog's key=value text. The default is text when stderr is
	// a terminal, JSON otherwise (a container, a service manager).
	JSON bool
	// Level is the least severe level written (QUOTEBOT_LOG_LEVEL: debug,
	// info, warn or error; default info).
	Level slog.Level
	// Questions adds the question to the log line of each HTTP request
	// that asked one (QUOTEBOT_LOG_QUESTIONS); off by default, since
	// questions may be personal.
	Questions bool
}

// loadLogConfig reads QUOTEBOT_LOG_FORMAT, QUOTEBOT_LOG_LEVEL and
// QUOTEBOT_LOG_QUESTIONS; out is where the log goes, to choose the default
// format. Its errors are one line naming the variable.
func loadLogConfig(getenv func(string) string, out io.Writer) (logConfig, error) {
	c := logConfig{JSON: !isTerminal(out), Level: slog.LevelInfo}
	switch v := strings.ToLower(strings.TrimSpace(getenv("QUOTEBOT_LOG_FORMAT"))); v {
	case "":
	case "json":
		c.JSON = true
	case "text":
		c.JSON = false
	default:
		return c, fmt.Errorf("QUOTEBOT_LOG_FORMAT=%q: want json or text", v)
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("QUOTEBOT_LOG_LEVEL"))); v {
	case "":
	case "debug":
		c.Level = slog.LevelDebug
	case "info":
		c.Level = slog.LevelInfo
	case "warn":
		c.Level = slog.LevelWarn
	case "error":
		c.Level = slog.LevelError
	default:
		return c, fmt.Errorf("QUOTEBOT_LOG_LEVEL=%q: want debug, info, warn or error", v)
	}
	if v := strings.TrimSpace(getenv("QUOTEBOT_LOG_QUESTIONS")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("QUOTEBOT_LOG_QUESTIONS=%q: want true or false", v)
		}
		c.Questions = b
	}
	return c, nil
}

// isTerminal reports whether w is a character device, such as the
// terminal a person runs serve in, or a writer that says it is one (tests).
func isTerminal(w io.Writer) bool {
	if t, ok := w.(interface{ IsTerminal() bool }); ok {
		return t.IsTerminal()
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newLogger returns the logger of c writing to w.
func (c logConfig) newLogger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.Level}
	if c.JSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// quietRoutes are the routes probes and scrapers call every few seconds:
// their request lines are logged at debug, so they do not bury the rest.
var quietRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// logRequests writes one line per HTTP request once it has been answered:
// method, route (the mux pattern that matched, never the URL, whose query
// may hold a question; empty when none matched), status, bytes written,
// latency and request id (set by httpGuard.common, which must wrap this
// handler). With questions on, the line also carries the question the
// request asked (noteQuestion). Requests whose handler panicked are
// logged with status 500 and panic=true.
func logRequests(logger *slog.Logger, questions bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &responseRecorder{ResponseWriter: w}
		var note *questionNote
		if questions {
			note = &questionNote{}
			r = r.WithContext(context.WithValue(r.Context(), questionNoteKey{}, note))
		}
		finished := false
		defer func() {
			// The mux records the pattern it matched on the request it was
			// given, which is r.
			_, route, _ := strings.Cut(r.Pattern, " ")
			if route == "" {
				route = r.Pattern
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("latency", time.Since(start)),
				slog.String("request_id", requestID(r.Context())),
			}
			if !finished {
				attrs[2] = slog.Int("status", http.StatusInternalServerError)
				attrs = append(attrs, slog.Bool("panic", true))
			}
			if q := note.get(); q != "" {
				attrs = append(attrs, slog.String("question", q))
			}
			level := slog.LevelInfo
			if quietRoutes[route] {
				level = slog.LevelDebug
			}
			logger.LogAttrs(context.Background(), level, "http request", attrs...)
		}()
		next.ServeHTTP(rec, r)
		finished = true
	})
}

// responseRecorder remembers the status and the number of body bytes a
// handler wrote.
type responseRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rr *responseRecorder) WriteHeader(code int) {
	if rr.status == 0 && code >= 200 {
		rr.status = code
	}
	rr.ResponseWriter.WriteHeader(code)
}

func (rr *responseRecorder) Write(p []byte) (int, error) {
	if rr.status == 0 {
		rr.status = http.StatusOK
	}
	n, err := rr.ResponseWriter.Write(p)
	rr.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rr *responseRecorder) Unwrap() http.ResponseWriter { return rr.ResponseWriter }

type questionNoteKey struct{}

// questionNote holds the question a request asked, for its log line. It
// is atomic because a handler could hand the request's context to a
// goroutine that outlives it.
type questionNote struct {
	q atomic.Pointer[string]
}

func (n *questionNote) get() string {
	if n == nil {
		return ""
	}
	if q := n.q.Load(); q != nil {
		return *q
	}
	return ""
}

// noteQuestion records q as the question of the HTTP request ctx belongs
// to, for its log line, when QUOTEBOT_LOG_QUESTIONS is on; otherwise it
// does nothing. The question is cut to maxLoggedQuestion bytes.
func noteQuestion(ctx context.Context, q string) {
	n, _ := ctx.Value(questionNoteKey{}).(*questionNote)
	if n == nil {
		return
	}
	q = clipQuestion(q)
	n.q.Store(&q)
}

// clipQuestion cuts q to maxLoggedQuestion bytes at a character boundary.
func clipQuestion(q string) string {
	if len(q) > maxLoggedQuestion {
		cut := maxLoggedQuestion
		for cut > 0 && !utf8.RuneStart(q[cut]) {
			cut--
		}
		q = q[:cut] + "…"
	}
	return q
}

// logStarted writes serve's line saying what is on: the address, the
// corpus, the embedder (its ID, which never holds credentials), Slack and
// its mode, Discord and its connections, the API token (whether one is
// set, never its value) and whether questions are logged.
func (s *server) logStarted(lc logConfig) {
	corpusName := s.cfg.Corpus
	if corpusName == "" {
		corpusName = "built-in"
	}
	slack, discord := "off", "off"
	for _, name := range s.started {
		switch name {
		case "slack":
			slack = "http"
			if strings.TrimSpace(s.getenv("SLACK_APP_TOKEN")) != "" {
				slack = "socket"
			}
		case "discord":
			var ways []string
			if strings.TrimSpace(s.getenv("DISCORD_BOT_TOKEN")) != "" {
				ways = append(ways, "gateway")
			}
			if strings.TrimSpace(s.getenv("DISCORD_PUBLIC_KEY")) != "" {
				ways = append(ways, "interactions")
			}
			discord = strings.Join(ways, "+")
		}
	}
	s.logger.Info("quotebot started",
		"addr", s.Addr(),
		"corpus", corpusName,
		"db", s.cfg.DB,
		"embedder", embedderID(s.cfg),
		"slack", slack,
		"discord", discord,
		"api_token", onOff(s.guard.locked),
		"rate_limit", s.rate.String(),
		"trust_proxy", s.guard.trustProxy,
		"dedupe", s.dedupe.Desc,
		"log_questions", onOff(lc.Questions),
	)
}

// logStopping writes serve's line at shutdown: why it stops (the signal,
// when one stopped it) and how long it ran.
func (s *server) logStopping(ctx context.Context, started time.Time) {
	reason := "stopped"
	if cause := context.Cause(ctx); cause != nil {
		reason = cause.Error()
	}
	s.logger.Info("quotebot stopping", "reason", reason, "uptime", time.Since(started).Round(time.Millisecond))
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// logChatAnswer writes one log line per answer in Slack or Discord: the
// request id (the Slack event or Discord interaction/message id), the
// platform, the kind of reply and the latency; the question only when
// QUOTEBOT_LOG_QUESTIONS is on. HTTP answers are logged once per request
// by logRequests instead.
func (s *server) logChatAnswer(o bot.Outcome) {
	if o.Platform != bot.PlatformSlack && o.Platform != bot.PlatformDiscord {
		return
	}
	attrs := []any{"request_id", o.RequestID, "platform", string(o.Platform), "kind", o.Kind.String(),
		"latency_ms", float64(o.Latency.Microseconds()) / 1000}
	if s.logQuestions {
		attrs = append(attrs, "question", clipQuestion(o.Question))
	}
	s.logger.Info("chat answer", attrs...)
}
