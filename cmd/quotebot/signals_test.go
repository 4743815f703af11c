package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"hash/fnv"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/quotebot/quotebot/internal/fakeembed"
)

// runMainEnv makes the test binary run quotebot's main instead of the
// tests, so the signal tests can run quotebot as a process of its own.
const runMainEnv = "QUOTEBOT_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// processWait bounds every wait for a quotebot process in these tests.
const processWait = 30 * time.Second

// quotebotProcess is quotebot running as a process of its own.
type quotebotProcess struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	exited chan struct{} // closed once the process has exited
}

// startQuotebot starts quotebot with args; the process is killed when the
// test ends if it is still running.
func startQuotebot(t *testing.T, stdin io.Reader, stdout io.Writer, args ...string) *quotebotProcess {
	t.Helper()
	p := &quotebotProcess{cmd: exec.Command(os.Args[0], args...), exited: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), runMainEnv+"=1")
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = stdin, stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// signal sends sig and returns the exit status, failing the test if the
// process does not exit within processWait.
func (p *quotebotProcess) signal(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(processWait):
		t.Fatalf("quotebot %s did not stop within %s of %v", p.cmd.Args[1], processWait, sig)
	}
	return p.cmd.ProcessState.ExitCode()
}

// blockWord makes heldEmbedAPI hold a text until its client goes away.
const blockWord = "blockme"

// heldEmbedAPI is an OpenAI-compatible embeddings endpoint on 127.0.0.1.
// It embeds each text as a small vector hashed from it, except that it
// holds texts containing blockWord (or every text, with blockAll) until the
// client goes away, reporting each on held and each abandonment on gone.
type heldEmbedAPI struct {
	srv      *httptest.Server
	blockAll atomic.Bool
	held     chan string
	gone     chan string
}

func newHeldEmbedAPI(t *testing.T) *heldEmbedAPI {
	t.Helper()
	f := &heldEmbedAPI{held: make(chan string, 64), gone: make(chan string, 64)}
	release := make(chan struct{})
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		model, inputs, err := fakeembed.ReadRequest(r)
		if err != nil {
			t.Errorf("embedding request: %v", err)
			return
		}
		// A batch is held, and reported, as one text.
		all := strings.Join(inputs, "\n")
		if f.blockAll.Load() || strings.Contains(all, blockWord) {
			report(f.held, all)
			select {
			case <-r.Context().Done():
				report(f.gone, all)
			case <-release:
			}
			http.Error(w, "held", http.StatusServiceUnavailable)
			return
		}
		vecs := make([][]float32, len(inputs))
		for k, in := range inputs {
			h := fnv.New64a()
			io.WriteString(h, in)
			sum := h.Sum64()
			v := make([]float32, 8)
			for i := range v {
				v[i] = float32(sum>>(8*i)&0xff) + 1
			}
			vecs[k] = v
		}
		fakeembed.WriteOpenAI(w, model, vecs)
	}))
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() { close(release) })
	return f
}

// report sends s on c unless c is full.
func report(c chan<- string, s string) {
	select {
	case c <- s:
	default:
	}
}

// flags are the command-line flags that select this embedder.
func (f *heldEmbedAPI) flags() []string {
	return []string{"--embedder", "openai-compat", "--embed-url", f.srv.URL, "--embed-model", "fake"}
}

// awaitText returns the next value of c, failing the test after processWait
// or once exited is closed.
func awaitText(t *testing.T, c <-chan string, what string, exited <-chan struct{}) string {
	t.Helper()
	select {
	case s := <-c:
		return s
	case <-exited:
		t.Fatalf("quotebot exited before %s", what)
	case <-time.After(processWait):
		t.Fatalf("no %s within %s", what, processWait)
	}
	return ""
}

// snapshot is every file under dir with its bytes.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestIndexStopsOnSignal: `index` stopped by SIGTERM or SIGINT while it
// embeds says "interrupted", exits 143 or 130, and leaves the index it was
// replacing byte for byte as it was.
func TestIndexStopsOnSignal(t *testing.T) {
	tests := []struct {
		sig    syscall.Signal
		status int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}}
	for _, tt := range tests {
		t.Run(tt.sig.String(), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "index")
			if code, _, errOut := runCLI(t, "", "index", "--db", db); code != 0 {
				t.Fatalf("first index: exit %d: %s", code, errOut)
			}
			before := snapshot(t, db)
			if len(before) == 0 {
				t.Fatal("the first index wrote no files")
			}
			api := newHeldEmbedAPI(t)
			api.blockAll.Store(true)
			p := startQuotebot(t, nil, io.Discard, append([]string{"index", "--db", db}, api.flags()...)...)
			awaitText(t, api.held, "an embedding request", p.exited)
			if got := p.signal(t, tt.sig); got != tt.status {
				t.Errorf("exit status %d, want %d (stderr %q)", got, tt.status, p.stderr.String())
			}
			if got := p.stderr.String(); got != "quotebot index: interrupted\n" {
				t.Errorf("stderr %q, want one line saying it was interrupted", got)
			}
			if after := snapshot(t, db); !maps.Equal(before, after) {
				t.Errorf("the old index changed: %d files before, %d after", len(before), len(after))
			}
		})
	}
}

// TestAskStopsOnSignal: `ask` stopped by SIGINT while it waits for the
// question's embedding exits 130, having abandoned the request.
func TestAskStopsOnSignal(t *testing.T) {
	api := newHeldEmbedAPI(t)
	db := filepath.Join(t.TempDir(), "index")
	if code, _, errOut := runCLI(t, "", append([]string{"index", "--db", db}, api.flags()...)...); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	p := startQuotebot(t, nil, io.Discard, append([]string{"ask", "--db", db, "what about " + blockWord + " fisheries?"}, api.flags()...)...)
	awaitText(t, api.held, "the question's embedding", p.exited)
	if got := p.signal(t, syscall.SIGINT); got != 130 {
		t.Errorf("exit status %d, want 130 (stderr %q)", got, p.stderr.String())
	}
	if got := p.stderr.String(); got != "quotebot ask: interrupted\n" {
		t.Errorf("stderr %q, want one line saying it was interrupted", got)
	}
	awaitText(t, api.gone, "the embedding request to be abandoned", nil)
}

// TestAskStopsOnSignalWhileReading: `ask --json -` waiting for its next
// line, which no context can interrupt, still exits on SIGTERM, with 143.
func TestAskStopsOnSignalWhileReading(t *testing.T) {
	db := filepath.Join(t.TempDir(), "index")
	// Pipes of the system, so that the process holds their ends itself.
	stdin, questions, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	answers, stdout, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { questions.Close(); answers.Close() })
	p := startQuotebot(t, stdin, stdout, "ask", "--json", "--db", db, "-")
	stdin.Close()
	stdout.Close()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(answers)
		for sc.Scan() {
			report(lines, sc.Text())
		}
	}()
	if _, err := io.WriteString(questions, "fisheries\n"); err != nil {
		t.Fatal(err)
	}
	if got := awaitText(t, lines, "the first answer", p.exited); !strings.Contains(got, `"found":true`) {
		t.Fatalf("first answer %q", got)
	}
	if got := p.signal(t, syscall.SIGTERM); got != 143 {
		t.Errorf("exit status %d, want 143 (stderr %q)", got, p.stderr.String())
	}
	if got := p.stderr.String(); got != "quotebot ask: interrupted\n" {
		t.Errorf("stderr %q, want one line saying it was interrupted", got)
	}
}

// TestRunInterrupted: a command whose context a signal ended reports
// "interrupted" and 128 plus the signal's number; serve shuts down and
// exits 0.
func TestRunInterrupted(t *testing.T) {
	tests := []struct {
		name   string
		sig    syscall.Signal
		args   []string
		status int
		stderr string
	}{
		{"index on SIGTERM", syscall.SIGTERM, []string{"index"}, 143, "quotebot index: interrupted\n"},
		{"ask on SIGINT", syscall.SIGINT, []string{"ask", "fisheries"}, 130, "quotebot ask: interrupted\n"},
		{"serve on SIGTERM", syscall.SIGTERM, []string{"serve", "--addr", "127.0.0.1:0"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(interrupted{tt.sig})
			var errOut bytes.Buffer
			env := map[string]string{"QUOTEBOT_DB": filepath.Join(t.TempDir(), "index")}
			code := run(ctx, tt.args, nil, io.Discard, &errOut, func(k string) string { return env[k] })
			if code != tt.status || (tt.stderr != "" && errOut.String() != tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, errOut.String(), tt.status, tt.stderr)
			}
		})
	}
}

// TestServeCloseStopsAnswers: an answer still being computed when serve
// shuts down (here, waiting for its embedding) is stopped once the grace
// is over, and its client gets a reply.
func TestServeCloseStopsAnswers(t *testing.T) {
	api := newHeldEmbedAPI(t)
	s := &server{
		cfg:    engineConfig{DB: filepath.Join(t.TempDir(), "index"), Embedder: "openai-compat", URL: api.srv.URL, Model: "fake"},
		addr:   "127.0.0.1:0",
		logger: discardLogger(),
		getenv: func(string) string { return "" },
		grace:  time.Millisecond,
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	select {
	case <-s.engine.done:
	case <-time.After(processWait):
		t.Fatal("index did not load")
	}
	if err := s.engine.ready(); err != nil {
		t.Fatal(err)
	}
	replied := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + s.Addr() + "/api/ask?q=" + blockWord)
		if err == nil {
			resp.Body.Close()
		}
		replied <- err
	}()
	awaitText(t, api.held, "the question's embedding", nil)
	s.Close()
	awaitText(t, api.gone, "the answer to stop", nil)
	select {
	case err := <-replied:
		if err != nil && !errors.Is(err, io.EOF) {
			t.Logf("client: %v", err)
		}
	case <-time.After(processWait):
		t.Fatal("the client got no reply")
	}
}
