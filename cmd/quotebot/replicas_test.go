package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotebot/quotebot/internal/redistest"
)

// slackPosts plays the part of Slack's Web API that serve's Slack bot
// needs in HTTP mode, on 127.0.0.1: auth.test, and chat.postMessage, whose
// calls it records by thread (each test event is its own thread).
type slackPosts struct {
	*httptest.Server

	mu       sync.Mutex
	byThread map[string][]time.Time // thread_ts → the time of each post
	texts    map[string][]string    // thread_ts → the text of each post
	posted   chan string            // the thread of each post, when there is room
}

func newSlackPosts(t testing.TB) *slackPosts {
	t.Helper()
	f := &slackPosts{byThread: map[string][]time.Time{}, texts: map[string][]string{}, posted: make(chan string, 100_000)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth.test", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"team":"Example","user":"quotebot","team_id":"T1","user_id":"UBOT","bot_id":"BBOT"}`)
	})
	mux.HandleFunc("POST /api/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		if err := r.ParseForm(); err != nil {
			t.Errorf("fake Slack: chat.postMessage: %v", err)
			return
		}
		thread := r.PostForm.Get("thread_ts")
		f.mu.Lock()
		f.byThread[thread] = append(f.byThread[thread], at)
		f.texts[thread] = append(f.texts[thread], r.PostForm.Get("text"))
		f.mu.Unlock()
		select {
		case f.posted <- thread:
		default:
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"channel":"`+r.PostForm.Get("channel")+`","ts":"1700000001.000001"}`)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// posts is the number of posts in thread.
func (f *slackPosts) posts(thread string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.byThread[thread])
}

// signSlack returns the headers with which Slack signs body: the v0
// HMAC-SHA256 of "v0:timestamp:body" with the signing secret.
func signSlack(secret string, body []byte) http.Header {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return http.Header{
		"X-Slack-Request-Timestamp": {ts},
		"X-Slack-Signature":         {"v0=" + hex.EncodeToString(mac.Sum(nil))},
	}
}

// slackMention is an Events API app_mention callback as Slack sends it,
// signed: user asks q, mentioning the bot, in channel C1, in a message of
// timestamp ts (which becomes the thread of the reply).
func (ls *loadServer) slackMention(eventID, user, ts, q string) loadRequest {
	text := "<@UBOT> " + q
	body, _ := json.Marshal(map[string]any{
		"token": "legacy-verification-token", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event": map[string]any{
			"client_msg_id": "3fd4b6c2-" + eventID, "type": "app_mention", "text": text, "user": user,
			"ts": ts, "team": "T1", "channel": "C1", "event_ts": ts,
			"blocks": []map[string]any{{"type": "rich_text", "block_id": "b1", "elements": []map[string]any{{
				"type": "rich_text_section", "elements": []map[string]any{
					{"type": "user", "user_id": "UBOT"}, {"type": "text", "text": " " + q},
				}}}}},
		},
		"event_id": eventID, "event_time": 1700000000,
		"authorizations":        []map[string]any{{"enterprise_id": nil, "team_id": "T1", "user_id": "UBOT", "is_bot": true, "is_enterprise_install": false}},
		"is_ext_shared_channel": false, "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIiwidGlkIjoiVDEiLCJhaWQiOiJBMSIsImNpZCI6IkMxIn0",
	})
	h := signSlack(ls.slackSecret, body)
	h.Set("Content-Type", "application/json")
	return loadRequest{path: "/slack/events", body: body, header: h}
}

// send posts r to the server at base and returns the status and body.
func (ls *loadServer) send(base string, r loadRequest) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, base+r.path, strings.NewReader(string(r.body)))
	if err != nil {
		return 0, nil, err
	}
	req.Header = r.header.Clone()
	resp, err := ls.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// replicaSet is n replicas of serve sharing one Slack app (HTTP mode) and
// one Discord application (interactions endpoint), and the load client
// that signs their requests.
type replicaSet struct {
	*loadServer
	replicas []*server
	slack    *slackPosts
}

// startReplicas starts n replicas of serve on 127.0.0.1 with the built-in
// statement, each with its own index folder, all with the same secrets and
// the Slack API slack; extra adds to (or overrides) their environment.
func startReplicas(t testing.TB, n int, extra map[string]string) *replicaSet {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	slack := newSlackPosts(t)
	const secret = "replicas-signing-secret"
	env := map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-replicas",
		"SLACK_SIGNING_SECRET": secret,
		"SLACK_API_URL":        slack.URL + "/api/",
		"DISCORD_PUBLIC_KEY":   hex.EncodeToString(pub),
		"DISCORD_APP_ID":       "100000000000000001",
		"DISCORD_API_URL":      slack.URL + "/discord/", // no edits expected: answers are inline
	}
	for k, v := range extra {
		env[k] = v
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	rs := &replicaSet{slack: slack, loadServer: &loadServer{
		slackSecret: secret, discordKey: priv, client: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		discordAppID: env["DISCORD_APP_ID"], discordGuild: "200000000000000002", discordChanID: "300000000000000003",
	}}
	for range n {
		rs.replicas = append(rs.replicas, openServer(t, &server{
			cfg:    engineConfig{DB: filepath.Join(t.TempDir(), "index"), Embedder: "local"},
			addr:   "127.0.0.1:0",
			logger: slog.New(slog.DiscardHandler),
			getenv: func(k string) string { return env[k] },
		}))
	}
	return rs
}

// base is replica i's URL.
func (rs *replicaSet) base(i int) string { return "http://" + rs.replicas[i].Addr() }

// deliverToAll sends r to every replica at once and returns their
// statuses and bodies, in replica order.
func (rs *replicaSet) deliverToAll(t *testing.T, r loadRequest) ([]int, [][]byte) {
	t.Helper()
	codes, bodies := make([]int, len(rs.replicas)), make([][]byte, len(rs.replicas))
	var wg sync.WaitGroup
	for i := range rs.replicas {
		wg.Go(func() {
			code, body, err := rs.send(rs.base(i), r)
			if err != nil {
				t.Errorf("replica %d: %v", i, err)
			}
			codes[i], bodies[i] = code, body
		})
	}
	wg.Wait()
	return codes, bodies
}

// TestReplicasAnswerOnce: two replicas of serve share one Redis
// (QUOTEBOT_REDIS_URL). The same signed Slack event, delivered to both at
// once (a retry that the load balancer sent to the other replica), gets
// exactly one answer at Slack; the same Discord interaction delivered to
// both gets one response (the other replica answers 409).
func TestReplicasAnswerOnce(t *testing.T) {
	rd := redistest.Start(t)
	rs := startReplicas(t, 2, map[string]string{"QUOTEBOT_REDIS_URL": rd.URL()})

	const thread = "1700000000.000200"
	ev := rs.slackMention("Ev08MFMKH6J9", "U0123ABCD", thread, "what did they say about fisheries?")
	codes, _ := rs.deliverToAll(t, ev)
	if codes[0] != http.StatusOK || codes[1] != http.StatusOK {
		t.Fatalf("the replicas acknowledged the event with %v, want 200 from both", codes)
	}
	// Both replicas decided before acknowledging: the one that claimed the
	// event posts its answer, the other dropped it as a duplicate.
	if got := receive(t, rs.slack.posted, "Slack answer"); got != thread {
		t.Fatalf("posted in thread %q, want %q", got, thread)
	}
	dups := 0.0
	for _, s := range rs.replicas {
		dups += metricValue(t, s.metrics, "quotebot_slack_rejected_total", map[string]string{"reason": "duplicate"})
	}
	if dups != 1 {
		t.Errorf("%v duplicates dropped across the replicas, want 1", dups)
	}

	in := rs.discordRequest("what did they say about fisheries?")
	codes, bodies := rs.deliverToAll(t, in)
	answered := 0
	for i, code := range codes {
		switch code {
		case http.StatusOK:
			answered++
			var r struct {
				Type int `json:"type"`
			}
			if json.Unmarshal(bodies[i], &r) != nil || r.Type != 4 {
				t.Errorf("replica %d's response is not an answer: %s", i, bodies[i])
			}
		case http.StatusConflict:
		default:
			t.Errorf("replica %d: %d %s", i, code, bodies[i])
		}
	}
	if answered != 1 {
		t.Errorf("%d replicas answered the interaction, want 1 (statuses %v)", answered, codes)
	}

	// Once both have stopped, nothing more can be posted.
	for _, s := range rs.replicas {
		s.Close()
	}
	if n := rs.slack.posts(thread); n != 1 {
		t.Errorf("%d answers posted to Slack for one event, want 1", n)
	}
	if v := metricValue(t, rs.replicas[0].metrics, "quotebot_dedupe_redis_up", nil); v != 1 {
		t.Errorf("quotebot_dedupe_redis_up = %v, want 1", v)
	}
}

// TestReplicasRedisDown: when Redis stops, each replica deduplicates in its
// own memory: a retry reaching the replica that answered is still dropped,
// and questions are still answered (fail open, never silent).
func TestReplicasRedisDown(t *testing.T) {
	rd := redistest.Start(t)
	rs := startReplicas(t, 2, map[string]string{"QUOTEBOT_REDIS_URL": rd.URL()})
	rd.Stop()

	const thread = "1700000000.000300"
	ev := rs.slackMention("Ev0REDISDOWN", "U0123ABCD", thread, "what did they say about fisheries?")
	for range 2 { // the event, then Slack's retry, to the same replica
		if code, body, err := rs.send(rs.base(0), ev); err != nil || code != http.StatusOK {
			t.Fatalf("replica 0: %d %s %v", code, body, err)
		}
	}
	if got := receive(t, rs.slack.posted, "Slack answer"); got != thread {
		t.Fatalf("posted in thread %q, want %q", got, thread)
	}
	in := rs.discordRequest("fisheries")
	if code, body, err := rs.send(rs.base(1), in); err != nil || code != http.StatusOK {
		t.Fatalf("replica 1 did not answer an interaction with Redis down: %d %s %v", code, body, err)
	}
	rs.replicas[0].Close()
	if n := rs.slack.posts(thread); n != 1 {
		t.Errorf("%d answers to one event and its retry on one replica, want 1", n)
	}
	m := rs.replicas[0].metrics
	if up := metricValue(t, m, "quotebot_dedupe_redis_up", nil); up != 0 {
		t.Errorf("quotebot_dedupe_redis_up = %v, want 0", up)
	}
	if n := metricValue(t, m, "quotebot_dedupe_redis_errors_total", map[string]string{"op": "claim"}); n != 1 {
		t.Errorf("claim errors %v, want 1 (the retry is dropped from memory, without asking Redis)", n)
	}
}
