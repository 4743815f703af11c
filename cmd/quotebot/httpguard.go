package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
)

// Deadlines and limits of serve's HTTP listener, with their reasons.
const (
	// readHeaderTimeout bounds reading a request's headers: a client that
	// sends them slowly holds a connection only this long.
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds reading a whole request, headers and body. Bodies
	// are at most 64 KiB on /api/ask and 1 MiB from Slack; half a minute is
	// ample on a slow link and frees a connection whose client sent the
	// headers and never the body.
	readTimeout = 30 * time.Second
	// httpQueueWait is how long a question on /api/ask or / waits for a free
	// answer slot before it is answered 503: an answer takes milliseconds,
	// so no slot within two seconds means the server is overloaded, and a
	// browser should not show a blank page for long.
	httpQueueWait = 2 * time.Second
	// httpAnswerTimeout bounds answering one question on /api/ask or /: its
	// context ends then, so a stuck embedder does not hold a slot forever.
	httpAnswerTimeout = 30 * time.Second
	// writeTimeout bounds a request from the end of its headers to the end
	// of its response: the wait for a slot, the answer, and sending a page
	// of a few kilobytes to a slow client. Slack and Discord routes reply
	// within their 3-second windows, far inside it.
	writeTimeout = httpQueueWait + httpAnswerTimeout + 15*time.Second
	// idleTimeout closes a keep-alive connection that has carried no
	// request for this long.
	idleTimeout = 2 * time.Minute
	// httpRetryAfter is the Retry-After, in seconds, of a 503 for a server
	// too busy to answer.
	httpRetryAfter = 5
	// defaultHTTPMaxInFlight is how many questions /api/ask and / answer at
	// once, as many as Slack's default (QUOTEBOT_SLACK_MAX_IN_FLIGHT).
	defaultHTTPMaxInFlight = 32
	// minAPIToken is the shortest QUOTEBOT_API_TOKEN accepted: a short
	// token is a lock anyone can guess.
	minAPIToken = 16
	// maxTokenForm caps the body of the page's token form.
	maxTokenForm = 4 << 10
	// tokenCookieAge is how long the page's cookie keeps the browser
	// signed in.
	tokenCookieAge = 30 * 24 * time.Hour
)

// httpTimeouts are the deadlines of serve's http.Server and of waiting for
// an answer slot; zero fields mean the constants above. Tests shorten them.
type httpTimeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
	QueueWait                     time.Duration
}

func (t httpTimeouts) withDefaults() httpTimeouts {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&t.ReadHeader, readHeaderTimeout)
	def(&t.Read, readTimeout)
	def(&t.Write, writeTimeout)
	def(&t.Idle, idleTimeout)
	def(&t.QueueWait, httpQueueWait)
	return t
}

// httpGuardConfig is what serve reads from the environment for its HTTP
// API and page.
type httpGuardConfig struct {
	// Token, from QUOTEBOT_API_TOKEN, locks / and /api/ask; empty leaves
	// them open.
	Token string
	// MaxInFlight, from QUOTEBOT_HTTP_MAX_IN_FLIGHT, caps the questions
	// answered at once on / and /api/ask.
	MaxInFlight int
}

// loadHTTPGuardConfig reads and checks QUOTEBOT_API_TOKEN and
// QUOTEBOT_HTTP_MAX_IN_FLIGHT; its errors name the variable and never
// repeat the token.
func loadHTTPGuardConfig(getenv func(string) string) (httpGuardConfig, error) {
	c := httpGuardConfig{MaxInFlight: defaultHTTPMaxInFlight, Token: strings.TrimSpace(getenv("QUOTEBOT_API_TOKEN"))}
	if v := strings.TrimSpace(getenv("QUOTEBOT_HTTP_MAX_IN_FLIGHT")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("QUOTEBOT_HTTP_MAX_IN_FLIGHT=%q: want a whole number of questions, at least 1", v)
		}
		c.MaxInFlight = n
	}
	if c.Token != "" {
		visible := !strings.ContainsFunc(c.Token, func(r rune) bool { return r <= ' ' || r > '~' })
		if len(c.Token) < minAPIToken || !visible {
			return c, fmt.Errorf("QUOTEBOT_API_TOKEN: want at least %d characters, ASCII letters, digits and punctuation only (e.g. the output of openssl rand -hex 32)", minAPIToken)
		}
	}
	return c, nil
}

// httpGuard is what stands between a client and the answers on serve's
// HTTP listener: a request id and safe headers on every response, the
// optional token on / and /api/ask, and the cap on answers in flight.
type httpGuard struct {
	tokenDigest [sha256.Size]byte // of the token; zero when open
	locked      bool
	cookie      string // the page cookie's value: derived from the token, not the token
	gate        *bot.Gate
	queueWait   time.Duration
	rejected    *prometheus.CounterVec
	// waiting, when set, is called as a question starts waiting for a
	// slot; tests synchronise on it.
	waiting func()
}

// newHTTPGuard returns the guard of cfg and registers its counter.
func newHTTPGuard(cfg httpGuardConfig, queueWait time.Duration, reg prometheus.Registerer) *httpGuard {
	g := &httpGuard{
		queueWait: queueWait,
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quotebot_http_rejected_total",
			Help: "Requests to / and /api/ask turned away, by reason (unauthorized, busy).",
		}, []string{"reason"}),
	}
	g.gate = bot.NewGate(cfg.MaxInFlight, func(ctx context.Context, d time.Duration) error {
		if g.waiting != nil {
			g.waiting()
		}
		return bot.Sleep(ctx, d)
	})
	reg.MustRegister(g.rejected)
	if cfg.Token != "" {
		g.locked = true
		g.tokenDigest = sha256.Sum256([]byte(cfg.Token))
		mac := hmac.New(sha256.New, []byte(cfg.Token))
		mac.Write([]byte("quotebot page cookie v1"))
		g.cookie = hex.EncodeToString(mac.Sum(nil))
	}
	return g
}

type requestIDKey struct{}

// requestID is the id common gave the request, which its response carries
// in X-Request-Id and the log lines about it carry as request_id.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// common gives every request an id and every response the headers that
// apply to all of them: X-Request-Id, X-Content-Type-Options: nosniff and
// Referrer-Policy: no-referrer.
func (g *httpGuard) common(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// api guards a route of the JSON API: the bearer token when one is set
// (401 with a JSON error otherwise), then an answer slot.
func (g *httpGuard) api(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.locked && !g.bearerOK(r) {
			g.rejected.WithLabelValues("unauthorized").Inc()
			w.Header().Set("WWW-Authenticate", `Bearer realm="quotebot"`)
			writeJSONError(w, http.StatusUnauthorized, "this API needs the header Authorization: Bearer <token> (the server's QUOTEBOT_API_TOKEN)")
			return
		}
		g.limit(w, r, h)
	})
}

// page guards a route of the browser page: its Content-Security-Policy,
// the token when one is set (the bearer header or the cookie the token form
// sets; the form otherwise, with 401), then an answer slot.
func (g *httpGuard) page(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		if g.locked && !g.bearerOK(r) && !g.cookieOK(r) {
			g.rejected.WithLabelValues("unauthorized").Inc()
			renderTokenForm(w, http.StatusUnauthorized, r.URL.Query().Get("q"), false)
			return
		}
		g.limit(w, r, h)
	})
}

// limit runs h with a turn at the guard's Gate, which h hands to the
// Responder (server.ask): a free answer slot, or a place in the queue, from
// which the Responder waits up to queueWait for a slot before it replies
// bot.KindBusy (503 with Retry-After); a request that finds the queue full
// too is busy at once. The turn covers the answer and the writing of the
// response. h's context ends after httpAnswerTimeout, so a stuck embedder
// does not hold a slot forever. The request's body is read first, so a
// client that sends it slowly holds its connection (until readTimeout), not
// a slot.
func (g *httpGuard) limit(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	bufferBody(r)
	turn := g.gate.Reserve()
	defer turn.Done()
	ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), turnKey{}, turn), httpAnswerTimeout)
	defer cancel()
	h(w, r.WithContext(ctx))
}

type turnKey struct{}

// turnOf is the turn limit took for the request of ctx, or nil.
func turnOf(ctx context.Context) *bot.Turn {
	t, _ := ctx.Value(turnKey{}).(*bot.Turn)
	return t
}

// clientAddr is the address of r's client, without its port: the key of
// per-client limits.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// bufferBody reads r's body, up to one byte more than maxAPIBody, into
// memory and gives r a body that yields the same bytes, then the same
// error (or the rest of the connection, past the cap), so the handler
// sees what it would have seen reading it itself.
func bufferBody(r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	buf, err := io.ReadAll(io.LimitReader(r.Body, maxAPIBody+1))
	rest := r.Body
	if err != nil {
		rest = io.NopCloser(errReader{err})
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(buf), rest), r.Body}
}

// errReader is a reader that fails with its error.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// bearerOK reports whether r carries Authorization: Bearer with the token,
// compared in constant time.
func (g *httpGuard) bearerOK(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && g.tokenOK(strings.TrimSpace(tok))
}

func (g *httpGuard) tokenOK(tok string) bool {
	d := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(d[:], g.tokenDigest[:]) == 1
}

// tokenCookie names the page's cookie.
const tokenCookie = "quotebot_token"

// cookieOK reports whether r carries the page cookie of the current token.
func (g *httpGuard) cookieOK(r *http.Request) bool {
	c, err := r.Cookie(tokenCookie)
	return err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(g.cookie)) == 1
}

// handleTokenForm takes the token form's POST /: with the right token it
// sets the page cookie and sends the browser back to its question; with a
// wrong one it shows the form again with 401.
func (g *httpGuard) handleTokenForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", pageCSP)
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenForm)
	if err := r.ParseForm(); err != nil {
		renderTokenForm(w, http.StatusBadRequest, "", false)
		return
	}
	q := r.PostForm.Get("q")
	if !g.tokenOK(strings.TrimSpace(r.PostForm.Get("token"))) {
		g.rejected.WithLabelValues("unauthorized").Inc()
		renderTokenForm(w, http.StatusUnauthorized, q, true)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     tokenCookie,
		Value:    g.cookie,
		Path:     "/",
		MaxAge:   int(tokenCookieAge / time.Second),
		HttpOnly: true,
		Secure:   servedOverTLS(r),
		SameSite: http.SameSiteStrictMode,
	})
	back := "/"
	if q != "" {
		back += "?" + url.Values{"q": {q}}.Encode()
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// servedOverTLS reports whether the browser reached serve over TLS: directly
// (r.TLS) or through a proxy that terminates TLS and says so with
// X-Forwarded-Proto: https.
func servedOverTLS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

// notReady is what a client is told while the index cannot answer: that it
// is loading, or, when loading failed, that it is not ready, with the
// request's id. The reason, which may name files, goes only to the log,
// under that id.
func (s *server) notReady(r *http.Request, err error) string {
	id := requestID(r.Context())
	if errors.Is(err, errLoading) {
		return fmt.Sprintf("the index is not ready: it is still loading (request id %s)", id)
	}
	s.logger.Warn("index not ready", "request_id", id, "path", r.URL.Path, "err", err)
	return fmt.Sprintf("the index is not ready (request id %s)", id)
}

// answerFailed is what a client is told when answering failed: the
// apology and the request's id, under which the Responder logged why.
func (s *server) answerFailed(r *http.Request) string {
	return fmt.Sprintf("%s (request id %s)", bot.Apology, requestID(r.Context()))
}

// pageCSP is the Content-Security-Policy of the page and the token form:
// nothing loads, no script runs, only the inline style (by its hash)
// applies, forms post only to serve, and no site may frame the page.
var pageCSP = "default-src 'none'; style-src '" + styleHash(pageStyle) + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func styleHash(css string) string {
	sum := sha256.Sum256([]byte(css))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// pageData is what pageTmpl shows: the question, its reply, or an error.
type pageData struct {
	Q   string
	R   *bot.Reply
	Err string
}

// renderPage writes the page with status code.
func renderPage(w http.ResponseWriter, code int, data pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	pageTmpl.Execute(w, data)
}

var tokenFormTmpl = template.Must(template.New("token").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>quotebot</title>
<style>` + pageStyle + `</style></head><body>
<h1>quotebot</h1>
<p>This quotebot asks for its access token once; the browser then keeps a cookie derived from it.</p>
{{if .Wrong}}<p>That token is not right.</p>{{end}}
<form method="post" action="/"><input type="password" name="token" autocomplete="current-password" aria-label="access token" autofocus><input type="hidden" name="q" value="{{.Q}}"> <button>Continue</button></form>
</body></html>`))

// renderTokenForm writes the form that asks for the token, keeping the
// question q for after it.
func renderTokenForm(w http.ResponseWriter, code int, q string, wrong bool) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	tokenFormTmpl.Execute(w, struct {
		Q     string
		Wrong bool
	}{q, wrong})
}
