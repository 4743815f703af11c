package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/quotebot/quotebot/bot"
)

func TestLogConfig(t *testing.T) {
	devNull, err := os.Open(os.DevNull) // a character device, as a terminal is
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	tests := []struct {
		name    string
		env     map[string]string
		out     io.Writer // *os.File or a buffer
		want    logConfig
		wantErr string // the variable the error names; "" for none
	}{
		{"defaults to JSON off a terminal", nil, &bytes.Buffer{}, logConfig{JSON: true, Level: slog.LevelInfo}, ""},
		{"defaults to text on a character device", nil, devNull, logConfig{JSON: false, Level: slog.LevelInfo}, ""},
		{"text asked for", map[string]string{"QUOTEBOT_LOG_FORMAT": "text"}, &bytes.Buffer{}, logConfig{Level: slog.LevelInfo}, ""},
		{"JSON asked for on a terminal", map[string]string{"QUOTEBOT_LOG_FORMAT": "JSON"}, devNull, logConfig{JSON: true, Level: slog.LevelInfo}, ""},
		{"debug", map[string]string{"QUOTEBOT_LOG_LEVEL": "debug"}, &bytes.Buffer{}, logConfig{JSON: true, Level: slog.LevelDebug}, ""},
		{"warn", map[string]string{"QUOTEBOT_LOG_LEVEL": "WARN"}, &bytes.Buffer{}, logConfig{JSON: true, Level: slog.LevelWarn}, ""},
		{"error", map[string]string{"QUOTEBOT_LOG_LEVEL": " error "}, &bytes.Buffer{}, logConfig{JSON: true, Level: slog.LevelError}, ""},
		{"questions", map[string]string{"QUOTEBOT_LOG_QUESTIONS": "true"}, &bytes.Buffer{}, logConfig{JSON: true, Level: slog.LevelInfo, Questions: true}, ""},
		{"questions off", map[string]string{"QUOTEBOT_LOG_QUESTIONS": "0"}, &bytes.Buffer{}, logConfig{JSON: true, Level: slog.LevelInfo}, ""},
		{"bad format", map[string]string{"QUOTEBOT_LOG_FORMAT": "xml"}, &bytes.Buffer{}, logConfig{}, "QUOTEBOT_LOG_FORMAT"},
		{"bad level", map[string]string{"QUOTEBOT_LOG_LEVEL": "loud"}, &bytes.Buffer{}, logConfig{}, "QUOTEBOT_LOG_LEVEL"},
		{"level as a number", map[string]string{"QUOTEBOT_LOG_LEVEL": "4"}, &bytes.Buffer{}, logConfig{}, "QUOTEBOT_LOG_LEVEL"},
		{"bad questions", map[string]string{"QUOTEBOT_LOG_QUESTIONS": "some"}, &bytes.Buffer{}, logConfig{}, "QUOTEBOT_LOG_QUESTIONS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := loadLogConfig(func(k string) string { return tt.env[k] }, tt.out)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr+"=") || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("loadLogConfig = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// TestServeRefusesBadLogSettings checks that a bad log setting stops serve
// before it binds: on a port already taken, the error is the setting's,
// not the clash.
func TestServeRefusesBadLogSettings(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, v := range []string{"QUOTEBOT_LOG_FORMAT", "QUOTEBOT_LOG_LEVEL", "QUOTEBOT_LOG_QUESTIONS"} {
		t.Run(v, func(t *testing.T) {
			env := map[string]string{v: "nonsense", "QUOTEBOT_DB": filepath.Join(t.TempDir(), "index")}
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"serve", "--addr", ln.Addr().String()}, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
			msg := strings.TrimSpace(errOut.String())
			if code != 1 || !strings.HasPrefix(msg, "quotebot serve: "+v+"=") || strings.Contains(msg, "\n") {
				t.Fatalf("exit %d, stderr %q; want 1 and one line naming %s", code, msg, v)
			}
		})
	}
}

// logLine is one JSON log line of serve.
type logLine map[string]any

func (l logLine) str(key string) string { s, _ := l[key].(string); return s }

// parseLogLines parses every line of a JSON log, failing the test on a
// line that is not a JSON object.
func parseLogLines(t *testing.T, log string) []logLine {
	t.Helper()
	var lines []logLine
	for _, text := range strings.Split(strings.TrimSpace(log), "\n") {
		var l logLine
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			t.Errorf("log line is not a JSON object: %v\n%s", err, text)
			continue
		}
		lines = append(lines, l)
	}
	return lines
}

// TestServeLogs runs serve with every secret set, each platform on against
// a fake on 127.0.0.1 (Slack in Socket Mode, Discord's gateway, sharded,
// and its interactions endpoint, an embedding API that needs the key, the
// API token), sends it requests, and reads its JSON log: one line per
// request with its id, route, status, bytes and latency; a line at start
// saying what is on and one at shutdown; never a secret; and the question
// only when QUOTEBOT_LOG_QUESTIONS is on.
func TestServeLogs(t *testing.T) {
	for _, logQuestions := range []bool{false, true} {
		t.Run("questions "+onOff(logQuestions), func(t *testing.T) { testServeLogs(t, logQuestions) })
	}
}

// redisPassword is the password in testServeLogs's QUOTEBOT_REDIS_URL.
const redisPassword = "redis-secret-pw-61d8"

func testServeLogs(t *testing.T, logQuestions bool) {
	secrets := map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-secret-bot-4f1c93",
		"SLACK_SIGNING_SECRET": "signing-secret-9d2e71",
		"SLACK_APP_TOKEN":      "xapp-secret-app-7b3a05",
		"DISCORD_BOT_TOKEN":    "discord-secret-token-5e8f",
		"QUOTEBOT_API_TOKEN":   "api-secret-token-2c6d0a1b",
		"OPENAI_API_KEY":       "sk-secret-key-8a4f62",
		// A Redis that is not there: serve starts, deduplicating in memory.
		"QUOTEBOT_REDIS_URL": "redis://quotebot:" + redisPassword + "@" + closedAddr(t) + "/2",
	}
	api := newFakeEmbedAPI(t, func(f *fakeEmbedAPI) {
		f.authorized = func(r *http.Request) bool {
			return r.Header.Get("Authorization") == "Bearer "+secrets["OPENAI_API_KEY"]
		}
	})
	slackAPI := fakeSlackAPI(t, "")
	discord := newFakeDiscordGateway(t, secrets["DISCORD_BOT_TOKEN"])
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"QUOTEBOT_DB":            filepath.Join(t.TempDir(), "index"),
		"QUOTEBOT_EMBEDDER":      "openai-compat",
		"QUOTEBOT_EMBED_MODEL":   "fake-embed",
		"QUOTEBOT_EMBED_URL":     api.URL + "/v1",
		"QUOTEBOT_LOG_LEVEL":     "debug",
		"QUOTEBOT_LOG_QUESTIONS": strconv.FormatBool(logQuestions),
		"SLACK_API_URL":          slackAPI.URL + "/api/",
		"DISCORD_API_URL":        discord.URL + "/api/v10/",
		"DISCORD_PUBLIC_KEY":     hex.EncodeToString(pub),
		"DISCORD_SHARD_ID":       "1",
		"DISCORD_SHARD_COUNT":    "2",
	}
	for k, v := range secrets {
		env[k] = v
	}
	base, stdout, stderr, stop := serveCLI(t, env, "index ready")

	var identify struct {
		Token string  `json:"token"`
		Shard *[2]int `json:"shard"`
	}
	if err := json.Unmarshal(receive(t, discord.identified, "Discord IDENTIFY"), &identify); err != nil {
		t.Fatal(err)
	}
	if identify.Token != "Bot "+secrets["DISCORD_BOT_TOKEN"] || identify.Shard == nil || *identify.Shard != [2]int{1, 2} {
		t.Errorf("IDENTIFY token right: %v, shard %v; want the token and shard [1, 2]", identify.Token == "Bot "+secrets["DISCORD_BOT_TOKEN"], identify.Shard)
	}

	bearer := http.Header{"Authorization": {"Bearer " + secrets["QUOTEBOT_API_TOKEN"]}}
	questions := []string{"what about the otter-7c1 fisheries?", "what about flights of the heron-2d9?", "any word on the lynx-5e3 port?", "what of the badger-0f4 budget?"}
	requests := []struct {
		method, path, body string
		header             http.Header
		route              string
		question           string // the question the log line carries when questions are logged
	}{
		{"GET", "/api/ask?q=" + url.QueryEscape(questions[0]), "", bearer, "/api/ask", questions[0]},
		{"POST", "/api/ask", `{"question": "` + questions[1] + `"}`, bearer, "/api/ask", questions[1]},
		{"GET", "/?q=" + url.QueryEscape(questions[2]), "", bearer, "/{$}", questions[2]},
		{"GET", "/api/ask?q=" + url.QueryEscape(questions[3]), "", nil, "/api/ask", ""}, // 401: never answered
		{"GET", "/healthz", "", nil, "/healthz", ""},
		{"GET", "/readyz", "", nil, "/readyz", ""},
		{"GET", "/metrics", "", nil, "/metrics", ""},
		{"GET", "/nope?q=" + url.QueryEscape(questions[3]), "", nil, "", ""},
		{"POST", "/discord/interactions", `{"type": 1}`, nil, "/discord/interactions", ""},
	}
	type sent struct {
		status   int
		route    string
		question string
	}
	byID := map[string]sent{}
	for _, r := range requests {
		resp, _ := fetch(t, r.method, base+r.path, r.body, r.header)
		id := resp.Header.Get("X-Request-Id")
		if id == "" {
			t.Fatalf("%s %s: no X-Request-Id", r.method, r.path)
		}
		byID[id] = sent{resp.StatusCode, r.route, r.question}
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited with %d", code)
	}
	log := stderr.String()

	for name, v := range secrets {
		if strings.Contains(log, v) || strings.Contains(stdout.String(), v) {
			t.Errorf("the output shows %s", name)
		}
	}
	if strings.Contains(log, redisPassword) || strings.Contains(stdout.String(), redisPassword) {
		t.Error("the output shows the password of QUOTEBOT_REDIS_URL")
	}
	if !strings.Contains(log, `"level":"WARN","msg":"redis failed; each replica deduplicates chat events in its own memory`) {
		t.Error("the log does not warn that Redis is not answering")
	}
	if !logQuestions {
		for _, q := range questions {
			if strings.Contains(log, q) || strings.Contains(log, url.QueryEscape(q)) {
				t.Errorf("the log shows the question %q with QUOTEBOT_LOG_QUESTIONS off", q)
			}
		}
	}

	var started, stopping logLine
	logged := map[string]int{}
	for _, l := range parseLogLines(t, log) {
		switch l.str("msg") {
		case "quotebot started":
			started = l
		case "quotebot stopping":
			stopping = l
		case "http request":
			id := l.str("request_id")
			want, ok := byID[id]
			if !ok {
				continue // a request serve's start-up made, if any
			}
			logged[id]++
			status, _ := l["status"].(float64)
			_, hasBytes := l["bytes"].(float64)
			latency, hasLatency := l["latency"].(float64)
			if int(status) != want.status || l.str("route") != want.route || !hasBytes || !hasLatency || latency <= 0 || l.str("method") == "" {
				t.Errorf("request line %v; want status %d, route %q, bytes and a latency", l, want.status, want.route)
			}
			q, hasQuestion := l["question"]
			switch {
			case logQuestions && want.question != "" && q != want.question:
				t.Errorf("request line %v; want question %q", l, want.question)
			case (!logQuestions || want.question == "") && hasQuestion:
				t.Errorf("request line %v has a question", l)
			}
		}
	}
	for id, want := range byID {
		if logged[id] != 1 {
			t.Errorf("request %s (%s, %d) logged %d times, want once", id, want.route, want.status, logged[id])
		}
	}
	wantStarted := map[string]string{"slack": "socket", "discord": "gateway+interactions", "api_token": "on", "corpus": "built-in",
		"log_questions": onOff(logQuestions), "rate_limit": "0.5/s, burst 5",
		"dedupe": "redis " + strings.Split(secrets["QUOTEBOT_REDIS_URL"], "@")[1]}
	for k, v := range wantStarted {
		if started.str(k) != v {
			t.Errorf("start line %s=%q, want %q (%v)", k, started.str(k), v, started)
		}
	}
	if !strings.HasPrefix(started.str("embedder"), "openai-compat/fake-embed@http://127.0.0.1:") || started.str("addr") == "" {
		t.Errorf("start line %v; want the address and the embedder's id", started)
	}
	if _, ok := stopping["uptime"].(float64); !ok || stopping.str("reason") == "" {
		t.Errorf("shutdown line %v; want a reason and the uptime", stopping)
	}
}

// TestNoteQuestionIsCut checks that a logged question is cut at
// maxLoggedQuestion bytes on a character boundary, and that a request
// without questions logged keeps none.
func TestNoteQuestionIsCut(t *testing.T) {
	long := strings.Repeat("€", maxLoggedQuestion) // three bytes each: the cut falls inside one
	note := &questionNote{}
	noteQuestion(context.WithValue(context.Background(), questionNoteKey{}, note), long)
	got := note.get()
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "…") || len(strings.TrimSuffix(got, "…")) > maxLoggedQuestion || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("logged question of %d bytes: %q…", len(got), got[:min(len(got), 20)])
	}
	noteQuestion(context.Background(), "nowhere to keep it") // must not panic
}

// TestLogRequestsPanic checks that a request whose handler panics is still
// logged, as a 500 with panic=true, and that the panic goes on to the
// server.
func TestLogRequestsPanic(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	h := logRequests(logger, false, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	func() {
		defer func() {
			if r := recover(); r != http.ErrAbortHandler {
				t.Errorf("recovered %v, want the handler's panic", r)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/ask?q=x", nil))
	}()
	lines := parseLogLines(t, buf.String())
	if len(lines) != 1 || lines[0]["status"] != float64(500) || lines[0]["panic"] != true {
		t.Errorf("log %s; want one line with status 500 and panic=true", buf.String())
	}
}

// TestChatAnswerLogLine checks the one line each Slack or Discord answer
// logs: request id, platform, kind and latency, the question only when
// questions are logged, and nothing for HTTP answers (their request line
// is enough).
func TestChatAnswerLogLine(t *testing.T) {
	for _, logQuestions := range []bool{false, true} {
		var buf strings.Builder
		s := &server{logger: slog.New(slog.NewJSONHandler(&buf, nil)), logQuestions: logQuestions}
		s.logChatAnswer(bot.Outcome{Platform: bot.PlatformSlack, Kind: bot.KindClosest, Latency: 1500 * time.Microsecond,
			Question: "anything on the otter-9f2 fisheries?", RequestID: "Ev123"})
		s.logChatAnswer(bot.Outcome{Platform: bot.PlatformAPI, Kind: bot.KindAnswered, Question: "api question", RequestID: "r1"})
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 1 {
			t.Fatalf("questions %v: %d lines, want 1: %q", logQuestions, len(lines), buf.String())
		}
		var l map[string]any
		if err := json.Unmarshal([]byte(lines[0]), &l); err != nil {
			t.Fatal(err)
		}
		if l["msg"] != "chat answer" || l["request_id"] != "Ev123" || l["platform"] != "slack" || l["kind"] != "closest" || l["latency_ms"] != 1.5 {
			t.Errorf("line %v", l)
		}
		if _, has := l["question"]; has != logQuestions {
			t.Errorf("questions %v: line %v", logQuestions, l)
		}
	}
}
