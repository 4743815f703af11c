package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/quotebot/quotebot/retrieval"
)

// Documents of the reload tests and the question they answer: the ferry
// leaves at noon, until ferryDawn replaces ferryNoon.
const (
	ferryNoon     = "Title: Ferry timetable\n\nThe ferry to the island leaves at noon every day.\n\nTickets are sold on board.\n"
	ferryDawn     = "Title: Ferry timetable\n\nThe ferry to the island leaves at dawn every day.\n\nTickets are sold on board.\n"
	harbourWorks  = "Title: Harbour works\n\nThe northern channel will be dredged in spring.\n"
	museumHours   = "# Museum\n\nThe maritime museum opens on Sundays.\n"
	ferryQuestion = "When does the ferry leave?"
)

// holdingEmbedder is the built-in embedder, except that it holds each text
// containing the marker holdTexts set (in lower case) until released,
// reporting each on held.
type holdingEmbedder struct {
	retrieval.Embedder
	held chan string

	mu      sync.Mutex
	marker  string
	release chan struct{}
}

func newHoldingEmbedder() *holdingEmbedder {
	return &holdingEmbedder{Embedder: retrieval.NewLocal(), held: make(chan string, 64)}
}

// holdTexts holds the texts containing marker from now until release is
// called (which the test's end also does).
func (h *holdingEmbedder) holdTexts(t *testing.T, marker string) (release func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.marker, h.release = marker, make(chan struct{})
	c := h.release
	var once sync.Once
	release = func() {
		once.Do(func() {
			h.mu.Lock()
			h.marker = ""
			h.mu.Unlock()
			close(c)
		})
	}
	t.Cleanup(release)
	return release
}

func (h *holdingEmbedder) Embed(ctx context.Context, text string) ([]float32, error) {
	h.mu.Lock()
	marker, release := h.marker, h.release
	h.mu.Unlock()
	if marker != "" && strings.Contains(strings.ToLower(text), marker) {
		report(h.held, text)
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return h.Embedder.Embed(ctx, text)
}

// reloadServer is serve on a corpus folder of the test's, with a holding
// embedder, a hangup channel the test signals on, and each reload's
// outcome reported.
type reloadServer struct {
	*server
	corpus   string
	emb      *holdingEmbedder
	hangup   chan os.Signal
	outcomes chan reloadOutcome
	logs     *syncBuffer
	// clock is serve's time, in Unix seconds.
	clock atomic.Int64
}

// startReloadServer serves the documents at corpus ("": the built-in
// statement) with the corpus watcher's quiet time debounce.
func startReloadServer(t *testing.T, corpus string, debounce time.Duration) *reloadServer {
	t.Helper()
	rs := &reloadServer{
		corpus: corpus, emb: newHoldingEmbedder(), hangup: make(chan os.Signal, 1),
		outcomes: make(chan reloadOutcome, 100), logs: &syncBuffer{},
	}
	rs.clock.Store(1_700_000_000)
	rs.server = openServer(t, &server{
		cfg:      engineConfig{Corpus: rs.corpus, DB: filepath.Join(t.TempDir(), "index"), Embedder: "local", embedder: rs.emb},
		addr:     "127.0.0.1:0",
		logger:   slog.New(slog.NewTextHandler(rs.logs, nil)),
		getenv:   func(string) string { return "" },
		hangup:   rs.hangup,
		debounce: debounce,
		now:      func() time.Time { return time.Unix(rs.clock.Load(), 0) },
		onReload: func(o reloadOutcome) {
			select {
			case rs.outcomes <- o:
			default:
			}
		},
	})
	return rs
}

// await returns the first reload outcome for which ok is true, failing
// the test if none comes within processWait.
func (rs *reloadServer) await(t *testing.T, what string, ok func(reloadOutcome) bool) reloadOutcome {
	t.Helper()
	deadline := time.After(processWait)
	for {
		select {
		case o := <-rs.outcomes:
			if ok(o) {
				return o
			}
		case <-deadline:
			t.Fatalf("no reload %s within %s; log:\n%s", what, processWait, rs.logs)
		}
	}
}

// write writes a file of the corpus, by a rename, as editors do.
func (rs *reloadServer) write(t *testing.T, name, text string) {
	t.Helper()
	p := filepath.Join(rs.corpus, filepath.FromSlash(name))
	tmp := filepath.Join(filepath.Dir(p), ".new-"+filepath.Base(p))
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
}

// askText returns the texts of the passages /api/ask quotes or offers as
// closest for q, joined.
func askText(t *testing.T, base, q string) string {
	t.Helper()
	resp, body := fetch(t, http.MethodGet, base+"/api/ask?q="+url.QueryEscape(q), "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/api/ask?q=%s: %d %s", q, resp.StatusCode, body)
	}
	return answerText(t, body)
}

// answerText is the passages' texts of an /api/ask body.
func answerText(t *testing.T, body string) string {
	t.Helper()
	var a retrieval.Answer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("not an answer: %v: %s", err, body)
	}
	var texts []string
	for _, h := range append(a.Passages, a.Closest...) {
		texts = append(texts, h.Text)
	}
	return strings.Join(texts, " | ")
}

// reloaded reports whether o swapped in a new engine in which the
// documents added, removed and changed include those named.
func reloaded(added, removed, changed []string) func(reloadOutcome) bool {
	return func(o reloadOutcome) bool {
		has := func(ids, want []string) bool {
			for _, id := range want {
				if !slices.Contains(ids, id) {
					return false
				}
			}
			return true
		}
		return o.Result == reloadReloaded && has(o.Added, added) && has(o.Removed, removed) && has(o.Changed, changed)
	}
}

// TestReloadQuestionInFlight: a question held in the embedder while a
// SIGHUP reloads a changed document is answered from the documents as they
// were when it was asked; the next question from the new ones.
func TestReloadQuestionInFlight(t *testing.T) {
	rs := startReloadServer(t, writeCorpus(t, map[string]string{"ferry.txt": ferryNoon, "harbour.txt": harbourWorks}), time.Hour)
	base := "http://" + rs.Addr()
	if got := askText(t, base, ferryQuestion); !strings.Contains(got, "noon") {
		t.Fatalf("before the change: %q, want the noon ferry", got)
	}

	release := rs.emb.holdTexts(t, "does the ferry")
	answered := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/api/ask?q=" + url.QueryEscape(ferryQuestion))
		if err != nil {
			t.Error(err)
			answered <- ""
			return
		}
		defer resp.Body.Close()
		var b strings.Builder
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			b.WriteString(sc.Text())
		}
		answered <- b.String()
	}()
	receive(t, rs.emb.held, "the question held in the embedder")
	rs.write(t, "ferry.txt", ferryDawn)
	rs.hangup <- syscall.SIGHUP
	o := rs.await(t, "of the changed ferry", reloaded(nil, nil, []string{"ferry"}))
	if !slices.Contains(o.Reasons, "SIGHUP") || len(o.Added)+len(o.Removed) != 0 || len(o.Changed) != 1 {
		t.Errorf("outcome %+v, want ferry changed by SIGHUP and nothing else", o)
	}
	release()
	if got := answerText(t, receive(t, answered, "the answer in flight")); !strings.Contains(got, "noon") || strings.Contains(got, "dawn") {
		t.Errorf("the question in flight got %q, want the noon ferry it was asked about", got)
	}
	if got := askText(t, base, ferryQuestion); !strings.Contains(got, "dawn") || strings.Contains(got, "noon") {
		t.Errorf("after the reload: %q, want the dawn ferry", got)
	}
}

// TestReloadOnFileChanges: documents added, changed and removed in the
// corpus folder and a folder under it are answered from (or not) after
// the watcher's reload, without a signal; each reload embeds only the new
// passages, is logged with what changed and counted, and sets the loaded
// time.
func TestReloadOnFileChanges(t *testing.T) {
	rs := startReloadServer(t, writeCorpus(t, map[string]string{"ferry.txt": ferryNoon, "sub/harbour.txt": harbourWorks}), 10*time.Millisecond)
	base := "http://" + rs.Addr()
	loadedAt := func() float64 {
		return metricValue(t, rs.metrics, "quotebot_index_loaded_timestamp_seconds", nil)
	}
	if got := loadedAt(); got != 1_700_000_000 {
		t.Fatalf("quotebot_index_loaded_timestamp_seconds = %v at start, want the start's time", got)
	}

	rs.clock.Store(1_700_000_100)
	rs.write(t, "sub/museum.md", museumHours)
	o := rs.await(t, "adding the museum", reloaded([]string{"sub/museum"}, nil, nil))
	if o.Stats.Embedded != 1 || o.Stats.Reused != 3 {
		t.Errorf("embedded %d and reused %d passages, want 1 and 3 (only the museum's is new)", o.Stats.Embedded, o.Stats.Reused)
	}
	if got := askText(t, base, "When does the museum open?"); !strings.Contains(got, "Sundays") {
		t.Errorf("after adding the museum: %q", got)
	}
	if got := loadedAt(); got != 1_700_000_100 {
		t.Errorf("quotebot_index_loaded_timestamp_seconds = %v after the reload, want its time", got)
	}
	line := regexp.MustCompile(`(?m)^.*msg="index reloaded".*$`).FindString(rs.logs.String())
	for _, want := range []string{`reason="files changed"`, "added=1", "removed=0", "changed=0", "documents=+sub/museum", "embedded=1", "reused=3", "duration="} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %s", line, want)
		}
	}

	rs.write(t, "ferry.txt", ferryDawn)
	rs.await(t, "changing the ferry", reloaded(nil, nil, []string{"ferry"}))
	if got := askText(t, base, ferryQuestion); !strings.Contains(got, "dawn") {
		t.Errorf("after changing the ferry: %q", got)
	}

	if err := os.Remove(filepath.Join(rs.corpus, "sub", "museum.md")); err != nil {
		t.Fatal(err)
	}
	rs.await(t, "removing the museum", reloaded(nil, []string{"sub/museum"}, nil))
	if got := askText(t, base, "When does the museum open?"); strings.Contains(got, "Sundays") {
		t.Errorf("after removing the museum: %q", got)
	}
	if n := metricValue(t, rs.metrics, "quotebot_reloads_total", map[string]string{"result": reloadReloaded}); n < 3 {
		t.Errorf("quotebot_reloads_total{result=reloaded} = %v, want at least 3", n)
	}
}

// TestReloadReportsSkipped: a reload that meets files it cannot read
// answers from the rest and reports them as serve does at start: the log,
// /readyz, and the gauges.
func TestReloadReportsSkipped(t *testing.T) {
	rs := startReloadServer(t, writeCorpus(t, map[string]string{"ferry.txt": ferryNoon}), time.Hour)
	base := "http://" + rs.Addr()
	for name, text := range map[string]string{"museum.md": museumHours, "latin1.txt": "Caf\xe9 au lait.\n", "minutes.pdf": "%PDF-1.7"} {
		rs.write(t, name, text)
	}
	rs.hangup <- syscall.SIGHUP
	rs.await(t, "adding the museum", reloaded([]string{"museum"}, nil, nil))
	if got := askText(t, base, "When does the museum open?"); !strings.Contains(got, "Sundays") {
		t.Errorf("after adding the museum: %q", got)
	}
	resp, body := fetch(t, http.MethodGet, base+"/readyz", "", nil)
	want := "ready\nskipped latin1.txt: not valid UTF-8"
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "ready\n") || !strings.Contains(body, "skipped latin1.txt: ") ||
		!strings.Contains(body, "skipped minutes.pdf: unsupported format .pdf") {
		t.Errorf("/readyz = %d %q, want %q… and minutes.pdf", resp.StatusCode, body, want)
	}
	if got := metricValue(t, rs.metrics, "quotebot_documents_skipped", nil); got != 2 {
		t.Errorf("quotebot_documents_skipped = %v, want 2", got)
	}
	if got := metricValue(t, rs.metrics, "quotebot_documents_loaded", nil); got != 2 {
		t.Errorf("quotebot_documents_loaded = %v, want 2", got)
	}
	for _, want := range []string{`msg="document skipped" path=latin1.txt`, `msg="document skipped" path=minutes.pdf`} {
		if !strings.Contains(rs.logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, rs.logs)
		}
	}
}

// TestReloadFailureKeepsServing: a reload that cannot load anything (no
// document can be read; then the folder is gone) keeps the documents
// loaded before serving and logs why; once the folder is back, SIGHUP
// reloads it and the watcher watches it again.
func TestReloadFailureKeepsServing(t *testing.T) {
	rs := startReloadServer(t, writeCorpus(t, map[string]string{"ferry.txt": ferryNoon}), time.Hour)
	base := "http://" + rs.Addr()
	stillServing := func(when string) {
		t.Helper()
		if resp, body := fetch(t, http.MethodGet, base+"/readyz", "", nil); resp.StatusCode != http.StatusOK || body != "ready\n" {
			t.Errorf("%s: /readyz = %d %q, want ready", when, resp.StatusCode, body)
		}
		if got := askText(t, base, ferryQuestion); !strings.Contains(got, "noon") {
			t.Errorf("%s: %q, want the noon ferry loaded before", when, got)
		}
	}
	failed := func(o reloadOutcome) bool { return o.Result == reloadFailed }

	rs.write(t, "ferry.txt", "\xff\xfe not text\n")
	rs.hangup <- syscall.SIGHUP
	o := rs.await(t, "failing on unreadable documents", failed)
	if o.Err == nil || !strings.Contains(o.Err.Error(), "could be read") {
		t.Errorf("error %v, want one saying no document could be read", o.Err)
	}
	stillServing("no document readable")

	if err := os.RemoveAll(rs.corpus); err != nil {
		t.Fatal(err)
	}
	rs.hangup <- syscall.SIGHUP
	o = rs.await(t, "failing on the missing folder", failed)
	if !errors.Is(o.Err, fs.ErrNotExist) {
		t.Errorf("error %v, want the missing folder", o.Err)
	}
	stillServing("folder gone")
	if !strings.Contains(rs.logs.String(), `msg="reload failed; still answering from the documents loaded before"`) {
		t.Errorf("the failure is not logged:\n%s", rs.logs)
	}
	if n := metricValue(t, rs.metrics, "quotebot_reloads_total", map[string]string{"result": reloadFailed}); n != 2 {
		t.Errorf("quotebot_reloads_total{result=failed} = %v, want 2", n)
	}

	if err := os.Mkdir(rs.corpus, 0o755); err != nil {
		t.Fatal(err)
	}
	rs.write(t, "ferry.txt", ferryDawn)
	rs.hangup <- syscall.SIGHUP
	rs.await(t, "of the folder made again", reloaded(nil, nil, []string{"ferry"}))
	if got := askText(t, base, ferryQuestion); !strings.Contains(got, "dawn") {
		t.Errorf("after the folder came back: %q, want the dawn ferry", got)
	}
	if !slices.Contains(rs.reloads.watcher.fsw.WatchList(), rs.corpus) {
		t.Errorf("the folder made again is not watched: %q", rs.reloads.watcher.fsw.WatchList())
	}
}

// TestReloadBuiltIn: with the built-in statement there is nothing to
// reload; SIGHUP says so and counts an unchanged reload.
func TestReloadBuiltIn(t *testing.T) {
	rs := startReloadServer(t, "", time.Hour)
	rs.hangup <- syscall.SIGHUP
	o := rs.await(t, "of the built-in statement", func(reloadOutcome) bool { return true })
	if o.Result != reloadUnchanged || o.Err != nil {
		t.Errorf("outcome %+v, want unchanged", o)
	}
	if !strings.Contains(rs.logs.String(), "nothing to reload: the corpus is the built-in statement") {
		t.Errorf("log does not say there is nothing to reload:\n%s", rs.logs)
	}
	if n := metricValue(t, rs.metrics, "quotebot_reloads_total", map[string]string{"result": reloadUnchanged}); n != 1 {
		t.Errorf("quotebot_reloads_total{result=unchanged} = %v, want 1", n)
	}
}

// TestReloadOneAtATime: the requests made while a reload runs (held in
// the embedder) are merged into one more reload after it, which finds
// nothing changed; a request after that is a reload of its own.
func TestReloadOneAtATime(t *testing.T) {
	rs := startReloadServer(t, writeCorpus(t, map[string]string{"ferry.txt": ferryNoon}), time.Hour)
	release := rs.emb.holdTexts(t, "maritime museum")
	rs.write(t, "museum.md", museumHours)
	rs.hangup <- syscall.SIGHUP
	receive(t, rs.emb.held, "the reload held in the embedder")
	for _, reason := range []string{"files changed", "SIGHUP", "files changed", "test"} {
		rs.reloads.request(reason)
	}
	release()
	first := receive(t, rs.outcomes, "the first reload")
	if !reloaded([]string{"museum"}, nil, nil)(first) || !slices.Equal(first.Reasons, []string{"SIGHUP"}) {
		t.Errorf("first reload %+v, want the museum added on SIGHUP", first)
	}
	second := receive(t, rs.outcomes, "the merged reload")
	want := []string{"files changed", "SIGHUP", "test"}
	if second.Result != reloadUnchanged || !slices.Equal(second.Reasons, want) {
		t.Errorf("second reload %+v, want unchanged for %q", second, want)
	}
	rs.hangup <- syscall.SIGHUP
	if third := receive(t, rs.outcomes, "the last reload"); !slices.Equal(third.Reasons, []string{"SIGHUP"}) {
		t.Errorf("third reload %+v, want one for the last SIGHUP alone", third)
	}
}

// TestServeReloadsOnSIGHUP runs serve as a process of its own on a corpus
// reached by a symbolic link, which a release swaps to a new folder (the
// watcher, watching the old folder, sees nothing): SIGHUP does not end
// serve, and reloads the documents.
func TestServeReloadsOnSIGHUP(t *testing.T) {
	dir := writeCorpus(t, map[string]string{"v1/ferry.txt": ferryNoon, "v2/ferry.txt": ferryDawn})
	link := filepath.Join(dir, "current")
	if err := os.Symlink("v1", link); err != nil {
		t.Fatal(err)
	}
	answers, stdout, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { answers.Close() })
	p := startQuotebot(t, nil, stdout, "serve", "--addr", "127.0.0.1:0", "--corpus", link,
		"--db", filepath.Join(dir, "index"), "--data", filepath.Join(dir, "data"))
	stdout.Close()
	lines := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(answers)
		for sc.Scan() {
			report(lines, sc.Text())
		}
	}()
	m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(awaitText(t, lines, "serve to listen", p.exited))
	if m == nil {
		t.Fatal("serve did not say where it listens")
	}
	base := m[1]
	// poll asks path until its body matches want, at most processWait,
	// failing the test if serve exits.
	poll := func(path string, want *regexp.Regexp) {
		t.Helper()
		deadline := time.Now().Add(processWait)
		for {
			if resp, err := http.Get(base + path); err == nil {
				var b strings.Builder
				sc := bufio.NewScanner(resp.Body)
				for sc.Scan() {
					b.WriteString(sc.Text() + "\n")
				}
				resp.Body.Close()
				if want.MatchString(b.String()) {
					return
				}
			}
			select {
			case <-p.exited:
				t.Fatalf("serve exited (status %d) while waiting for %s: %s", p.cmd.ProcessState.ExitCode(), path, p.stderr.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not match %s within %s", path, want, processWait)
			}
		}
	}
	poll("/readyz", regexp.MustCompile(`^ready\n`))
	if got := askText(t, base, ferryQuestion); !strings.Contains(got, "noon") {
		t.Fatalf("before the release: %q, want the noon ferry", got)
	}

	next := filepath.Join(dir, "current.next")
	if err := os.Symlink("v2", next); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, link); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	poll("/metrics", regexp.MustCompile(`(?m)^quotebot_reloads_total\{result="reloaded"\} 1$`))
	if got := askText(t, base, ferryQuestion); !strings.Contains(got, "dawn") {
		t.Errorf("after SIGHUP: %q, want the dawn ferry", got)
	}
	if got := p.signal(t, syscall.SIGTERM); got != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0 (stderr %s)", got, p.stderr.String())
	}
	if log := p.stderr.String(); !strings.Contains(log, `"msg":"index reloaded","reason":"SIGHUP"`) {
		t.Errorf("the log has no reload for SIGHUP:\n%s", log)
	}
}

// swapLink points the symbolic link at link to target at once, by a
// rename, as release tools and Kubernetes do.
func swapLink(t *testing.T, target, link string) {
	t.Helper()
	tmp := link + "_tmp"
	if err := os.Symlink(target, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
}

// TestReloadLinkedRelease: a corpus reached by a symbolic link that a
// release swaps to a new folder is reloaded by SIGHUP, after which the
// watcher watches the new folder.
func TestReloadLinkedRelease(t *testing.T) {
	dir := writeCorpus(t, map[string]string{"v1/ferry.txt": ferryNoon, "v2/ferry.txt": ferryDawn})
	link := filepath.Join(dir, "current")
	if err := os.Symlink("v1", link); err != nil {
		t.Fatal(err)
	}
	rs := startReloadServer(t, link, 10*time.Millisecond)
	swapLink(t, "v2", link)
	rs.hangup <- syscall.SIGHUP
	rs.await(t, "of the new release", reloaded(nil, nil, []string{"ferry"}))
	rs.write(t, "museum.md", museumHours) // into v2, seen only if v2 is watched
	o := rs.await(t, "adding the museum to the new release", reloaded([]string{"museum"}, nil, nil))
	if !slices.Equal(o.Reasons, []string{"files changed"}) {
		t.Errorf("reasons %q, want the watcher's", o.Reasons)
	}
}

// TestReloadConfigMap: a corpus mounted from a Kubernetes ConfigMap, whose
// files are links through the ..data link to a hidden folder, is reloaded
// when an update swaps ..data to a new folder, without a signal.
func TestReloadConfigMap(t *testing.T) {
	root := writeCorpus(t, map[string]string{"..2026_01_01/ferry.txt": ferryNoon})
	if err := os.Symlink("..2026_01_01", filepath.Join(root, "..data")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..data/ferry.txt", filepath.Join(root, "ferry.txt")); err != nil {
		t.Fatal(err)
	}
	rs := startReloadServer(t, root, 10*time.Millisecond)
	if got := askText(t, "http://"+rs.Addr(), ferryQuestion); !strings.Contains(got, "noon") {
		t.Fatalf("before the update: %q, want the noon ferry", got)
	}
	update := filepath.Join(root, "..2026_02_01")
	if err := os.Mkdir(update, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(update, "ferry.txt"), []byte(ferryDawn), 0o644); err != nil {
		t.Fatal(err)
	}
	swapLink(t, "..2026_02_01", filepath.Join(root, "..data"))
	rs.await(t, "of the updated ConfigMap", reloaded(nil, nil, []string{"ferry"}))
	if got := askText(t, "http://"+rs.Addr(), ferryQuestion); !strings.Contains(got, "dawn") {
		t.Errorf("after the update: %q, want the dawn ferry", got)
	}
}

// TestReloadOneDocument: a corpus of one document is reloaded when that
// document is saved.
func TestReloadOneDocument(t *testing.T) {
	file := filepath.Join(writeCorpus(t, map[string]string{"ferry.txt": ferryNoon}), "ferry.txt")
	rs := startReloadServer(t, file, 10*time.Millisecond)
	rs.corpus = filepath.Dir(file)
	rs.write(t, "ferry.txt", ferryDawn)
	rs.await(t, "of the saved document", reloaded(nil, nil, []string{"ferry"}))
	if got := askText(t, "http://"+rs.Addr(), ferryQuestion); !strings.Contains(got, "dawn") {
		t.Errorf("after saving: %q, want the dawn ferry", got)
	}
}

// TestReloadAfterFailedStart: when no document could be read at start,
// serve is not ready; once a readable one is added, the reload makes it
// ready.
func TestReloadAfterFailedStart(t *testing.T) {
	rs := startReloadServer(t, writeCorpus(t, map[string]string{"latin1.txt": "Caf\xe9 au lait.\n"}), 10*time.Millisecond)
	base := "http://" + rs.Addr()
	if resp, body := fetch(t, http.MethodGet, base+"/readyz", "", nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d %q, want 503 with no document readable", resp.StatusCode, body)
	}
	rs.write(t, "ferry.txt", ferryNoon)
	rs.await(t, "adding a readable document", reloaded([]string{"ferry"}, nil, nil))
	resp, body := fetch(t, http.MethodGet, base+"/readyz", "", nil)
	if resp.StatusCode != http.StatusOK || body != "ready\nskipped latin1.txt: not valid UTF-8 text\n" {
		t.Errorf("/readyz = %d %q, want ready and the file still skipped", resp.StatusCode, body)
	}
	if got := askText(t, base, ferryQuestion); !strings.Contains(got, "noon") {
		t.Errorf("after the reload: %q, want the noon ferry", got)
	}
}
