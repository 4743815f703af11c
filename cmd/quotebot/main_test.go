package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/retrieval"
)

// runCLI runs a command line with a private index folder and returns its
// exit status, stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	env := map[string]string{"QUOTEBOT_DB": filepath.Join(t.TempDir(), "index")}
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func TestAsk(t *testing.T) {
	code, out, errOut := runCLI(t, "", "ask", "what", "did", "they", "say", "about", "fisheries?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"**The statement said China and Peru", "fishing", "China, Peru to deepen comprehensive strategic partnership · Nov 15, 2024 · ¶7"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestAskNotCovered(t *testing.T) {
	code, out, _ := runCLI(t, "", "ask", "What did they say about football?")
	if code != 0 || !strings.Contains(out, "do not cover that") || !strings.Contains(out, "They cover:") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

func TestAskJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "", "ask", "--json", "--top", "2", "what did they say about fisheries?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a struct {
		Question string `json:"question"`
		Found    bool   `json:"found"`
		Passages []struct {
			ID, Doc, Title, Date, Text, Highlight string
			Paragraph                             int
			Score                                 float64
		} `json:"passages"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !a.Found || len(a.Passages) == 0 || len(a.Passages) > 2 {
		t.Fatalf("answer %+v", a)
	}
	p := a.Passages[0]
	if p.Paragraph != 7 || p.Doc != "china-peru-statement" || p.Date != "Nov 15, 2024" || !strings.Contains(p.Text, p.Highlight) || p.ID == "" {
		t.Fatalf("passage %+v", p)
	}
}

func TestAskStdin(t *testing.T) {
	code, out, errOut := runCLI(t, "what did they say about fisheries?\n\nWhat about the Olympic Games?\n", "ask", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines, got %d:\n%s", len(lines), out)
	}
	var first, second retrieval.Answer
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[1]), &second)
	if !first.Found || second.Found || second.Passages == nil {
		t.Fatalf("answers %+v / %+v", first, second)
	}
	if !strings.Contains(lines[1], `"passages":[]`) {
		t.Errorf("not-found answer must have \"passages\": [], got %s", lines[1])
	}
}

// TestAskStdinLimits: in `ask --json -`, a line whose question is too long,
// or a line longer than the reader keeps, gets an error object naming its
// line and the limit, and the lines after it are still answered.
func TestAskStdinLimits(t *testing.T) {
	tooLong := strings.Repeat("fish ", retrieval.MaxQuestionLen/5) + "?"
	huge := strings.Repeat("x", 2<<20)
	stdin := "fisheries\n" + tooLong + "\n\n" + huge + "\r\nwhat about flights?"
	code, out, errOut := runCLI(t, stdin, "ask", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 JSON lines, got %d:\n%.500s", len(lines), out)
	}
	var objs [4]struct {
		retrieval.Answer
		Line  int    `json:"line"`
		Error string `json:"error"`
	}
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &objs[i]); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
	}
	if !objs[0].Found || !objs[3].Found || objs[0].Error != "" || objs[3].Error != "" {
		t.Errorf("the questions around the long lines were not answered: %s / %s", lines[0], lines[3])
	}
	if objs[1].Line != 2 || !strings.Contains(objs[1].Error, "longer than 1,000 characters") {
		t.Errorf("too long a question: %s, want line 2 and the limit", lines[1])
	}
	if objs[2].Line != 4 || !strings.Contains(objs[2].Error, fmt.Sprint(maxInputLine)) || len(lines[2]) > 200 {
		t.Errorf("too long a line: %.300s, want line 4 and the limit", lines[2])
	}
}

func TestExitCodes(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	pdf := filepath.Join(t.TempDir(), "minutes.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.7"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		code    int
		errText string
	}{
		{"no command", nil, 2, "Usage"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"help", []string{"--help"}, 0, ""},
		{"ask help", []string{"ask", "--help"}, 0, ""},
		{"serve help", []string{"serve", "--help"}, 0, ""},
		{"ask without question", []string{"ask"}, 2, "needs a question"},
		{"bad top", []string{"ask", "--top", "0", "x"}, 2, "--top"},
		{"bad flag", []string{"ask", "--nope", "x"}, 2, "not defined"},
		{"stdin without json", []string{"ask", "-"}, 2, "needs --json"},
		{"unknown embedder", []string{"ask", "--embedder", "magic", "x"}, 2, "unknown embedder"},
		{"missing corpus", []string{"ask", "--corpus", missing, "x"}, 1, "corpus"},
		{"corpus file of another kind", []string{"ask", "--corpus", pdf, "x"}, 1, "neither a folder nor a document"},
		{"eval without file", []string{"eval"}, 2, "FILE.jsonl"},
		{"eval missing file", []string{"eval", missing}, 1, "nope"},
		{"negative max passage", []string{"ask", "--max-passage", "-1", "x"}, 2, "--max-passage"},
		{"openai without key", []string{"ask", "--embedder", "openai", "x"}, 1, "OPENAI_API_KEY"},
		{"question too long", []string{"ask", strings.Repeat("a", retrieval.MaxQuestionLen/2), strings.Repeat("b", retrieval.MaxQuestionLen/2)}, 2, "longer than 1,000 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.errText) {
				t.Errorf("stderr %q lacks %q", errOut, tt.errText)
			}
			if code != 0 && tt.name != "no command" && strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("error is more than one line: %q", errOut)
			}
		})
	}
}

// TestAskOneDocument answers from a corpus given as one file rather than a
// folder.
func TestAskOneDocument(t *testing.T) {
	file := filepath.Join(t.TempDir(), "notice.md")
	if err := os.WriteFile(file, []byte("# Harbour notice\n\nThe northern channel will be dredged in spring.\n\nThe ferry runs hourly.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "ask", "--corpus", file, "--json", "when is the dredging?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a struct {
		Found    bool `json:"found"`
		Passages []struct {
			Doc, Title string
			Paragraph  int
		} `json:"passages"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !a.Found || a.Passages[0].Doc != "notice" || a.Passages[0].Title != "Harbour notice" || a.Passages[0].Paragraph != 1 {
		t.Fatalf("answer %+v", a)
	}
}

// TestFlagsAnywhere checks that flags may follow the question, and that
// after "--" everything is the question.
func TestFlagsAnywhere(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		question string
	}{
		{"flags first", []string{"ask", "--json", "--top", "1", "fisheries?"}, "fisheries?"},
		{"flags last", []string{"ask", "fisheries?", "--json", "--top", "1"}, "fisheries?"},
		{"flags between words", []string{"ask", "what", "--json", "about", "fisheries?"}, "what about fisheries?"},
		{"after --", []string{"ask", "--json", "--", "fisheries", "--top", "1"}, "fisheries --top 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var a struct {
				Question string `json:"question"`
			}
			if err := json.Unmarshal([]byte(out), &a); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			if a.Question != tt.question {
				t.Fatalf("question %q, want %q", a.Question, tt.question)
			}
		})
	}
}

// TestMaxPassage cuts a long paragraph into pieces that keep its number.
func TestMaxPassage(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("The committee reviewed the budget in detail. ", 10) + "The harbour will be dredged in spring."
	os.WriteFile(filepath.Join(dir, "long.txt"), []byte("Title: Long\n\n"+long+"\n"), 0o644)
	code, out, errOut := runCLI(t, "", "ask", "--json", "--corpus", dir, "--max-passage", "200", "harbour dredged")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var a retrieval.Answer
	json.Unmarshal([]byte(out), &a)
	if !a.Found || len(a.Passages[0].Text) > 200 || a.Passages[0].Paragraph != 1 || !strings.Contains(a.Passages[0].Text, "harbour") {
		t.Fatalf("answer %+v", a)
	}
}

func TestEval(t *testing.T) {
	code, out, errOut := runCLI(t, "", "eval", "../../testdata/seed-questions.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if last != "recall@1=0.938 recall@3=0.938 mrr=0.938 first=1.000 shown=1.000 confwrong=0.000 noanswer=1.000 n=19" {
		t.Fatalf("summary %q", last)
	}
}

func TestIndexThenAsk(t *testing.T) {
	db := filepath.Join(t.TempDir(), "index")
	corpusDir := t.TempDir()
	os.WriteFile(filepath.Join(corpusDir, "minutes.md"), []byte("# Council minutes\n\nThe council approved the library budget.\n\nThe pool will close for repairs in May.\n"), 0o644)
	var out bytes.Buffer
	getenv := func(string) string { return "" }
	if code := run(context.Background(), []string{"index", "--db", db, "--corpus", corpusDir}, nil, &out, io.Discard, getenv); code != 0 {
		t.Fatalf("index exit %d", code)
	}
	if !strings.Contains(out.String(), "indexed 2 passages") {
		t.Fatalf("index output %q", out.String())
	}
	out.Reset()
	run(context.Background(), []string{"index", "--db", db, "--corpus", corpusDir}, nil, &out, io.Discard, getenv)
	if !strings.Contains(out.String(), "up to date") {
		t.Fatalf("second index output %q", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"ask", "--db", db, "--corpus", corpusDir, "when", "does", "the", "pool", "close?"}, nil, &out, io.Discard, getenv); code != 0 {
		t.Fatalf("ask exit %d", code)
	}
	if !strings.Contains(out.String(), "Council minutes · ¶2") {
		t.Fatalf("ask output %q", out.String())
	}
}

// startServer runs serve's lifecycle on a free loopback port and waits for
// the index.
func startServer(t *testing.T, getenv func(string) string) *server {
	t.Helper()
	return openServer(t, &server{
		cfg:    engineConfig{DB: filepath.Join(t.TempDir(), "index"), Embedder: "local"},
		addr:   "127.0.0.1:0",
		logger: discardLogger(),
		getenv: getenv,
	})
}

// openServer opens s, closes it when the test ends and waits for its index
// to load or fail. Unless the test sets QUOTEBOT_RATE, the rate limit is
// off: tests ask many questions from one loopback client, and those about
// rate limits (ratelimit_test.go) set it.
func openServer(t testing.TB, s *server) *server {
	t.Helper()
	if getenv := s.getenv; getenv != nil {
		s.getenv = func(k string) string {
			if v := getenv(k); v != "" || k != "QUOTEBOT_RATE" {
				return v
			}
			return "off"
		}
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	select {
	case <-s.engine.done:
	case <-time.After(30 * time.Second):
		t.Fatal("index did not load in 30s")
	}
	return s
}

func TestServeHTTP(t *testing.T) {
	s := startServer(t, func(string) string { return "" })
	base := "http://" + s.Addr()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(path, body string) (int, string) {
		t.Helper()
		resp, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name   string
		do     func() (int, string)
		code   int
		substr string
	}{
		{"healthz", func() (int, string) { return get("/healthz") }, 200, "ok"},
		{"readyz", func() (int, string) { return get("/readyz") }, 200, "ready"},
		{"api get", func() (int, string) { return get("/api/ask?q=fisheries") }, 200, `"paragraph":7`},
		{"api post", func() (int, string) { return post("/api/ask", `{"question":"what about flights?","top":1}`) }, 200, `"found":true`},
		{"api not covered", func() (int, string) { return get("/api/ask?q=football") }, 200, `"passages":[]`},
		{"api chat markup", func() (int, string) {
			return get("/api/ask?q=" + url.QueryEscape("<@U0LAN0Z89> anything on <https://x.test/a|flights>?"))
		}, 200, `"paragraph":5`},
		{"api no question", func() (int, string) { return get("/api/ask") }, 400, "error"},
		{"api bad json", func() (int, string) { return post("/api/ask", `{"question":`) }, 400, "error"},
		{"api bad top", func() (int, string) { return get("/api/ask?q=x&top=abc") }, 400, "top"},
		{"api huge body", func() (int, string) { return post("/api/ask", `{"question":"`+strings.Repeat("a", 100<<10)+`"}`) }, 413, "larger than"},
		{"api get too long", func() (int, string) { return get("/api/ask?q=" + strings.Repeat("a", retrieval.MaxQuestionLen+1)) }, 413, "longer than 1,000 characters"},
		{"api post too long", func() (int, string) {
			return post("/api/ask", `{"question":"`+strings.Repeat("é", retrieval.MaxQuestionLen+1)+`"}`)
		}, 413, "longer than 1,000 characters"},
		{"api at the limit", func() (int, string) {
			return get("/api/ask?q=" + strings.Repeat("fisheries+", retrieval.MaxQuestionLen/10))
		}, 200, `"found":true`},
		{"page too long", func() (int, string) { return get("/?q=" + strings.Repeat("a", retrieval.MaxQuestionLen+1)) }, 413, bot.TooLong},
		{"page", func() (int, string) { return get("/?q=fisheries") }, 200, "<blockquote>The statement said China and Peru"},
		{"page escapes", func() (int, string) { return get("/?q=%3Cscript%3E") }, 200, "&lt;script&gt;"},
		{"metrics", func() (int, string) { return get("/metrics") }, 200, "quotebot_answers_total"},
		{"unknown route", func() (int, string) { return get("/nope") }, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := tt.do()
			if code != tt.code || !strings.Contains(body, tt.substr) {
				t.Fatalf("got %d %q, want %d containing %q", code, body, tt.code, tt.substr)
			}
		})
	}
}

func TestServePortClash(t *testing.T) {
	s := startServer(t, func(string) string { return "" })
	clash := &server{cfg: s.cfg, addr: s.Addr(), logger: discardLogger(), getenv: func(string) string { return "" }}
	if err := clash.Open(context.Background()); err == nil {
		clash.Close()
		t.Fatal("a second server on the same port started")
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestServePlatformErrors checks that a platform configured wrongly stops
// serve with an error naming the variable, and frees the port.
func TestServePlatformErrors(t *testing.T) {
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
	}))
	defer slackAPI.Close()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"slack bad token", map[string]string{"SLACK_BOT_TOKEN": "xoxb-bad", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slackAPI.URL + "/"}, "SLACK_BOT_TOKEN"},
		{"slack http without secret", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": slackAPI.URL + "/"}, "SLACK_SIGNING_SECRET"},
		{"discord bad public key", map[string]string{"DISCORD_PUBLIC_KEY": "not-hex"}, "DISCORD_PUBLIC_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			s := &server{cfg: engineConfig{DB: filepath.Join(t.TempDir(), "index"), Embedder: "local"}, addr: addr, logger: discardLogger(), getenv: func(k string) string { return tt.env[k] }}
			err = s.Open(context.Background())
			if err == nil {
				s.Close()
				t.Fatal("serve started")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not name %s", err, tt.want)
			}
			again, err := net.Listen("tcp", addr)
			if err != nil {
				t.Fatalf("port still held after the failed start: %v", err)
			}
			again.Close()
		})
	}
}

// TestServeFailedStartStopsIndexBuild starts serve with an embedder that
// blocks and a Slack token that is refused once the index build is under
// way: the failed Open must stop the build and wait for it, so nothing is
// left writing into (or behind in) the index folder.
func TestServeFailedStartStopsIndexBuild(t *testing.T) {
	embedding := make(chan struct{})
	var once sync.Once
	embedAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice the client hanging up.
		io.Copy(io.Discard, r.Body)
		once.Do(func() { close(embedding) })
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		http.Error(w, "gave up", http.StatusServiceUnavailable)
	}))
	defer embedAPI.Close()
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-embedding:
		case <-time.After(5 * time.Second):
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
	}))
	defer slackAPI.Close()

	dir := t.TempDir()
	db := filepath.Join(dir, "index")
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-bad", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slackAPI.URL + "/"}
	s := &server{
		cfg:    engineConfig{DB: db, Embedder: "openai-compat", URL: embedAPI.URL, Model: "m"},
		addr:   "127.0.0.1:0",
		logger: discardLogger(),
		getenv: func(k string) string { return env[k] },
	}
	if err := s.Open(context.Background()); err == nil {
		s.Close()
		t.Fatal("serve started with a refused token")
	}
	select {
	case <-embedding:
	default:
		t.Fatal("the index build never reached the embedder; the test proves nothing")
	}
	if left, _ := filepath.Glob(db + ".tmp*"); len(left) > 0 {
		t.Fatalf("index build still running or left behind after Open failed: %v", left)
	}
}

// treeState records the names, modes, modification times and contents
// hashes of everything under root.
func treeState(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		state := fmt.Sprintf("%v %d", info.Mode(), info.ModTime().UnixNano())
		if info.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err != nil {
				return err
			}
			state += fmt.Sprintf(" %x", h.Sum(nil))
		}
		out[p] = state
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDBNotAnIndex gives --db what is not a place for an index: the
// command fails with one line naming the path, and nothing changes.
func TestDBNotAnIndex(t *testing.T) {
	root := t.TempDir()
	docs := filepath.Join(root, "docs")
	os.Mkdir(docs, 0o755)
	os.WriteFile(filepath.Join(docs, "minutes.txt"), []byte("The council approved the library budget.\n"), 0o644)
	file := filepath.Join(root, "file")
	os.WriteFile(file, []byte("data"), 0o644)
	for _, args := range [][]string{
		{"index", "--corpus", docs, "--db", docs},
		{"ask", "--corpus", docs, "--db", docs, "library"},
		{"index", "--corpus", docs, "--db", file},
	} {
		before := treeState(t, root)
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, nil, &out, &errOut, func(string) string { return "" })
		db := args[len(args)-1]
		if args[0] == "ask" {
			db = args[len(args)-2]
		}
		if code != 1 || strings.Count(errOut.String(), "\n") != 1 || !strings.Contains(errOut.String(), db) || !strings.Contains(errOut.String(), "not a quotebot index") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and one line naming %s", args, code, errOut.String(), db)
		}
		if after := treeState(t, root); !maps.Equal(before, after) {
			t.Errorf("%v changed the folder", args)
		}
	}
}

func TestEvalVerbosePrintsTuning(t *testing.T) {
	code, out, errOut := runCLI(t, "", "eval", "-v", "../../testdata/seed-questions.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"thresholds: quote=0.65 closest=0.35 stand_out=0.85 (the built-in defaults, calibrated for the built-in embedder)", "tuning constants", "decide    quoteCoverage", "signals   weightDense"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval -v output lacks %q:\n%s", want, out)
		}
	}
}

// TestAskWritesNothing checks that ask, once index has built the index,
// only reads the index folder.
func TestAskWritesNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "index")
	getenv := func(string) string { return "" }
	if code := run(context.Background(), []string{"index", "--db", db}, nil, io.Discard, io.Discard, getenv); code != 0 {
		t.Fatalf("index exit %d", code)
	}
	before := treeState(t, db)
	var errOut bytes.Buffer
	if code := run(context.Background(), []string{"ask", "--db", db, "fisheries"}, nil, io.Discard, &errOut, getenv); code != 0 || errOut.Len() > 0 {
		t.Fatalf("ask exit %d, stderr %q", code, errOut.String())
	}
	if after := treeState(t, db); !maps.Equal(before, after) {
		t.Fatalf("ask changed the index folder:\n%v\n%v", before, after)
	}
}

func TestCalibrateCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "", "calibrate", "../../testdata/seed-questions.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "thresholds for local/v3/100: quote=") {
		t.Errorf("calibrate output:\n%s", out)
	}
	if code, _, _ := runCLI(t, "", "calibrate"); code != 2 {
		t.Errorf("calibrate without sets: exit %d, want 2", code)
	}
}
