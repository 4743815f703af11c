package discordbot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The fake Discord's fixed identities.
const (
	testToken     = "test-token"
	testBotID     = "100"
	testAppID     = "200"
	testSessionID = "session-1"
	// forbiddenChannel answers every message with 403 Missing Access.
	forbiddenChannel = "403"
	// forbiddenGuild answers the request for its roles with 403 Missing
	// Access.
	forbiddenGuild = "403"
	// Roles every other guild has: the bot's managed role, another bot's
	// and an ordinary one.
	testBotRoleID  = "110"
	otherBotRoleID = "120"
	ordinaryRoleID = "130"
)

// waitTime bounds every wait on the fake; it is never asserted.
const waitTime = 10 * time.Second

// request is one REST call the fake received.
type request struct {
	Method, Path string
	Auth         string
	Body         []byte
}

// fakeDiscord is an httptest server speaking enough of Discord's REST API
// and gateway for discordgo's real Session. Every REST request except the
// gateway lookup is recorded, in order, on requests; every gateway
// connection is delivered on conns once it has been identified or resumed,
// or, with a stall, on stalled once it stops answering.
type fakeDiscord struct {
	t        *testing.T
	srv      *httptest.Server
	requests chan request
	conns    chan *fakeConn
	stalled  chan struct{}
	seq      atomic.Int64

	// Set by fakeOptions before the server starts.
	stall stallPoint

	mu      sync.Mutex
	sockets []*websocket.Conn
}

// stallPoint is where the fake gateway stops answering a connection while
// keeping it open.
type stallPoint int

const (
	noStall          stallPoint = iota
	stallBeforeHello            // upgrade, then send nothing
	stallBeforeReady            // send HELLO and read IDENTIFY, then send nothing
)

// fakeHeartbeatMS is the heartbeat interval the gateway announces in HELLO:
// so long that discordgo sends one heartbeat at connect, then none during a
// test, which keeps its heartbeat goroutine out of the way of reconnects.
const fakeHeartbeatMS = 600000

// fakeOption configures a fakeDiscord.
type fakeOption func(*fakeDiscord)

// withStall makes every gateway connection stall at p.
func withStall(p stallPoint) fakeOption {
	return func(f *fakeDiscord) { f.stall = p }
}

func newFakeDiscord(t *testing.T, opts ...fakeOption) *fakeDiscord {
	t.Helper()
	f := &fakeDiscord{t: t, requests: make(chan request, 64), conns: make(chan *fakeConn, 8), stalled: make(chan struct{}, 8)}
	for _, opt := range opts {
		opt(f)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v10/gateway", f.handleGatewayURL)
	mux.HandleFunc("GET /api/v10/gateway/bot", f.handleGatewayURL)
	mux.HandleFunc("GET /gateway/", f.handleGateway)
	mux.HandleFunc("GET /api/v10/users/@me", f.record(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bot "+testToken {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message": "401: Unauthorized", "code": 0}`)
			return
		}
		io.WriteString(w, `{"id": "`+testBotID+`", "username": "quotebot", "bot": true}`)
	}))
	echo := f.record(func(w http.ResponseWriter, r *http.Request) {
		w.Write(f.lastBody(r))
	})
	mux.HandleFunc("PUT /api/v10/applications/{app}/commands", echo)
	mux.HandleFunc("PUT /api/v10/applications/{app}/guilds/{guild}/commands", echo)
	mux.HandleFunc("POST /api/v10/interactions/{id}/{token}/callback", f.record(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("POST /api/v10/channels/{channel}/messages", f.record(func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("channel") == forbiddenChannel {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"message": "Missing Access", "code": 50001}`)
			return
		}
		io.WriteString(w, `{"id": "900", "channel_id": "`+r.PathValue("channel")+`"}`)
	}))
	mux.HandleFunc("GET /api/v10/guilds/{guild}/roles", f.record(func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("guild") == forbiddenGuild {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"message": "Missing Access", "code": 50001}`)
			return
		}
		io.WriteString(w, `[
			{"id": "`+r.PathValue("guild")+`", "name": "@everyone", "managed": false, "permissions": "0"},
			{"id": "`+testBotRoleID+`", "name": "quotebot", "managed": true, "permissions": "0", "tags": {"bot_id": "`+testBotID+`"}},
			{"id": "`+otherBotRoleID+`", "name": "otherbot", "managed": true, "permissions": "0", "tags": {"bot_id": "999"}},
			{"id": "`+ordinaryRoleID+`", "name": "readers", "managed": false, "permissions": "0"}]`)
	}))
	mux.HandleFunc("PATCH /api/v10/webhooks/{app}/{token}/messages/{message}", f.record(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"id": "901"}`)
	}))
	mux.HandleFunc("POST /api/v10/webhooks/{app}/{token}", f.record(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"id": "902"}`)
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("fake Discord: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.close)
	return f
}

// apiURL is the REST base to give Config.APIURL.
func (f *fakeDiscord) apiURL() string { return f.srv.URL + "/api/v10/" }

func (f *fakeDiscord) close() {
	f.mu.Lock()
	for _, ws := range f.sockets {
		ws.Close()
	}
	f.mu.Unlock()
	f.srv.Close()
}

type bodyKey struct{}

// record wraps a REST handler so that its request is recorded first; the
// handler reads the body with lastBody.
func (f *fakeDiscord) record(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			f.t.Errorf("fake Discord: read body: %v", err)
			return
		}
		select {
		case f.requests <- request{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Body: body}:
		default:
			f.t.Errorf("fake Discord: too many unread requests")
		}
		h(w, r.WithContext(context.WithValue(r.Context(), bodyKey{}, body)))
	}
}

func (f *fakeDiscord) lastBody(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}

func (f *fakeDiscord) handleGatewayURL(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, `{"url": "ws://`+r.Host+`/gateway", "shards": 1, "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}}`)
}

// next returns the next recorded REST request, failing the test after
// waitTime.
func (f *fakeDiscord) next(t *testing.T, method, path string) request {
	t.Helper()
	select {
	case r := <-f.requests:
		if r.Method != method || r.Path != path {
			t.Fatalf("next request = %s %s, want %s %s (body %s)", r.Method, r.Path, method, path, r.Body)
		}
		return r
	case <-time.After(waitTime):
		t.Fatalf("no %s %s request", method, path)
		return request{}
	}
}

// noMoreRequests fails when a request is waiting unread.
func (f *fakeDiscord) noMoreRequests(t *testing.T) {
	t.Helper()
	select {
	case r := <-f.requests:
		t.Errorf("unexpected request %s %s %s", r.Method, r.Path, r.Body)
	default:
	}
}

// waitStalled returns once a gateway connection has stalled.
func (f *fakeDiscord) waitStalled(t *testing.T) {
	t.Helper()
	select {
	case <-f.stalled:
	case <-time.After(waitTime):
		t.Fatal("no stalled gateway connection")
	}
}

// conn returns the next gateway connection.
func (f *fakeDiscord) conn(t *testing.T) *fakeConn {
	t.Helper()
	select {
	case c := <-f.conns:
		return c
	case <-time.After(waitTime):
		t.Fatal("no gateway connection")
		return nil
	}
}

// gatewayPayload is a gateway frame.
type gatewayPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  int64           `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

// fakeConn is one gateway connection: it has sent HELLO, received First
// (IDENTIFY or RESUME), answered READY or RESUMED, and now acknowledges
// heartbeats while the test dispatches events.
type fakeConn struct {
	f          *fakeDiscord
	ws         *websocket.Conn
	wmu        sync.Mutex
	First      gatewayPayload
	heartbeats chan int64
}

var upgrader = websocket.Upgrader{}

func (f *fakeDiscord) handleGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("fake gateway: upgrade: %v", err)
		return
	}
	f.mu.Lock()
	f.sockets = append(f.sockets, ws)
	f.mu.Unlock()
	c := &fakeConn{f: f, ws: ws, heartbeats: make(chan int64, 16)}
	if f.stall == stallBeforeHello {
		c.hang()
		return
	}
	hello := fmt.Sprintf(`{"heartbeat_interval": %d}`, fakeHeartbeatMS)
	if err := c.send(gatewayPayload{Op: 10, D: json.RawMessage(hello)}); err != nil {
		f.t.Errorf("fake gateway: hello: %v", err)
		return
	}
	ws.SetReadDeadline(time.Now().Add(waitTime))
	if err := ws.ReadJSON(&c.First); err != nil {
		f.t.Errorf("fake gateway: read identify: %v", err)
		return
	}
	ws.SetReadDeadline(time.Time{})
	if f.stall == stallBeforeReady {
		c.hang()
		return
	}
	switch c.First.Op {
	case 2:
		err = c.send(gatewayPayload{Op: 0, T: "READY", S: f.seq.Add(1), D: json.RawMessage(`{"v": 9, "session_id": "` + testSessionID + `",
			"user": {"id": "` + testBotID + `", "username": "quotebot", "bot": true},
			"application": {"id": "` + testAppID + `"}, "guilds": [], "private_channels": []}`)})
	case 6:
		err = c.send(gatewayPayload{Op: 0, T: "RESUMED", S: f.seq.Add(1), D: json.RawMessage(`{}`)})
	default:
		f.t.Errorf("fake gateway: first frame op %d, want 2 (IDENTIFY) or 6 (RESUME)", c.First.Op)
		return
	}
	if err != nil {
		f.t.Errorf("fake gateway: ready: %v", err)
		return
	}
	go c.readLoop()
	f.conns <- c
}

// hang reports the stall, then reads and discards until the client (or the
// test's cleanup) closes the connection.
func (c *fakeConn) hang() {
	c.f.stalled <- struct{}{}
	for {
		if _, _, err := c.ws.ReadMessage(); err != nil {
			return
		}
	}
}

func (c *fakeConn) send(p gatewayPayload) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteJSON(p)
}

// readLoop answers heartbeats (op 1) with acks (op 11) until the
// connection ends.
func (c *fakeConn) readLoop() {
	for {
		var p gatewayPayload
		if err := c.ws.ReadJSON(&p); err != nil {
			return
		}
		if p.Op != 1 {
			continue
		}
		if err := c.send(gatewayPayload{Op: 11}); err != nil {
			return
		}
		var seq int64
		json.Unmarshal(p.D, &seq)
		select {
		case c.heartbeats <- seq:
		default:
		}
	}
}

// dispatch sends an event (op 0) with the next sequence number and returns
// that number.
func (c *fakeConn) dispatch(t *testing.T, event string, data any) int64 {
	t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	seq := c.f.seq.Add(1)
	if err := c.send(gatewayPayload{Op: 0, T: event, S: seq, D: raw}); err != nil {
		t.Fatalf("dispatch %s: %v", event, err)
	}
	return seq
}

// replay sends an event again with an old sequence number, as a resumed
// session may.
func (c *fakeConn) replay(t *testing.T, event string, seq int64, data any) {
	t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.send(gatewayPayload{Op: 0, T: event, S: seq, D: raw}); err != nil {
		t.Fatalf("replay %s: %v", event, err)
	}
}

// drop cuts the connection without a close frame, as a network failure does.
func (c *fakeConn) drop() { c.ws.NetConn().Close() }
