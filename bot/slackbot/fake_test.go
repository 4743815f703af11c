package slackbot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/corpus"
)

// wait bounds every wait for something asynchronous in these tests.
const wait = 10 * time.Second

// Names of the calls the fake records: Web API methods, and "response" for
// posts to a response_url.
const (
	mAuth      = "auth.test"
	mPost      = "chat.postMessage"
	mEphemeral = "chat.postEphemeral"
	mOpen      = "apps.connections.open"
	mResponse  = "response"
)

// call is one request the fake Slack received.
type call struct {
	Method string
	Form   url.Values     // form-encoded Web API calls
	JSON   map[string]any // JSON bodies (response_url posts)
	Path   string
	Auth   string // the Authorization header
}

// text is a call's fallback text, from either encoding.
func (c call) text() string {
	if c.JSON != nil {
		s, _ := c.JSON["text"].(string)
		return s
	}
	return c.Form.Get("text")
}

// blocks is a call's blocks as raw JSON, from either encoding.
func (c call) blocks() string {
	if c.JSON != nil {
		b, _ := json.Marshal(c.JSON["blocks"])
		return string(b)
	}
	return c.Form.Get("blocks")
}

// reply is a scripted answer of the fake Slack to one call.
type reply struct {
	status int
	header map[string]string
	body   string
}

// fakeSlack plays the Web API (and response_urls, and the Socket Mode
// websocket) on 127.0.0.1, recording every call.
type fakeSlack struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	calls   []call
	waiters map[string]chan call
	script  map[string][]reply // replies to use before the default one, in order

	conns chan *websocket.Conn
}

func newFakeSlack(t testing.TB) *fakeSlack {
	t.Helper()
	f := &fakeSlack{t: t, waiters: map[string]chan call{}, script: map[string][]reply{}, conns: make(chan *websocket.Conn, 4)}
	for _, m := range []string{mAuth, mPost, mEphemeral, mOpen, mResponse} {
		f.waiters[m] = make(chan call, 100)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", f.serveAPI)
	mux.HandleFunc("POST /response/{id}", f.serveAPI)
	mux.HandleFunc("GET /ws", f.serveWS)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) responseURL(id string) string { return f.srv.URL + "/response/" + id }

// then scripts the next replies to method.
func (f *fakeSlack) then(method string, rs ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[method] = append(f.script[method], rs...)
}

// apiError is a Web API error reply.
func apiError(code string) reply { return reply{body: `{"ok":false,"error":"` + code + `"}`} }

func (f *fakeSlack) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	if method == "" {
		method = mResponse
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Error(err)
		return
	}
	c := call{Method: method, Path: r.URL.Path, Auth: r.Header.Get("Authorization")}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if len(body) == 0 {
			body = []byte("{}")
		}
		if err := json.Unmarshal(body, &c.JSON); err != nil {
			f.t.Errorf("%s: body is not JSON: %v", method, err)
		}
		if c.JSON == nil {
			c.JSON = map[string]any{}
		}
	} else if c.Form, err = url.ParseQuery(string(body)); err != nil {
		f.t.Errorf("%s: body is not a form: %v", method, err)
	}

	f.mu.Lock()
	f.calls = append(f.calls, c)
	rep, scripted := reply{}, false
	if q := f.script[method]; len(q) > 0 {
		rep, scripted, f.script[method] = q[0], true, q[1:]
	}
	waiter := f.waiters[method]
	f.mu.Unlock()

	if !scripted {
		rep = f.defaultReply(method, r)
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	if rep.status != 0 {
		w.WriteHeader(rep.status)
	}
	io.WriteString(w, rep.body)
	if waiter != nil {
		waiter <- c
	}
}

func (f *fakeSlack) defaultReply(method string, r *http.Request) reply {
	switch method {
	case mAuth:
		return reply{body: `{"ok":true,"url":"https://example.slack.com/","team":"Example","user":"quotebot","team_id":"T1","user_id":"UBOT","bot_id":"BBOT"}`}
	case mOpen:
		return reply{body: `{"ok":true,"url":"ws://` + r.Host + `/ws"}`}
	case mPost:
		return reply{body: `{"ok":true,"channel":"C1","ts":"1700000000.000200"}`}
	case mEphemeral:
		return reply{body: `{"ok":true,"message_ts":"1700000000.000300"}`}
	}
	return reply{body: `{"ok":true}`}
}

// next waits for the next call of method.
func (f *fakeSlack) next(t testing.TB, method string) call {
	t.Helper()
	select {
	case c := <-f.waiters[method]:
		return c
	case <-time.After(wait):
		t.Fatalf("no %s call within %s; calls so far: %v", method, wait, f.methods())
		return call{}
	}
}

// count is how many calls of method the fake has received.
func (f *fakeSlack) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.Method == method {
			n++
		}
	}
	return n
}

func (f *fakeSlack) methods() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ms []string
	for _, c := range f.calls {
		ms = append(ms, c.Method)
	}
	return ms
}

func (f *fakeSlack) serveWS(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		f.t.Error(err)
		return
	}
	f.t.Cleanup(func() { conn.Close() })
	f.conns <- conn
}

// socket is the server side of a Socket Mode connection.
type socket struct {
	t    testing.TB
	conn *websocket.Conn
}

// accept waits for the bot to connect and says hello.
func (f *fakeSlack) accept(t testing.TB) *socket {
	t.Helper()
	select {
	case conn := <-f.conns:
		s := &socket{t: t, conn: conn}
		s.send(map[string]any{"type": "hello", "num_connections": 1,
			"debug_info": map[string]any{"host": "applink-test"}, "connection_info": map[string]any{"app_id": "A1"}})
		return s
	case <-time.After(wait):
		t.Fatalf("the bot did not open the websocket within %s", wait)
		return nil
	}
}

// drop ends the connection as a network failure does: the TCP connection
// closes without a websocket close frame.
func (s *socket) drop() {
	s.t.Helper()
	if err := s.conn.UnderlyingConn().Close(); err != nil {
		s.t.Fatalf("drop the websocket: %v", err)
	}
}

// closed fails unless the bot closes its side of the socket, within wait,
// without sending anything more.
func (s *socket) closed() {
	s.t.Helper()
	s.conn.SetReadDeadline(time.Now().Add(wait))
	var a ack
	err := s.conn.ReadJSON(&a)
	if err == nil {
		s.t.Fatalf("the bot sent %+v, want nothing more", a)
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		s.t.Fatalf("the bot did not close the websocket within %s", wait)
	}
}

func (s *socket) send(v any) {
	s.t.Helper()
	s.conn.SetWriteDeadline(time.Now().Add(wait))
	if err := s.conn.WriteJSON(v); err != nil {
		s.t.Fatalf("write to websocket: %v", err)
	}
}

// envelope sends a Socket Mode request of type typ carrying payload.
func (s *socket) envelope(typ, id string, payload any, retry int) {
	s.t.Helper()
	s.send(map[string]any{"type": typ, "envelope_id": id, "payload": payload,
		"accepts_response_payload": typ != "events_api", "retry_attempt": retry, "retry_reason": ""})
}

// ack is the bot's acknowledgement of an envelope.
type ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// readAck waits for the bot's next message on the socket, an ack.
func (s *socket) readAck() ack {
	s.t.Helper()
	s.conn.SetReadDeadline(time.Now().Add(wait))
	var a ack
	if err := s.conn.ReadJSON(&a); err != nil {
		s.t.Fatalf("read ack: %v", err)
	}
	return a
}

// engine is a fake Answerer: fixed answers by question, recording what it
// was asked.
type engine struct {
	asked   chan string
	release chan struct{} // "slow" questions wait for it
	once    sync.Once
}

func newEngine() *engine {
	return &engine{asked: make(chan string, 100), release: make(chan struct{})}
}

// unblock lets "slow" questions be answered.
func (e *engine) unblock() { e.once.Do(func() { close(e.release) }) }

var topics = []string{"fisheries", "trade & investment", "space <cooperation>"}

// fisheryHit is a passage whose second sentence is the highlight; it holds
// characters Slack must see escaped.
var fisheryHit = func() bot.Hit {
	first := "The two sides agreed to deepen cooperation. "
	second := "The statement said China and Peru are willing to enhance their cooperation on fishing, <aquaculture> & marine science."
	return bot.Hit{
		ID: "china-peru-statement#7", Doc: "china-peru-statement",
		Title: "China, Peru to deepen comprehensive strategic partnership", Date: "Nov 15, 2024", Paragraph: 7,
		Text: first + second, Highlight: second, Score: 0.83,
		Spans: []corpus.Span{{Start: len(first), End: len(first) + len(second)}},
	}
}()

var errEngine = errors.New("index not loaded")

func (e *engine) Answer(ctx context.Context, q string, top int) (bot.Answer, error) {
	e.asked <- q
	switch {
	case strings.TrimSpace(q) == "":
		return bot.Answer{Topics: topics}, nil
	case strings.Contains(q, "boom"):
		return bot.Answer{}, errEngine
	case strings.Contains(q, "panic"):
		panic("engine exploded")
	case strings.Contains(q, "slow"):
		select {
		case <-e.release:
		case <-ctx.Done():
			return bot.Answer{}, ctx.Err()
		}
	case strings.Contains(q, "nearby"):
		return bot.Answer{Question: q, Passages: []bot.Hit{}, Closest: []bot.Hit{fisheryHit}, Topics: topics}, nil
	case !strings.Contains(q, "fish") && !strings.Contains(q, "漁業"):
		return bot.Answer{Question: q, Passages: []bot.Hit{}, Topics: topics}, nil
	}
	return bot.Answer{Question: q, Found: true, Passages: []bot.Hit{fisheryHit}}, nil
}

// nextQuestion waits for the next question the engine is asked.
func (e *engine) nextQuestion(t testing.TB) string {
	t.Helper()
	select {
	case q := <-e.asked:
		return q
	case <-time.After(wait):
		t.Fatalf("the engine was not asked within %s", wait)
		return ""
	}
}

// outcomes collects Config.OnReply and Config.OnReject calls.
type outcomes struct {
	replies chan string // "surface/outcome"
	mu      sync.Mutex
	rejects []string
}

func newOutcomes() *outcomes { return &outcomes{replies: make(chan string, 100)} }

func (o *outcomes) next(t testing.TB) string {
	t.Helper()
	select {
	case r := <-o.replies:
		return r
	case <-time.After(wait):
		t.Fatalf("no reply outcome within %s", wait)
		return ""
	}
}

func (o *outcomes) rejected() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.rejects...)
}

// fixedNow is the clock of the HTTP tests; requests are signed at it.
var fixedNow = time.Unix(1_700_000_000, 0)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// harness is a started Bot with its fake Slack, engine and outcomes.
type harness struct {
	bot  *Bot
	f    *fakeSlack
	eng  *engine
	out  *outcomes
	srv  *httptest.Server // the Bot's routes, in HTTP mode
	logs *strings.Builder
	// sleeps records the waits asked of Config.Sleep.
	sleeps chan time.Duration
}

// start builds and starts a Bot against a fresh fake Slack; edit adjusts
// the Config first. Without an AppToken it serves the Bot's HTTP routes.
func start(t *testing.T, edit func(*Config)) *harness {
	t.Helper()
	h := &harness{f: newFakeSlack(t), eng: newEngine(), out: newOutcomes(), sleeps: make(chan time.Duration, 10), logs: &strings.Builder{}}
	var logMu sync.Mutex
	cfg := Config{
		BotToken:      "xoxb-test",
		SigningSecret: secret,
		APIURL:        h.f.apiURL(),
		Answerer:      h.eng,
		Logger:        slog.New(slog.NewTextHandler(lockedWriter{&logMu, h.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		OnReply:       func(surface, outcome string) { h.out.replies <- surface + "/" + outcome },
		OnReject: func(reason string) {
			h.out.mu.Lock()
			h.out.rejects = append(h.out.rejects, reason)
			h.out.mu.Unlock()
		},
		InlineBudget: time.Minute, // inline unless the engine blocks
		Now:          func() time.Time { return fixedNow },
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.sleeps <- d
			return nil
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.bot = b
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		h.eng.unblock()
		b.Stop()
	})
	if !b.SocketMode() {
		mux := http.NewServeMux()
		b.Routes(mux)
		h.srv = httptest.NewServer(mux)
		t.Cleanup(h.srv.Close)
	}
	h.f.next(t, mAuth)
	return h
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// sign sets Slack's signature headers on r for body at time ts.
func sign(r *http.Request, body string, ts time.Time, key string) {
	t := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(key))
	io.WriteString(mac, "v0:"+t+":"+body)
	r.Header.Set("X-Slack-Request-Timestamp", t)
	r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// post sends a signed request to the Bot's route and returns the response
// status and body.
func (h *harness) post(t *testing.T, path, contentType, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	sign(req, body, fixedNow, secret)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: wait}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// eventJSON is an Events API callback in Slack's shape around inner.
func eventJSON(eventID string, inner map[string]any) string {
	b, err := json.Marshal(map[string]any{
		"token": "verification-token", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event": inner, "event_id": eventID, "event_time": 1700000000, "authed_users": []string{"UBOT"},
		"authorizations": []map[string]any{{"team_id": "T1", "user_id": "UBOT", "is_bot": true}},
		"event_context":  "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
	})
	if err != nil {
		panic(err)
	}
	return string(b)
}

func mention(text string) map[string]any {
	return map[string]any{"type": "app_mention", "user": "U1", "text": text, "ts": "1700000000.000100",
		"channel": "C1", "event_ts": "1700000000.000100", "client_msg_id": "c6d1b4d6"}
}

func dm(text string) map[string]any {
	return map[string]any{"type": "message", "user": "U1", "text": text, "ts": "1700000000.000100",
		"channel": "D1", "channel_type": "im", "event_ts": "1700000000.000100", "client_msg_id": "c6d1b4d7"}
}

// commandForm is a slash command in Slack's form encoding.
func commandForm(text, responseURL string) string {
	return url.Values{
		"token": {"verification-token"}, "team_id": {"T1"}, "team_domain": {"example"},
		"channel_id": {"C1"}, "channel_name": {"general"}, "user_id": {"U1"}, "user_name": {"ana"},
		"command": {"/ask"}, "text": {text}, "api_app_id": {"A1"}, "is_enterprise_install": {"false"},
		"response_url": {responseURL}, "trigger_id": {"13345224609.738474920.8088930838d88f008e0"},
	}.Encode()
}

// shareClick is the block_actions payload of a "Share in channel" click.
func shareClick(question, responseURL string) map[string]any {
	return map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U1", "username": "ana", "name": "ana", "team_id": "T1"},
		"api_app_id": "A1", "token": "verification-token", "trigger_id": "1.2.3",
		"container":    map[string]any{"type": "message", "message_ts": "1700000000.000300", "channel_id": "C1", "is_ephemeral": true},
		"team":         map[string]any{"id": "T1", "domain": "example"},
		"channel":      map[string]any{"id": "C1", "name": "general"},
		"response_url": responseURL,
		"actions": []map[string]any{{"action_id": shareActionID, "block_id": shareActionID, "type": "button",
			"value": question, "text": map[string]any{"type": "plain_text", "text": "Share in channel"}, "action_ts": "1700000001.000"}},
		"state": map[string]any{"values": map[string]any{}},
	}
}
