package main

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// healthcheck runs `quotebot healthcheck` with env and returns its exit
// status, stdout and stderr; it fails the test when the command takes
// longer than 30 s, which it must not (its client gives up after 2 s).
func healthcheck(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut syncBuffer
		code := run(context.Background(), append([]string{"healthcheck"}, args...), strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
		done <- result{code, out.String(), errOut.String()}
	}()
	r := receive(t, done, "healthcheck exit")
	return r.code, r.out, r.errOut
}

// hangingListener accepts connections on 127.0.0.1 and never answers
// them; it closes them when the test ends.
func hangingListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestHealthcheck(t *testing.T) {
	ready := startServer(t, func(string) string { return "" })
	_, readyPort, _ := net.SplitHostPort(ready.Addr())

	// A server whose index is still loading: its embedder holds every call.
	api := newFakeEmbedAPI(t, func(f *fakeEmbedAPI) { f.hold.Store(true) })
	loading := &server{
		cfg:    engineConfig{DB: filepath.Join(t.TempDir(), "index"), Embedder: "openai-compat", URL: api.URL + "/v1", Model: "fake-embed"},
		addr:   "127.0.0.1:0",
		logger: discardLogger(),
		getenv: func(string) string { return "" },
	}
	if err := loading.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { loading.Close() })
	waitFor(t, api.held, "the index build to reach the embedder")

	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		output  string // in stdout when code is 0, in stderr otherwise
		oneLine bool
	}{
		{"ready", nil, []string{"--addr", ready.Addr()}, 0, "ready", true},
		{"ready, port only from QUOTEBOT_ADDR", map[string]string{"QUOTEBOT_ADDR": ":" + readyPort}, nil, 0, "ready", true},
		{"flag wins over QUOTEBOT_ADDR", map[string]string{"QUOTEBOT_ADDR": closedAddr(t)}, []string{"--addr", ready.Addr()}, 0, "ready", true},
		{"index still loading", nil, []string{"--addr", loading.Addr()}, 1, "503 Service Unavailable: the index is not ready: it is still loading", true},
		{"nothing listening", nil, []string{"--addr", closedAddr(t)}, 1, "connection refused", true},
		{"never answers", nil, []string{"--addr", hangingListener(t)}, 1, "no answer within 2s", true},
		{"bad address", nil, []string{"--addr", "localhost"}, 2, "--addr", true},
		{"arguments", nil, []string{"now"}, 2, "takes no arguments", true},
		{"help", nil, []string{"--help"}, 0, "Usage: quotebot healthcheck", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := healthcheck(t, tt.env, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d (stdout %q, stderr %q)", code, tt.code, out, errOut)
			}
			text := errOut
			if code == 0 {
				text = out
				if errOut != "" {
					t.Errorf("stderr %q, want nothing", errOut)
				}
			}
			if !strings.Contains(text, tt.output) {
				t.Errorf("output %q lacks %q", text, tt.output)
			}
			if tt.oneLine && strings.Count(strings.TrimSpace(text), "\n") != 0 {
				t.Errorf("output is more than one line: %q", text)
			}
		})
	}
}

func TestHealthTarget(t *testing.T) {
	tests := []struct {
		addr, want string
		bad        bool
	}{
		{":8080", "127.0.0.1:8080", false},
		{"0.0.0.0:8080", "127.0.0.1:8080", false},
		{"[::]:8080", "[::1]:8080", false},
		{"127.0.0.1:9", "127.0.0.1:9", false},
		{"10.1.2.3:8080", "10.1.2.3:8080", false},
		{"quotebot.internal:80", "quotebot.internal:80", false},
		{"[::1]:8080", "[::1]:8080", false},
		{"8080", "", true},
		{"localhost:", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := healthTarget(tt.addr)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("healthTarget(%q) = %q, %v; want %q, error %v", tt.addr, got, err, tt.want, tt.bad)
		}
	}
}
