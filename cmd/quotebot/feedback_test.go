package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotebot/quotebot/feedback"
)

// feedbackServer is serve on 127.0.0.1 with the built-in statement, its
// index and feedback database in a temporary folder, Slack in HTTP mode and
// Discord's interactions endpoint against fakes, and a fake response_url
// that hands each post it receives to responses.
type feedbackServer struct {
	s           *server
	base        string
	db          string // the index folder; the feedback database is beside it
	env         map[string]string
	slackSecret string
	discordKey  ed25519.PrivateKey
	responseURL string
	responses   chan map[string]any
	client      *http.Client
}

// startFeedbackServer starts a feedbackServer with extra settings in env;
// edit, when set, adjusts the server before it opens.
func startFeedbackServer(t *testing.T, env map[string]string, edit func(*server)) *feedbackServer {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	fs := &feedbackServer{slackSecret: "feedback-test-secret", discordKey: priv, responses: make(chan map[string]any, 10)}
	responses := http.NewServeMux()
	responses.HandleFunc("POST /response/", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("response_url post is not JSON: %v", err)
			return
		}
		fs.responses <- body
		io.WriteString(w, `{"ok":true}`)
	})
	fake := httptest.NewServer(responses)
	t.Cleanup(fake.Close)
	fs.responseURL = fake.URL + "/response/"
	slackAPI := fakeSlackAPI(t, "")
	fs.env = map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-feedback",
		"SLACK_SIGNING_SECRET": fs.slackSecret,
		"SLACK_API_URL":        slackAPI.URL + "/api/",
		"DISCORD_PUBLIC_KEY":   hex.EncodeToString(pub),
		"DISCORD_APP_ID":       "100000000000000001",
		"DISCORD_API_URL":      fake.URL + "/",
	}
	for k, v := range env {
		fs.env[k] = v
	}
	fs.db = filepath.Join(t.TempDir(), "index")
	s := &server{
		cfg:    engineConfig{DB: fs.db, Embedder: "local"},
		addr:   "127.0.0.1:0",
		logger: discardLogger(),
		getenv: func(k string) string { return fs.env[k] },
	}
	if edit != nil {
		edit(s)
	}
	fs.s = openServer(t, s)
	if err := fs.s.engine.ready(); err != nil {
		t.Fatal(err)
	}
	fs.base = "http://" + fs.s.Addr()
	jar, _ := cookiejar.New(nil)
	fs.client = &http.Client{Timeout: 10 * time.Second, Jar: jar}
	return fs
}

// do sends req and returns the status and body.
func (fs *feedbackServer) do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := fs.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (fs *feedbackServer) get(t *testing.T, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, fs.base+path, nil)
	return fs.do(t, req)
}

// slack sends a signed form to one of serve's Slack routes.
func (fs *feedbackServer) slack(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	body := form.Encode()
	req, _ := http.NewRequest(http.MethodPost, fs.base+path, strings.NewReader(body))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(fs.slackSecret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return fs.do(t, req)
}

// discord sends a signed interaction to POST /discord/interactions.
func (fs *feedbackServer) discord(t *testing.T, interaction map[string]any) (int, string) {
	t.Helper()
	body, _ := json.Marshal(interaction)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, fs.base+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(fs.discordKey, append([]byte(ts), body...))))
	req.Header.Set("X-Signature-Timestamp", ts)
	return fs.do(t, req)
}

// nextResponse waits for the next post to the fake response_url.
func (fs *feedbackServer) nextResponse(t *testing.T) map[string]any {
	t.Helper()
	select {
	case r := <-fs.responses:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("nothing was posted to the response_url")
		return nil
	}
}

// gaps runs `quotebot gaps` with args against the server's database and
// returns its exit status and output.
func (fs *feedbackServer) gaps(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	env := map[string]string{"QUOTEBOT_DB": fs.db}
	for _, k := range []string{"QUOTEBOT_KEEP_QUESTIONS", "QUOTEBOT_KEEP_DAYS"} {
		env[k] = fs.env[k]
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"gaps"}, args...), strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

// gapsJSON runs `quotebot gaps --json` and decodes the report.
func (fs *feedbackServer) gapsJSON(t *testing.T) gapsReport {
	t.Helper()
	code, out, errOut := fs.gaps(t, "--json")
	if code != 0 {
		t.Fatalf("gaps --json: exit %d: %s", code, errOut)
	}
	var rep gapsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("gaps --json is not the report: %v\n%s", err, out)
	}
	return rep
}

// files is the content of the feedback database's files.
func (fs *feedbackServer) files(t *testing.T) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(fs.db), feedback.FileName+suffix))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// group finds the report's group with these terms.
func group(rep gapsReport, terms ...string) (feedback.Group, bool) {
	for _, g := range rep.Groups {
		if slices.Equal(g.Terms, terms) {
			return g, true
		}
	}
	return feedback.Group{}, false
}

var slackVoteValue = regexp.MustCompile(`"action_id":"quotebot_vote_down","value":"([0-9a-f]{32})"`)

// TestVoteFromSlack: a vote round-trips from a signed Slack click on the
// 👎 under a /ask answer into the database (the voter's id only hashed)
// and out through `quotebot gaps`.
func TestVoteFromSlack(t *testing.T) {
	const voter = "U0VOTERRAW1"
	fs := startFeedbackServer(t, nil, nil)
	status, body := fs.slack(t, "/slack/commands", url.Values{
		"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {"U1"}, "command": {"/ask"},
		"text": {"what did they say about fisheries?"}, "response_url": {fs.responseURL + "cmd"}, "trigger_id": {"1.2.3"},
	})
	m := slackVoteValue.FindStringSubmatch(body)
	if status != 200 || m == nil {
		t.Fatalf("/ask: %d, no 👎 button with an answer id:\n%s", status, body)
	}
	click, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": voter, "username": "bo", "team_id": "T1"},
		"api_app_id": "A1", "token": "verification-token", "trigger_id": "1.2.4",
		"container": map[string]any{"type": "message", "message_ts": "1700000000.000200", "channel_id": "C1", "is_ephemeral": true},
		"team":      map[string]any{"id": "T1", "domain": "example"}, "channel": map[string]any{"id": "C1", "name": "general"},
		"response_url": fs.responseURL + "vote",
		"actions": []map[string]any{{"action_id": "quotebot_vote_down", "block_id": "quotebot_actions", "type": "button",
			"value": m[1], "text": map[string]any{"type": "plain_text", "text": "👎", "emoji": true}, "action_ts": "1700000002.000"}},
	})
	if status, body := fs.slack(t, "/slack/interactions", url.Values{"payload": {string(click)}}); status != 200 {
		t.Fatalf("/slack/interactions: %d %s", status, body)
	}
	if r := fs.nextResponse(t); r["text"] != "Thanks — noted." || r["response_type"] != "ephemeral" {
		t.Errorf("the voter was told %v", r)
	}

	rep := fs.gapsJSON(t)
	g, ok := group(rep, "fishery")
	if !ok || g.DownVotes != 1 || g.Questions != 1 || g.Examples[0] != "what did they say about fisheries?" {
		t.Errorf("gaps: %+v, want the voted-down question under fishery", rep)
	}
	if bytes.Contains(fs.files(t), []byte(voter)) {
		t.Error("the voter's raw Slack id is in the feedback database")
	}
	_, metrics := fs.get(t, "/metrics")
	if !strings.Contains(metrics, `quotebot_votes_total{kind="answered",vote="down"} 1`) {
		t.Errorf("metrics do not count the vote:\n%s", grepLines(metrics, "quotebot_votes"))
	}
	code, text, _ := fs.gaps(t)
	if code != 0 || !strings.Contains(text, "1 question in the last 90 days") || !strings.Contains(text, "fishery — 1 👎") ||
		!strings.Contains(text, "“what did they say about fisheries?”") {
		t.Errorf("gaps text:\n%s", text)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var discordVoteID = regexp.MustCompile(`"custom_id":"quotebot:vote:up:([0-9a-f]{32})"`)

// TestVoteFromDiscord: a vote round-trips from a signed component
// interaction (type 3) on the buttons of an `ask` answer into the database
// and out through `quotebot gaps`; a re-vote by the same user replaces it.
func TestVoteFromDiscord(t *testing.T) {
	fs := startFeedbackServer(t, nil, nil)
	member := map[string]any{"user": map[string]any{"id": "500000000000000005", "username": "bo"}, "roles": []string{},
		"permissions": "2248473465835073", "joined_at": "2024-01-01T00:00:00.000000+00:00"}
	status, body := fs.discord(t, map[string]any{
		"id": "400000000000000001", "application_id": fs.env["DISCORD_APP_ID"], "type": 2, "token": "tok-ask", "version": 1,
		"guild_id": "200000000000000002", "channel_id": "300000000000000003", "member": member,
		"data": map[string]any{"id": "600000000000000006", "name": "ask", "type": 1,
			"options": []map[string]any{{"name": "question", "type": 3, "value": "fisheries cooperation"}}},
	})
	m := discordVoteID.FindStringSubmatch(body)
	if status != 200 || m == nil {
		t.Fatalf("ask: %d, no 👍 button with an answer id:\n%s", status, body)
	}
	for i, vote := range []string{"up", "down"} {
		status, body := fs.discord(t, map[string]any{
			"id": "40000000000000001" + strconv.Itoa(i), "application_id": fs.env["DISCORD_APP_ID"], "type": 3, "token": "tok-vote", "version": 1,
			"guild_id": "200000000000000002", "channel_id": "300000000000000003", "member": member,
			"message": map[string]any{"id": "700000000000000007", "channel_id": "300000000000000003", "content": "", "type": 20},
			"data":    map[string]any{"custom_id": "quotebot:vote:" + vote + ":" + m[1], "component_type": 2},
		})
		if status != 200 || !strings.Contains(body, `"type":4`) || !strings.Contains(body, `"flags":64`) || !strings.Contains(body, "Thanks — noted.") {
			t.Fatalf("vote %s: %d %s, want the private thanks", vote, status, body)
		}
	}
	rep := fs.gapsJSON(t)
	if g, ok := group(rep, "cooperation", "fishery"); !ok || g.DownVotes != 1 || g.Questions != 1 {
		t.Errorf("gaps: %+v, want the question with one 👎 (the re-vote replacing the 👍)", rep)
	}
}

var pageAnswerID = regexp.MustCompile(`name="answer" value="([0-9a-f]{32})"`)

// TestVoteFromPage: the page's answer has a plain vote form; posting it
// records the vote under a voter cookie and thanks the voter; voting again
// replaces the vote; not-covered questions asked on the page and over the
// API are in the report too, which GET /gaps shows.
func TestVoteFromPage(t *testing.T) {
	fs := startFeedbackServer(t, nil, nil)
	_, page := fs.get(t, "/?q="+url.QueryEscape("fisheries"))
	m := pageAnswerID.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `<form method="post" action="/vote">`) || !strings.Contains(page, `<button name="vote" value="down"`) {
		t.Fatalf("the page has no vote form:\n%s", page)
	}
	vote := func(v string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, fs.base+"/vote", strings.NewReader(url.Values{"answer": {m[1]}, "q": {"fisheries"}, "vote": {v}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return fs.do(t, req)
	}
	for _, v := range []string{"down", "down", "up", "down"} {
		status, body := vote(v)
		if status != 200 || !strings.Contains(body, "Thanks — noted.") || !strings.Contains(body, `href="/?q=fisheries"`) {
			t.Fatalf("vote %s: %d\n%s", v, status, body)
		}
	}
	if cookies := fs.client.Jar.Cookies(mustURL(t, fs.base)); len(cookies) != 1 || cookies[0].Name != voterCookie {
		t.Errorf("cookies %v, want the voter cookie", cookies)
	}
	for _, bad := range []url.Values{{"answer": {m[1]}, "vote": {"sideways"}}, {"answer": {"nope"}, "vote": {"up"}}} {
		req, _ := http.NewRequest(http.MethodPost, fs.base+"/vote", strings.NewReader(bad.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if status, _ := fs.do(t, req); status != 400 && status != 404 {
			t.Errorf("vote %v: %d, want 400 or 404", bad, status)
		}
	}
	fs.get(t, "/?q="+url.QueryEscape("What about the Olympic Games?"))
	fs.get(t, "/api/ask?q="+url.QueryEscape("Olympic games"))

	rep := fs.gapsJSON(t)
	if g, ok := group(rep, "fishery"); !ok || g.DownVotes != 1 || g.Questions != 1 {
		t.Errorf("gaps: %+v, want fisheries with one 👎 (each re-vote replacing the last)", rep)
	}
	if g, ok := group(rep, "game", "olympic"); !ok || g.Questions != 2 || g.NotCovered != 2 || len(g.Examples) != 2 {
		t.Errorf("gaps: %+v, want the two not-covered questions on the Olympic Games in one group", rep)
	}
	status, html := fs.get(t, "/gaps")
	if status != 200 || !strings.Contains(html, "<h2>game, olympic — 2</h2>") || !strings.Contains(html, "<li>What about the Olympic Games?</li>") ||
		strings.Contains(html, "<script") {
		t.Errorf("GET /gaps: %d\n%s", status, html)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestKeepQuestionsOff: with QUOTEBOT_KEEP_QUESTIONS=off, no question text
// reaches the database's files, and the report only counts; questions kept
// before it was turned off are erased at start.
func TestKeepQuestionsOff(t *testing.T) {
	fs := startFeedbackServer(t, map[string]string{"QUOTEBOT_KEEP_QUESTIONS": "off"}, nil)
	fs.get(t, "/api/ask?q="+url.QueryEscape("zebra crossings in Lima"))
	_, page := fs.get(t, "/?q="+url.QueryEscape("quagga fisheries"))
	m := pageAnswerID.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no vote form on the page:\n%s", page)
	}
	req, _ := http.NewRequest(http.MethodPost, fs.base+"/vote", strings.NewReader(url.Values{"answer": {m[1]}, "q": {"quagga fisheries"}, "vote": {"down"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, body := fs.do(t, req); status != 200 || !strings.Contains(body, "Thanks — noted.") {
		t.Fatalf("vote: %d\n%s", status, body)
	}
	raw := fs.files(t)
	for _, word := range []string{"zebra", "quagga"} {
		if bytes.Contains(raw, []byte(word)) {
			t.Errorf("%q is in the feedback database with questions off", word)
		}
	}
	rep := fs.gapsJSON(t)
	if rep.KeepQuestions || rep.Totals.Questions != 2 || rep.Totals.DownVotes != 1 || rep.Totals.WithoutText != rep.Totals.Questions || len(rep.Groups) != 0 {
		t.Errorf("gaps: %+v, want counts only", rep)
	}

	// Kept while questions were on, erased once they are off.
	on := startFeedbackServer(t, nil, nil)
	on.get(t, "/api/ask?q="+url.QueryEscape("zebra crossings in Lima"))
	on.s.Close()
	on.env["QUOTEBOT_KEEP_QUESTIONS"] = "false"
	off := openServer(t, &server{cfg: on.s.cfg, addr: "127.0.0.1:0", logger: discardLogger(), getenv: func(k string) string { return on.env[k] }})
	off.Close()
	if bytes.Contains(on.files(t), []byte("zebra")) {
		t.Error("a question kept before QUOTEBOT_KEEP_QUESTIONS=off is still in the database")
	}
}

// TestGapsForget: `quotebot gaps --forget` erases every question text,
// from the files too, and the report keeps the counts.
func TestGapsForget(t *testing.T) {
	fs := startFeedbackServer(t, nil, nil)
	fs.get(t, "/api/ask?q="+url.QueryEscape("zebra crossings in Lima"))
	fs.get(t, "/api/ask?q="+url.QueryEscape("zebra crossings"))
	code, out, errOut := fs.gaps(t, "--forget")
	if code != 0 || out != "Erased the text of 2 stored questions; the counts stay.\n" {
		t.Fatalf("gaps --forget: exit %d: %q %s", code, out, errOut)
	}
	if bytes.Contains(fs.files(t), []byte("zebra")) {
		t.Error("a forgotten question is still in the feedback database's files")
	}
	rep := fs.gapsJSON(t)
	if rep.Totals.Questions != 2 || rep.Totals.NotCovered != 2 || rep.Totals.WithoutText != 2 || len(rep.Groups) != 0 {
		t.Errorf("gaps after --forget: %+v, want two counted questions without text", rep)
	}
	if _, text, _ := fs.gaps(t); !strings.Contains(text, "2 of them are counted without their text") {
		t.Errorf("gaps text after --forget:\n%s", text)
	}
}

// testClock is a settable clock for serve's feedback database.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// TestRetention: serve drops replies older than QUOTEBOT_KEEP_DAYS at
// start and in its periodic pruning.
func TestRetention(t *testing.T) {
	clk := &testClock{t: time.Now().Add(-10 * 24 * time.Hour)}
	pruned := make(chan int64, 100)
	fs := startFeedbackServer(t, map[string]string{"QUOTEBOT_KEEP_DAYS": "7"}, func(s *server) {
		s.now, s.pruneEvery = clk.now, time.Millisecond
		s.pruned = func(n int64) {
			select {
			case pruned <- n:
			default: // the test has what it waited for
			}
		}
	})
	fs.get(t, "/api/ask?q="+url.QueryEscape("zebra crossings")) // recorded 10 days ago
	clk.set(time.Now())
	deadline := time.After(10 * time.Second)
	for n := int64(0); n == 0; {
		select {
		case n = <-pruned:
		case <-deadline:
			t.Fatal("the periodic pruning did not drop the old reply")
		}
	}
	if rep := fs.gapsJSON(t); rep.Totals.Questions != 0 {
		t.Errorf("gaps after pruning: %+v, want nothing", rep)
	}

	// At start: a reply recorded long ago is gone once serve has opened.
	clk.set(time.Now().Add(-30 * 24 * time.Hour))
	fs.get(t, "/api/ask?q="+url.QueryEscape("quagga mussels"))
	fs.s.Close()
	restarted := openServer(t, &server{cfg: fs.s.cfg, addr: "127.0.0.1:0", logger: discardLogger(), getenv: func(k string) string { return fs.env[k] }})
	restarted.Close()
	// Read without gaps, which prunes too.
	store, err := feedback.Open(t.Context(), filepath.Join(filepath.Dir(fs.db), feedback.FileName), feedback.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if rep, err := store.Gaps(t.Context(), strings.Fields); err != nil || rep.Totals.Questions != 0 {
		t.Errorf("after a restart: %+v (%v), want the old reply pruned at start", rep, err)
	}
}

// TestFeedbackRoutesNeedTheToken: with QUOTEBOT_API_TOKEN set, /gaps and
// /vote need it like the page.
func TestFeedbackRoutesNeedTheToken(t *testing.T) {
	fs := startFeedbackServer(t, map[string]string{"QUOTEBOT_API_TOKEN": "feedback-test-token-0123456789"}, nil)
	if status, body := fs.get(t, "/gaps"); status != http.StatusUnauthorized || strings.Contains(body, "<h1>What the documents") {
		t.Errorf("GET /gaps without the token: %d", status)
	}
	req, _ := http.NewRequest(http.MethodPost, fs.base+"/vote", strings.NewReader("answer=x&vote=up"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, _ := fs.do(t, req); status != http.StatusUnauthorized {
		t.Errorf("POST /vote without the token: %d", status)
	}
	req, _ = http.NewRequest(http.MethodGet, fs.base+"/gaps", nil)
	req.Header.Set("Authorization", "Bearer feedback-test-token-0123456789")
	if status, body := fs.do(t, req); status != 200 || !strings.Contains(body, "<h1>What the documents do not answer well</h1>") {
		t.Errorf("GET /gaps with the token: %d", status)
	}
}

func TestFeedbackSettingsRefused(t *testing.T) {
	tests := []struct{ name, key, value string }{
		{"keep questions", "QUOTEBOT_KEEP_QUESTIONS", "sometimes"},
		{"zero days", "QUOTEBOT_KEEP_DAYS", "0"},
		{"not a number", "QUOTEBOT_KEEP_DAYS", "ninety"},
		{"too many days", "QUOTEBOT_KEEP_DAYS", "99999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{tt.key: tt.value}
			s := &server{cfg: engineConfig{DB: filepath.Join(t.TempDir(), "index"), Embedder: "local"}, addr: "127.0.0.1:0",
				logger: discardLogger(), getenv: func(k string) string { return env[k] }}
			if err := s.Open(context.Background()); err == nil || !strings.Contains(err.Error(), tt.key) {
				if err == nil {
					s.Close()
				}
				t.Errorf("serve with %s=%s: %v, want an error naming it", tt.key, tt.value, err)
			}
			var out, stderr bytes.Buffer
			if code := run(context.Background(), []string{"gaps"}, nil, &out, &stderr, func(k string) string { return env[k] }); code != 1 || !strings.Contains(stderr.String(), tt.key) {
				t.Errorf("gaps with %s=%s: exit %d, %q", tt.key, tt.value, code, stderr.String())
			}
		})
	}
}

func TestGapsCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "", "gaps", "--help")
	if code != 0 || !strings.HasPrefix(out, "Usage: quotebot gaps") || errOut != "" {
		t.Errorf("gaps --help: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "gaps")
	if code != 0 || out != "No questions in the last 90 days that the documents did not answer well.\n" {
		t.Errorf("gaps on no database: exit %d %q", code, out)
	}
	code, out, _ = runCLI(t, "", "gaps", "--json")
	if code != 0 || strings.TrimSpace(out) != `{"keep_questions":true,"keep_days":90,"totals":{"questions":0,"not_covered":0,"closest":0,"down_votes":0,"without_text":0},"groups":[]}` {
		t.Errorf("gaps --json on no database: exit %d %s", code, out)
	}
	if code, _, errOut := runCLI(t, "", "gaps", "extra"); code != 2 || !strings.Contains(errOut, "no arguments") {
		t.Errorf("gaps extra: exit %d %q", code, errOut)
	}
}
