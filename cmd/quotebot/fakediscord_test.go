package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeDiscordGateway is the part of Discord that serve's start-up talks
// to, on 127.0.0.1: the token's user, command registration, the gateway's
// address, and a gateway that says HELLO, reads IDENTIFY, answers READY
// and then acknowledges heartbeats. Each IDENTIFY's data is delivered on
// identified. Give serve DISCORD_API_URL=f.URL+"/api/v10/".
type fakeDiscordGateway struct {
	*httptest.Server
	identified chan json.RawMessage

	mu      sync.Mutex
	sockets []*websocket.Conn
}

func newFakeDiscordGateway(t *testing.T, token string) *fakeDiscordGateway {
	t.Helper()
	f := &fakeDiscordGateway{identified: make(chan json.RawMessage, 4)}
	up := websocket.Upgrader{}
	mux := http.NewServeMux()
	gatewayURL := func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"url": "ws://`+r.Host+`/gateway", "shards": 1}`)
	}
	mux.HandleFunc("GET /api/v10/gateway", gatewayURL)
	mux.HandleFunc("GET /api/v10/gateway/bot", gatewayURL)
	mux.HandleFunc("GET /api/v10/users/@me", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bot "+token {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message": "401: Unauthorized", "code": 0}`)
			return
		}
		io.WriteString(w, `{"id": "100", "username": "quotebot", "bot": true}`)
	})
	mux.HandleFunc("PUT /api/v10/applications/{app}/commands", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, r.Body)
	})
	mux.HandleFunc("GET /gateway/", func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("fake Discord gateway: upgrade: %v", err)
			return
		}
		f.mu.Lock()
		f.sockets = append(f.sockets, ws)
		f.mu.Unlock()
		type payload struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d,omitempty"`
			S  int64           `json:"s,omitempty"`
			T  string          `json:"t,omitempty"`
		}
		// A heartbeat interval of ten minutes: one heartbeat at connect.
		if err := ws.WriteJSON(payload{Op: 10, D: json.RawMessage(`{"heartbeat_interval": 600000}`)}); err != nil {
			return
		}
		var first payload
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		if err := ws.ReadJSON(&first); err != nil || first.Op != 2 {
			t.Errorf("fake Discord gateway: first frame op %d (%v), want IDENTIFY", first.Op, err)
			return
		}
		ws.SetReadDeadline(time.Time{})
		f.identified <- first.D
		if err := ws.WriteJSON(payload{Op: 0, T: "READY", S: 1, D: json.RawMessage(`{"v": 10, "session_id": "s1",
			"user": {"id": "100", "username": "quotebot", "bot": true}, "application": {"id": "200"}, "guilds": [], "private_channels": []}`)}); err != nil {
			return
		}
		for {
			var p payload
			if err := ws.ReadJSON(&p); err != nil {
				return
			}
			if p.Op == 1 && ws.WriteJSON(payload{Op: 11}) != nil {
				return
			}
		}
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.mu.Lock()
		for _, ws := range f.sockets {
			ws.Close()
		}
		f.mu.Unlock()
		f.Close()
	})
	return f
}
