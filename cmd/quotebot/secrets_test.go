package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quotebot/quotebot/internal/fakeembed"
	"github.com/quotebot/quotebot/retrieval"
)

// syncBuffer is an io.Writer safe for concurrent use that can say when its
// text first holds a string.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	waits []bufferWait
}

type bufferWait struct {
	s    string
	done chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.b.Write(p)
	kept := b.waits[:0]
	for _, w := range b.waits {
		if strings.Contains(b.b.String(), w.s) {
			close(w.done)
		} else {
			kept = append(kept, w)
		}
	}
	b.waits = kept
	return n, err
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// when returns a channel closed once the text holds s.
func (b *syncBuffer) when(s string) <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	done := make(chan struct{})
	if strings.Contains(b.b.String(), s) {
		close(done)
	} else {
		b.waits = append(b.waits, bufferWait{s, done})
	}
	return done
}

// waitFor fails the test unless ch is closed within 30 s.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	receive(t, ch, what)
}

// receive returns the next value from ch, failing the test when none
// comes within 30 s.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s within 30 s", what)
		panic("unreachable")
	}
}

// fakeEmbedAPI is an OpenAI-compatible embedding API on 127.0.0.1 that
// answers with the built-in embedder's vectors.
type fakeEmbedAPI struct {
	*httptest.Server
	calls atomic.Int64
	// authorized, when set, refuses (401) the requests it returns false for.
	authorized func(r *http.Request) bool
	// fail makes every call answer 500, with an hour's Retry-After.
	fail bool
	// hold, while set, holds every call until release is closed; held is
	// closed when the first one arrives.
	hold    atomic.Bool
	held    chan struct{}
	release chan struct{}
	once    sync.Once
}

func newFakeEmbedAPI(t *testing.T, configure func(*fakeEmbedAPI)) *fakeEmbedAPI {
	t.Helper()
	f := &fakeEmbedAPI{held: make(chan struct{}), release: make(chan struct{})}
	if configure != nil {
		configure(f)
	}
	local := retrieval.NewLocal()
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.authorized != nil && !f.authorized(r) {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		model, inputs, err := fakeembed.ReadRequest(r)
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		f.calls.Add(1)
		if f.fail {
			// An hour's wait: quotebot gives up at once instead of
			// trying again for 15 s.
			w.Header().Set("Retry-After", "3600")
			http.Error(w, `{"error":"the model is down"}`, http.StatusInternalServerError)
			return
		}
		if f.hold.Load() {
			f.once.Do(func() { close(f.held) })
			select {
			case <-f.release:
			case <-r.Context().Done():
				return
			}
		}
		vecs := make([][]float32, len(inputs))
		for i, in := range inputs {
			vecs[i], _ = local.Embed(r.Context(), in)
		}
		fakeembed.WriteOpenAI(w, model, vecs)
	}))
	t.Cleanup(func() {
		f.once.Do(func() { close(f.held) })
		select {
		case <-f.release:
		default:
			close(f.release)
		}
		f.Close()
	})
	return f
}

// withCredentials is the fake's base URL /v1 with user info and a query
// key.
func (f *fakeEmbedAPI) withCredentials(user, password, key string) string {
	return strings.Replace(f.URL, "http://", "http://"+user+":"+password+"@", 1) + "/v1?key=" + key
}

// serveCLI runs `quotebot serve` through run, with env, on a free loopback
// port, and waits until its log holds ready. It returns the base URL, the
// output, and stop, which ends serve and returns its exit status.
func serveCLI(t *testing.T, env map[string]string, ready string) (base string, stdout, stderr *syncBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), stdout, stderr, func(k string) string { return env[k] })
	}()
	stopped := false
	code := 0
	stop = func() int {
		if !stopped {
			stopped = true
			cancel()
			select {
			case code = <-exited:
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not stop within 30 s")
			}
		}
		return code
	}
	t.Cleanup(func() { stop() })
	select {
	case <-stdout.when("listening on http://"):
	case code := <-exited:
		t.Fatalf("serve exited with %d: %s", code, stderr)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not listen within 30 s")
	}
	m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(stdout.String())
	waitFor(t, stderr.when(ready), "log line "+ready)
	return m[1], stdout, stderr, stop
}

// fetch sends a request and returns the response with its body read.
func fetch(t *testing.T, method, url, body string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestSecretsStaySecret runs index, ask and serve with credentials in
// QUOTEBOT_EMBED_URL (user info and a query key) and in OPENAI_API_KEY
// against a fake embedding API that requires them, then rotates all three:
// the second index run embeds nothing, and no output, log line, file of the
// index or HTTP response shows any of them.
func TestSecretsStaySecret(t *testing.T) {
	type creds struct{ user, password, query, key string }
	first := creds{"embed-user-1f", "url-password-5b7e", "query-key-93ac", "sk-env-key-c4d1"}
	second := creds{"embed-user-2a", "url-password-0d3f", "query-key-7e21", "sk-env-key-b8f6"}
	secrets := []string{first.user, first.password, first.query, first.key, second.user, second.password, second.query, second.key}
	api := newFakeEmbedAPI(t, func(f *fakeEmbedAPI) {
		f.authorized = func(r *http.Request) bool {
			for _, c := range []creds{first, second} {
				if r.URL.Query().Get("key") == c.query && r.Header.Get("Authorization") == "Bearer "+c.key {
					return true
				}
			}
			return false
		}
	})
	db := filepath.Join(t.TempDir(), "index")
	envOf := func(c creds) map[string]string {
		return map[string]string{
			"QUOTEBOT_DB": db, "QUOTEBOT_EMBEDDER": "openai-compat", "QUOTEBOT_EMBED_MODEL": "fake-embed",
			"QUOTEBOT_EMBED_URL": api.withCredentials(c.user, c.password, c.query), "OPENAI_API_KEY": c.key,
		}
	}
	var seen []string // every output, log and response, to search
	cli := func(env map[string]string, args ...string) (int, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
		seen = append(seen, out.String(), errOut.String())
		return code, out.String() + errOut.String()
	}

	if code, out := cli(envOf(first), "index"); code != 0 || !strings.Contains(out, "indexed 11 passages with openai-compat/fake-embed@") {
		t.Fatalf("index: exit %d\n%s", code, out)
	}
	embedded := api.calls.Load()
	if code, out := cli(envOf(second), "index"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("index after rotating the credentials: exit %d\n%s", code, out)
	}
	if n := api.calls.Load(); n != embedded {
		t.Errorf("rotating the credentials embedded %d passages again", n-embedded)
	}
	if code, out := cli(envOf(second), "ask", "--json", "what did they say about fisheries?"); code != 0 || !strings.Contains(out, `"found":true`) {
		t.Fatalf("ask: exit %d\n%s", code, out)
	}
	for _, cmd := range []string{"ask", "index", "serve"} {
		if code, out := cli(envOf(second), cmd, "--help"); code != 0 || !strings.Contains(out, "-embed-url") {
			t.Fatalf("%s --help: exit %d\n%s", cmd, code, out)
		}
	}

	base, stdout, stderr, stop := serveCLI(t, envOf(second), "index ready")
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/healthz", ""}, {"GET", "/readyz", ""}, {"GET", "/api/ask?q=fisheries", ""},
		{"POST", "/api/ask", `{"question": "what about flights?"}`}, {"GET", "/?q=fisheries", ""},
		{"GET", "/metrics", ""}, {"GET", "/nope", ""},
	} {
		resp, body := fetch(t, r.method, base+r.path, r.body, nil)
		dump, _ := httputil.DumpResponse(resp, false)
		seen = append(seen, string(dump), body)
		if r.path != "/nope" && resp.StatusCode != http.StatusOK {
			t.Errorf("%s %s: %d %s", r.method, r.path, resp.StatusCode, body)
		}
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exited with %d", code)
	}
	seen = append(seen, stdout.String(), stderr.String())

	err := filepath.WalkDir(filepath.Dir(db), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		seen = append(seen, path+"\n"+string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range seen {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%q shown in:\n%s", s, text)
			}
		}
	}
}

// TestServeFailedLoadIsGeneric runs serve against an embedding API that
// fails: /readyz, /api/ask and the page say only that the index is not
// ready, with a request id, and the log has the reason under that id.
func TestServeFailedLoadIsGeneric(t *testing.T) {
	api := newFakeEmbedAPI(t, func(f *fakeEmbedAPI) { f.fail = true })
	db := filepath.Join(t.TempDir(), "index")
	env := map[string]string{
		"QUOTEBOT_DB": db, "QUOTEBOT_EMBEDDER": "openai-compat", "QUOTEBOT_EMBED_MODEL": "fake-embed",
		"QUOTEBOT_EMBED_URL":  api.withCredentials("embed-user-77", "url-password-e31c", "query-key-0b9d"),
		"QUOTEBOT_LOG_FORMAT": "text",
	}
	base, _, stderr, _ := serveCLI(t, env, "load index")
	host := strings.TrimPrefix(api.URL, "http://")
	tests := []struct {
		name, method, path, body string
		code                     int
	}{
		{"readyz", "GET", "/readyz", "", http.StatusServiceUnavailable},
		{"api get", "GET", "/api/ask?q=fisheries", "", http.StatusServiceUnavailable},
		{"api post", "POST", "/api/ask", `{"question": "fisheries"}`, http.StatusServiceUnavailable},
		{"page", "GET", "/?q=fisheries", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := fetch(t, tt.method, base+tt.path, tt.body, nil)
			id := resp.Header.Get("X-Request-Id")
			if resp.StatusCode != tt.code || id == "" || !strings.Contains(body, "the index is not ready (request id "+id+")") {
				t.Fatalf("%d, X-Request-Id %q, body %q; want %d saying the index is not ready with the request id", resp.StatusCode, id, body, tt.code)
			}
			for _, detail := range []string{db, host, "Internal Server Error", "embed", "model is down", "embed-user-77", "url-password-e31c", "query-key-0b9d"} {
				if strings.Contains(body, detail) {
					t.Errorf("the response shows %q: %s", detail, body)
				}
			}
			waitFor(t, stderr.when("request_id="+id), "log line with the request id")
			reason := false
			for _, line := range strings.Split(stderr.String(), "\n") {
				reason = reason || strings.Contains(line, "request_id="+id) && strings.Contains(line, "500 Internal Server Error")
			}
			if !reason {
				t.Errorf("no log line of request %s gives the reason:\n%s", id, stderr)
			}
		})
	}
	for _, s := range []string{"embed-user-77", "url-password-e31c", "query-key-0b9d"} {
		if strings.Contains(stderr.String(), s) {
			t.Errorf("the log shows %q", s)
		}
	}

	code, _, errOut := runCLI(t, "", "ask", "--db", db, "--embedder", "openai-compat", "--embed-model", "m", "--embed-url", api.withCredentials("embed-user-77", "url-password-e31c", "query-key-0b9d"), "fisheries")
	if code != 1 || !strings.Contains(errOut, "500 Internal Server Error") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("ask: exit %d, stderr %q; want 1 and one line with the reason", code, errOut)
	}
	for _, s := range []string{"embed-user-77", "url-password-e31c", "query-key-0b9d"} {
		if strings.Contains(errOut, s) {
			t.Errorf("ask's error shows %q", s)
		}
	}
}
