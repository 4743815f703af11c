package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
)

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// startGuardedServer runs serve's lifecycle on a free loopback port with
// the built-in embedder, env and timeouts, logging to the returned buffer,
// and waits for the index.
func startGuardedServer(t *testing.T, env map[string]string, timeouts httpTimeouts, cfg engineConfig) (*server, *syncBuffer) {
	t.Helper()
	if cfg.Embedder == "" {
		cfg.Embedder = "local"
	}
	cfg.DB = filepath.Join(t.TempDir(), "index")
	logs := &syncBuffer{}
	s := openServer(t, &server{cfg: cfg, addr: "127.0.0.1:0", logger: newTextLogger(logs), getenv: func(k string) string { return env[k] }, timeouts: timeouts})
	if err := s.engine.ready(); err != nil {
		t.Fatal(err)
	}
	return s, logs
}

// TestServeClosesStalledConnections checks that a client that stops
// sending, or stays idle, loses its connection: the deadlines are shortened
// for the test, and each connection must be closed by the server within
// 10 s.
func TestServeClosesStalledConnections(t *testing.T) {
	s, _ := startGuardedServer(t, nil, httpTimeouts{ReadHeader: 50 * time.Millisecond, Read: 100 * time.Millisecond, Idle: 100 * time.Millisecond}, engineConfig{})
	tests := []struct {
		name string
		send string
	}{
		{"body never completed", "POST /api/ask HTTP/1.1\r\nHost: quotebot\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"question\": \"fish"},
		{"headers never completed", "GET /api/ask?q=fisheries HTTP/1.1\r\nHost: quotebot\r\n"},
		{"idle after a request", "GET /healthz HTTP/1.1\r\nHost: quotebot\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := (&net.Dialer{}).Dial("tcp", s.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tt.send); err != nil {
				t.Fatal(err)
			}
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.ReadAll(conn); err != nil {
				t.Fatalf("the server kept the connection open: %v", err)
			}
		})
	}
}

// TestServeBusy fills the one answer slot with a question the embedder
// holds: other questions on the API and the page get 503 with Retry-After
// and a message in their format, other routes still answer, and once the
// slot is free questions are answered again.
func TestServeBusy(t *testing.T) {
	api := newFakeEmbedAPI(t, nil)
	s, _ := startGuardedServer(t, map[string]string{"QUOTEBOT_HTTP_MAX_IN_FLIGHT": "1"}, httpTimeouts{QueueWait: 10 * time.Millisecond},
		engineConfig{Embedder: "openai-compat", Model: "fake-embed", URL: api.URL})
	base := "http://" + s.Addr()
	api.hold.Store(true)
	first := make(chan int, 1)
	go func() {
		resp, err := http.Get(base + "/api/ask?q=fisheries")
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	waitFor(t, api.held, "question at the embedder")

	tests := []struct {
		name, path string
		code       int
		want       string
	}{
		{"api", "/api/ask?q=flights", http.StatusServiceUnavailable, `{"error":"` + bot.Busy + `"}`},
		{"page", "/?q=flights", http.StatusServiceUnavailable, html.EscapeString(bot.Busy)},
		{"healthz", "/healthz", http.StatusOK, "ok"},
		{"readyz", "/readyz", http.StatusOK, "ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := fetch(t, "GET", base+tt.path, "", nil)
			if resp.StatusCode != tt.code || !strings.Contains(body, tt.want) {
				t.Fatalf("%d %q, want %d with %q", resp.StatusCode, body, tt.code, tt.want)
			}
			if retry := resp.Header.Get("Retry-After"); (tt.code == http.StatusServiceUnavailable) != (retry == "5") {
				t.Errorf("Retry-After %q", retry)
			}
		})
	}
	api.hold.Store(false)
	close(api.release)
	if code := receive(t, first, "answer to the held question"); code != http.StatusOK {
		t.Fatalf("the held question got %d", code)
	}
	if resp, body := fetch(t, "GET", base+"/api/ask?q=flights", "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the slot freed up: %d %s", resp.StatusCode, body)
	}
}

// TestGuardWaitsForASlot checks that a question finding every slot taken
// waits for one: the guard gives it a place in the queue, from which the
// Responder waits, and it is answered when a slot frees up within the wait.
func TestGuardWaitsForASlot(t *testing.T) {
	g := newHTTPGuard(httpGuardConfig{MaxInFlight: 1}, time.Minute, prometheus.NewRegistry())
	waiting := make(chan struct{})
	g.waiting = func() { close(waiting) }
	entered, release := make(chan struct{}, 2), make(chan struct{})
	resp, err := bot.NewResponder(bot.ResponderConfig{Answerer: bot.AnswererFunc(func(ctx context.Context, q string, top int) (bot.Answer, error) {
		entered <- struct{}{}
		<-release
		return bot.Answer{Question: q, Found: true, Passages: []bot.Hit{{Text: "answered"}}}, nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	h := g.api(func(w http.ResponseWriter, r *http.Request) {
		reply := resp.Respond(r.Context(), bot.Request{Question: "x", Platform: bot.PlatformAPI, Turn: turnOf(r.Context()), Wait: g.queueWait})
		if reply.Kind != bot.KindAnswered {
			http.Error(w, reply.Kind.String(), http.StatusServiceUnavailable)
		}
	})
	codes := make(chan int, 2)
	ask := func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/api/ask?q=x", nil))
		codes <- w.Code
	}
	go ask()
	waitFor(t, entered, "first question in its slot")
	go ask()
	waitFor(t, waiting, "second question waiting")
	close(release)
	for range 2 {
		if code := receive(t, codes, "answer"); code != http.StatusOK {
			t.Errorf("a question got %d, want 200", code)
		}
	}
}

// TestHTTPGuardSettings checks QUOTEBOT_API_TOKEN and
// QUOTEBOT_HTTP_MAX_IN_FLIGHT: a bad value stops serve before it binds its
// port or touches the index, with one line naming the variable (and never
// the token).
func TestHTTPGuardSettings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // "" for accepted
	}{
		{"defaults", nil, ""},
		{"a cap", map[string]string{"QUOTEBOT_HTTP_MAX_IN_FLIGHT": " 4 "}, ""},
		{"a token", map[string]string{"QUOTEBOT_API_TOKEN": "0123456789abcdef-long-enough\n"}, ""},
		{"a cap that is not a number", map[string]string{"QUOTEBOT_HTTP_MAX_IN_FLIGHT": "lots"}, "QUOTEBOT_HTTP_MAX_IN_FLIGHT"},
		{"a cap of zero", map[string]string{"QUOTEBOT_HTTP_MAX_IN_FLIGHT": "0"}, "QUOTEBOT_HTTP_MAX_IN_FLIGHT"},
		{"a short token", map[string]string{"QUOTEBOT_API_TOKEN": "hunter2-secret"}, "QUOTEBOT_API_TOKEN"},
		{"a token with a space", map[string]string{"QUOTEBOT_API_TOKEN": "correct horse battery staple"}, "QUOTEBOT_API_TOKEN"},
		{"a token not ASCII", map[string]string{"QUOTEBOT_API_TOKEN": "schlüssel-schlüssel-schlüssel"}, "QUOTEBOT_API_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadHTTPGuardConfig(func(k string) string { return tt.env[k] })
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line naming %s", err, tt.want)
			}
			if tok := tt.env["QUOTEBOT_API_TOKEN"]; tok != "" && strings.Contains(err.Error(), tok) {
				t.Errorf("error %q shows the token", err)
			}
			db := filepath.Join(t.TempDir(), "index")
			ln, lerr := net.Listen("tcp", "127.0.0.1:0")
			if lerr != nil {
				t.Fatal(lerr)
			}
			addr := ln.Addr().String()
			ln.Close()
			var out, errOut bytes.Buffer
			env := map[string]string{"QUOTEBOT_DB": db, "QUOTEBOT_ADDR": addr}
			for k, v := range tt.env {
				env[k] = v
			}
			code := run(context.Background(), []string{"serve"}, nil, &out, &errOut, func(k string) string { return env[k] })
			if code != 1 || !strings.Contains(errOut.String(), tt.want) || strings.Contains(out.String(), "listening") {
				t.Fatalf("serve: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
			}
			if _, err := os.Stat(filepath.Dir(db)); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("serve touched the index before refusing: %v", err)
			}
		})
	}
}

// TestServeToken checks every route against every state of the token:
// without QUOTEBOT_API_TOKEN all is open; with it, / and /api/ask need the
// bearer token (the page also takes the cookie its form sets) and answer
// 401 otherwise (JSON for the API, the form for the page), while /healthz,
// /readyz, /metrics and the signed Discord route stay as they are. Every
// response carries the common headers, and the token is never logged.
func TestServeToken(t *testing.T) {
	const token = "test-token-6f0c2a9e41b7d358"
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	open, openLogs := startGuardedServer(t, map[string]string{"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub)}, httpTimeouts{}, engineConfig{})
	locked, lockedLogs := startGuardedServer(t, map[string]string{"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "QUOTEBOT_API_TOKEN": token}, httpTimeouts{}, engineConfig{})
	cookie := loginCookie(t, "http://"+locked.Addr(), token)

	var pings atomic.Int64
	signedPing := func(h http.Header) string {
		body := `{"id": "` + strconv.FormatInt(pings.Add(1), 10) + `", "application_id": "2", "type": 1, "token": "t", "version": 1}`
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte(stamp+body))))
		h.Set("X-Signature-Timestamp", stamp)
		return body
	}
	routes := []struct {
		name, method, path, body string
		guard                    string // "api", "page" or "" for a route the token does not lock
		want                     string // in the body of a 200
	}{
		{"healthz", "GET", "/healthz", "", "", "ok"},
		{"readyz", "GET", "/readyz", "", "", "ready"},
		{"metrics", "GET", "/metrics", "", "", "quotebot_answer_seconds"},
		{"discord signed", "POST", "/discord/interactions", "", "", `"type":1`},
		{"api get", "GET", "/api/ask?q=fisheries", "", "api", `"found":true`},
		{"api post", "POST", "/api/ask", `{"question": "fisheries"}`, "api", `"found":true`},
		{"page", "GET", "/", "", "page", `name="q"`},
		{"page with question", "GET", "/?q=fisheries", "", "page", "<b>The statement said China and Peru"},
	}
	states := []struct {
		name          string
		srv           *server
		header        http.Header
		apiOK, pageOK bool
	}{
		{"open", open, nil, true, true},
		{"locked, nothing", locked, nil, false, false},
		{"locked, wrong bearer", locked, http.Header{"Authorization": {"Bearer " + token + "x"}}, false, false},
		{"locked, token without Bearer", locked, http.Header{"Authorization": {token}}, false, false},
		{"locked, bearer", locked, http.Header{"Authorization": {"Bearer " + token}}, true, true},
		{"locked, bearer in lower case", locked, http.Header{"Authorization": {"bearer " + token}}, true, true},
		{"locked, cookie", locked, http.Header{"Cookie": {cookie.String()}}, false, true},
		{"locked, wrong cookie", locked, http.Header{"Cookie": {tokenCookie + "=" + strings.Repeat("0", len(cookie.Value))}}, false, false},
		{"locked, the token as cookie", locked, http.Header{"Cookie": {tokenCookie + "=" + token}}, false, false},
	}
	for _, st := range states {
		for _, rt := range routes {
			t.Run(st.name+"/"+rt.name, func(t *testing.T) {
				h := http.Header{}
				for k, v := range st.header {
					h[k] = v
				}
				body := rt.body
				if rt.name == "discord signed" {
					body = signedPing(h)
				}
				resp, got := fetch(t, rt.method, "http://"+st.srv.Addr()+rt.path, body, h)
				allowed := rt.guard == "" || (rt.guard == "api" && st.apiOK) || (rt.guard == "page" && st.pageOK)
				switch {
				case allowed && (resp.StatusCode != http.StatusOK || !strings.Contains(got, rt.want)):
					t.Errorf("%d %.300q, want 200 with %q", resp.StatusCode, got, rt.want)
				case !allowed && rt.guard == "api" && (resp.StatusCode != http.StatusUnauthorized || !strings.Contains(got, `"error":"this API needs the header Authorization: Bearer`)):
					t.Errorf("%d %.300q, want 401 with a JSON error", resp.StatusCode, got)
				case !allowed && rt.guard == "page" && (resp.StatusCode != http.StatusUnauthorized || !strings.Contains(got, `name="token"`)):
					t.Errorf("%d %.300q, want 401 with the token form", resp.StatusCode, got)
				}
				if !allowed && strings.Contains(got, "China") {
					t.Errorf("a locked route showed the documents: %.300q", got)
				}
				for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
					if v := resp.Header.Get(k); v != want {
						t.Errorf("%s: %q, want %q", k, v, want)
					}
				}
				if resp.Header.Get("X-Request-Id") == "" {
					t.Error("no X-Request-Id")
				}
				if csp := resp.Header.Get("Content-Security-Policy"); (rt.guard == "page") != (csp == pageCSP) {
					t.Errorf("Content-Security-Policy %q", csp)
				}
			})
		}
	}
	for _, logs := range []*syncBuffer{openLogs, lockedLogs} {
		if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), cookie.Value) {
			t.Errorf("the log shows the token or the cookie:\n%s", logs)
		}
	}
}

// loginCookie sends the token form with token and returns the cookie it
// sets.
func loginCookie(t *testing.T, base, token string) *http.Cookie {
	t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	resp, body := fetch(t, "POST", base+"/", url.Values{"token": {token}}.Encode(), h)
	for _, c := range resp.Cookies() {
		if c.Name == tokenCookie {
			return c
		}
	}
	t.Fatalf("the token form set no cookie: %d %s", resp.StatusCode, body)
	return nil
}

// TestTokenForm checks the page's form: the right token sets a cookie
// (HttpOnly, SameSite=Strict, Secure behind TLS, not the token itself) and
// returns the browser to its question; a wrong one shows the form again.
func TestTokenForm(t *testing.T) {
	const token = "form-token-2d9a7c41e05b6f83"
	s, logs := startGuardedServer(t, map[string]string{"QUOTEBOT_API_TOKEN": token}, httpTimeouts{}, engineConfig{})
	base := "http://" + s.Addr()
	tests := []struct {
		name     string
		token, q string
		header   http.Header
		code     int
		location string
		secure   bool
	}{
		{"right token", token, "", nil, http.StatusSeeOther, "/", false},
		{"right token, with the question", token, "what about fisheries?", nil, http.StatusSeeOther, "/?q=what+about+fisheries%3F", false},
		{"right token behind a TLS proxy", token, "", http.Header{"X-Forwarded-Proto": {"https"}}, http.StatusSeeOther, "/", true},
		{"wrong token", "not-the-token-at-all", "fisheries", nil, http.StatusUnauthorized, "", false},
		{"no token", "", "", nil, http.StatusUnauthorized, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
			for k, v := range tt.header {
				h[k] = v
			}
			resp, body := fetch(t, "POST", base+"/", url.Values{"token": {tt.token}, "q": {tt.q}}.Encode(), h)
			if resp.StatusCode != tt.code || resp.Header.Get("Location") != tt.location {
				t.Fatalf("%d, Location %q; want %d, %q", resp.StatusCode, resp.Header.Get("Location"), tt.code, tt.location)
			}
			var c *http.Cookie
			for _, k := range resp.Cookies() {
				if k.Name == tokenCookie {
					c = k
				}
			}
			if tt.code != http.StatusSeeOther {
				if c != nil || !strings.Contains(body, "That token is not right") && tt.token != "" || !strings.Contains(body, `value="`+tt.q+`"`) {
					t.Fatalf("cookie %v, body %q; want the form again, keeping the question", c, body)
				}
				return
			}
			if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure != tt.secure || c.Path != "/" || c.MaxAge <= 0 {
				t.Fatalf("cookie %+v; want HttpOnly, SameSite=Strict, Secure=%v, Path=/, lasting", c, tt.secure)
			}
			if strings.Contains(c.Value, token) {
				t.Error("the cookie holds the token itself")
			}
		})
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the log shows the token:\n%s", logs)
	}
}

// TestPageCSPAllowsItsStyle checks that the page's Content-Security-Policy
// names the hash of the style the page and the token form carry, so a
// browser applies it, and nothing else.
func TestPageCSPAllowsItsStyle(t *testing.T) {
	open, _ := startGuardedServer(t, nil, httpTimeouts{}, engineConfig{})
	locked, _ := startGuardedServer(t, map[string]string{"QUOTEBOT_API_TOKEN": "csp-token-91be04d7c3a25f68"}, httpTimeouts{}, engineConfig{})
	for _, base := range []string{"http://" + open.Addr(), "http://" + locked.Addr()} {
		resp, body := fetch(t, "GET", base+"/?q=fisheries", "", nil)
		csp := resp.Header.Get("Content-Security-Policy")
		styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(body, -1)
		if len(styles) != 1 || !strings.Contains(csp, "style-src '"+styleHash(styles[0][1])+"';") {
			t.Fatalf("CSP %q does not allow the page's one style (%d found)", csp, len(styles))
		}
		for _, directive := range []string{"default-src 'none'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, directive) {
				t.Errorf("CSP %q lacks %s", csp, directive)
			}
		}
		if strings.Contains(body, "<script") || strings.Contains(body, " style=") {
			t.Errorf("the page has a script or an inline style attribute the policy blocks")
		}
	}
}

// TestGuardReadsTheBodyBeforeTakingASlot checks that a client sending its
// body slowly does not hold an answer slot meanwhile, and that the handler
// still sees the body, or its error, as sent.
func TestGuardReadsTheBodyBeforeTakingASlot(t *testing.T) {
	g := newHTTPGuard(httpGuardConfig{MaxInFlight: 1}, time.Millisecond, prometheus.NewRegistry())
	h := g.api(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "body: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.Write(body)
	})
	pr, pw := io.Pipe()
	slow := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", "/api/ask", pr))
		slow <- w
	}()
	// io.Pipe's Write returns once the guard has read the bytes: the slow
	// request is inside the guard, its body unfinished.
	if _, err := io.WriteString(pw, `{"question": "fish`); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/api/ask", strings.NewReader(`{"question": "flights"}`)))
	if w.Code != http.StatusOK || w.Body.String() != `{"question": "flights"}` {
		t.Fatalf("a question beside a slow body got %d %q, want 200 with its body", w.Code, w.Body)
	}
	pw.CloseWithError(errors.New("client stalled"))
	if got := receive(t, slow, "reply to the slow request"); got.Code != http.StatusBadRequest || !strings.Contains(got.Body.String(), `body: client stalled`) {
		t.Fatalf("the slow request got %d %q, want its body's error", got.Code, got.Body)
	}
}
