package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The webhook load benchmark: the real serve, with Slack in HTTP mode and
// Discord's interactions endpoint on, driven over loopback by loadWorkers
// goroutines on each route in turn. Every request is built and signed
// before the timer starts, so the load client's own HMAC and Ed25519 work is
// not counted. Each sub-benchmark reports req/s, p50-ms and p99-ms, and
// late/op: the share of replies that missed the inline deadline and went
// through Slack's response_url or Discord's deferred edit (0 on a healthy
// run: those replies would cost an extra outgoing request each), and
// cpu-µs/op, the CPU time of the whole process (serve and the load client)
// per request, which a machine shared with other work disturbs far less
// than req/s.
//
//	go test ./cmd/quotebot -run '^$' -bench Webhook -count 3
//
// The benchmark is bounded like any other (-benchtime; 1 s per route by
// default) and talks only to 127.0.0.1.

// loadWorkers is how many requests are in flight at once: enough to keep
// two cores busy through the loopback round trips, and under the Slack
// answer slots serve is given (see startLoadServer), so no Slack request is
// turned away as busy.
const loadWorkers = 16

// loadQuestions are asked in turn on every route: found and not-found
// answers of the built-in statement.
var loadQuestions = []string{
	"what did they say about fisheries?",
	"flights between China and Peru",
	"free trade agreement upgrade",
	"what about the Olympic Games?",
	"Belt and Road Initiative",
	"cooperation on artificial intelligence",
}

// loadIDs numbers the interactions and commands of all sub-benchmarks, so
// Discord's deduplication never sees an id twice.
var loadIDs atomic.Int64

// loadServer is serve under test and the keys its signed routes accept.
type loadServer struct {
	base          string
	slackSecret   string
	discordKey    ed25519.PrivateKey
	responseURL   string
	lateReplies   *atomic.Int64 // posts to response_url and Discord webhook edits
	client        *http.Client
	discordAppID  string
	discordGuild  string
	discordChanID string
}

// startLoadServer starts serve on 127.0.0.1 with the built-in statement,
// Slack in HTTP mode against a fake Web API and Discord's interactions
// endpoint with a key pair made here; its REST base URL and Slack's
// response_url point at a fake that counts late replies.
func startLoadServer(b *testing.B) *loadServer {
	b.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	late := new(atomic.Int64)
	chat := http.NewServeMux()
	// Slack's response_url and Discord's edit of a deferred response.
	chat.HandleFunc("POST /response/", func(w http.ResponseWriter, r *http.Request) {
		late.Add(1)
		io.WriteString(w, `{"ok":true}`)
	})
	chat.HandleFunc("PATCH /webhooks/", func(w http.ResponseWriter, r *http.Request) {
		late.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"1","channel_id":"3","content":""}`)
	})
	fake := httptest.NewServer(chat)
	b.Cleanup(fake.Close)
	slackAPI := fakeSlackAPI(b, "")

	const secret = "load-test-signing-secret"
	env := map[string]string{
		"SLACK_BOT_TOKEN":              "xoxb-load",
		"SLACK_SIGNING_SECRET":         secret,
		"SLACK_API_URL":                slackAPI.URL + "/api/",
		"QUOTEBOT_SLACK_MAX_IN_FLIGHT": strconv.Itoa(4 * loadWorkers),
		"DISCORD_PUBLIC_KEY":           hex.EncodeToString(pub),
		"DISCORD_APP_ID":               "100000000000000001",
		"DISCORD_API_URL":              fake.URL + "/",
	}
	s := openServer(b, &server{
		cfg:    engineConfig{DB: filepath.Join(b.TempDir(), "index"), Embedder: "local"},
		addr:   "127.0.0.1:0",
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		getenv: func(k string) string { return env[k] },
	})
	if err := s.engine.ready(); err != nil {
		b.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: loadWorkers, MaxConnsPerHost: loadWorkers}
	b.Cleanup(tr.CloseIdleConnections)
	return &loadServer{
		base:          "http://" + s.Addr(),
		slackSecret:   secret,
		discordKey:    priv,
		responseURL:   fake.URL + "/response/",
		lateReplies:   late,
		client:        &http.Client{Transport: tr, Timeout: 30 * time.Second},
		discordAppID:  env["DISCORD_APP_ID"],
		discordGuild:  "200000000000000002",
		discordChanID: "300000000000000003",
	}
}

// loadRequest is one request, built and signed ahead of time.
type loadRequest struct {
	path   string
	body   []byte
	header http.Header
}

// apiRequest is POST /api/ask, as a script would send it.
func (ls *loadServer) apiRequest(q string) loadRequest {
	body, _ := json.Marshal(map[string]any{"question": q, "top": 3})
	return loadRequest{path: "/api/ask", body: body, header: http.Header{"Content-Type": {"application/json"}}}
}

// slackRequest is a slash command as Slack sends it: a form signed with
// the v0 HMAC-SHA256 of "v0:timestamp:body".
func (ls *loadServer) slackRequest(q string) loadRequest {
	id := strconv.FormatInt(loadIDs.Add(1), 10)
	form := url.Values{
		"token": {"legacy-verification-token"}, "team_id": {"T0001"}, "team_domain": {"example"},
		"channel_id": {"C0001"}, "channel_name": {"general"}, "user_id": {"U" + id}, "user_name": {"load"},
		"command": {"/ask"}, "text": {q}, "api_app_id": {"A0001"}, "is_enterprise_install": {"false"},
		"response_url": {ls.responseURL + id}, "trigger_id": {id + ".1.abc"},
	}
	body := []byte(form.Encode())
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(ls.slackSecret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return loadRequest{path: "/slack/commands", body: body, header: http.Header{
		"Content-Type":              {"application/x-www-form-urlencoded"},
		"X-Slack-Request-Timestamp": {ts},
		"X-Slack-Signature":         {"v0=" + hex.EncodeToString(mac.Sum(nil))},
	}}
}

// discordRequest is an interaction as Discord sends it, signed with
// Ed25519 over timestamp + body: a PING when q is empty, else the `ask`
// APPLICATION_COMMAND with its question option.
func (ls *loadServer) discordRequest(q string) loadRequest {
	id := strconv.FormatInt(400000000000000000+loadIDs.Add(1), 10)
	in := map[string]any{
		"id": id, "application_id": ls.discordAppID, "type": 1,
		"token": "interaction-token-" + id, "version": 1,
	}
	if q != "" {
		in["type"] = 2
		in["guild_id"] = ls.discordGuild
		in["channel_id"] = ls.discordChanID
		in["locale"] = "en-US"
		in["app_permissions"] = "2248473465835073"
		in["member"] = map[string]any{
			"user":        map[string]any{"id": "500000000000000005", "username": "load", "global_name": "Load", "discriminator": "0"},
			"roles":       []string{},
			"permissions": "2248473465835073",
			"joined_at":   "2024-01-01T00:00:00.000000+00:00",
		}
		in["data"] = map[string]any{
			"id": "600000000000000006", "name": "ask", "type": 1,
			"options": []map[string]any{{"name": "question", "type": 3, "value": q}},
		}
	}
	body, _ := json.Marshal(in)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := ed25519.Sign(ls.discordKey, append([]byte(ts), body...))
	return loadRequest{path: "/discord/interactions", body: body, header: http.Header{
		"Content-Type":          {"application/json"},
		"X-Signature-Ed25519":   {hex.EncodeToString(sig)},
		"X-Signature-Timestamp": {ts},
	}}
}

// drive sends reqs from loadWorkers goroutines and returns each request's
// latency. A response other than 200, or a reply that is not the route's
// answer, fails the benchmark.
func (ls *loadServer) drive(b *testing.B, reqs []loadRequest, check func([]byte) error) []time.Duration {
	b.Helper()
	lat := make([]time.Duration, len(reqs))
	var next atomic.Int64
	var failed atomic.Pointer[string]
	var wg sync.WaitGroup
	for range loadWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) || failed.Load() != nil {
					return
				}
				r := reqs[i]
				req, _ := http.NewRequest(http.MethodPost, ls.base+r.path, strings.NewReader(string(r.body)))
				req.Header = r.header.Clone()
				start := time.Now()
				resp, err := ls.client.Do(req)
				if err != nil {
					msg := err.Error()
					failed.Store(&msg)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(start)
				if resp.StatusCode != http.StatusOK {
					msg := fmt.Sprintf("%s: %d %s", r.path, resp.StatusCode, body)
					failed.Store(&msg)
					return
				}
				if err := check(body); err != nil {
					msg := fmt.Sprintf("%s: %v: %s", r.path, err, body)
					failed.Store(&msg)
					return
				}
			}
		})
	}
	wg.Wait()
	if msg := failed.Load(); msg != nil {
		b.Fatal(*msg)
	}
	return lat
}

// BenchmarkWebhook compares POST /api/ask with the signed Slack and Discord
// routes answering the same questions in the same run (see the top of this
// file).
func BenchmarkWebhook(b *testing.B) {
	ls := startLoadServer(b)
	routes := []struct {
		name  string
		build func(q string) loadRequest
		check func(body []byte) error
	}{
		{"api", ls.apiRequest, func(body []byte) error {
			var a struct {
				Question string `json:"question"`
			}
			if json.Unmarshal(body, &a) != nil || a.Question == "" {
				return fmt.Errorf("not an answer")
			}
			return nil
		}},
		{"slack_command", ls.slackRequest, func(body []byte) error {
			if len(body) == 0 {
				return nil // acknowledged, answered through response_url: counted as late
			}
			var r struct {
				ResponseType string `json:"response_type"`
			}
			if json.Unmarshal(body, &r) != nil || r.ResponseType != "ephemeral" {
				return fmt.Errorf("not a slash command response")
			}
			return nil
		}},
		{"discord_ping", func(string) loadRequest { return ls.discordRequest("") }, func(body []byte) error {
			if strings.TrimSpace(string(body)) != `{"type":1}` {
				return fmt.Errorf("not a PONG")
			}
			return nil
		}},
		{"discord_ask", ls.discordRequest, func(body []byte) error {
			var r struct {
				Type int `json:"type"`
			}
			if json.Unmarshal(body, &r) != nil || r.Type != 4 && r.Type != 5 {
				return fmt.Errorf("not an interaction response")
			}
			return nil
		}},
	}
	for _, route := range routes {
		b.Run(route.name, func(b *testing.B) {
			reqs := make([]loadRequest, b.N)
			for i := range reqs {
				reqs[i] = route.build(loadQuestions[i%len(loadQuestions)])
			}
			lateBefore := ls.lateReplies.Load()
			b.ResetTimer()
			start, cpuStart := time.Now(), cpuTime(b)
			lat := ls.drive(b, reqs, route.check)
			elapsed, cpu := time.Since(start), cpuTime(b)-cpuStart
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
			b.ReportMetric(ms(lat[len(lat)*50/100]), "p50-ms")
			b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
			b.ReportMetric(float64(ls.lateReplies.Load()-lateBefore)/float64(b.N), "late/op")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cpuTime is the CPU time (user and system) this process has used: server
// and load client together. Per request, it measures cost where wall time,
// on a machine shared with other work, measures mostly the share of the
// cores the process got.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
