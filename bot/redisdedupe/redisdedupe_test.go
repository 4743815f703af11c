package redisdedupe

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quotebot/quotebot/internal/redistest"
)

// hooks records what a Deduper reports.
type hooks struct {
	mu     sync.Mutex
	errors []string // op of each failed call
	status []bool   // each change of status: false down, true up
}

func (h *hooks) config(url string) Config {
	return Config{
		URL: url,
		OnError: func(op string, err error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.errors = append(h.errors, op)
		},
		OnStatus: func(up bool, err error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.status = append(h.status, up)
		},
	}
}

func (h *hooks) snapshot() ([]string, []bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.errors...), append([]bool(nil), h.status...)
}

func mustNew(t *testing.T, cfg Config) *Deduper {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func claim(t *testing.T, d *Deduper, key string) bool {
	t.Helper()
	ok, err := d.Claim(t.Context(), key)
	if err != nil {
		t.Fatalf("Claim(%q): %v", key, err)
	}
	return ok
}

// TestReplicasShareClaims: two Dedupers (two replicas) on one Redis; a key
// is new to exactly one of them, until the one holding it releases it.
func TestReplicasShareClaims(t *testing.T) {
	srv := redistest.Start(t)
	a := mustNew(t, Config{URL: srv.URL()})
	b := mustNew(t, Config{URL: srv.URL()})
	steps := []struct {
		who  string
		op   string // claim or release
		key  string
		want bool
	}{
		{"a", "claim", "slack:event:Ev1", true},
		{"b", "claim", "slack:event:Ev1", false},
		{"a", "claim", "slack:event:Ev1", false},
		{"b", "claim", "slack:event:Ev2", true},
		{"a", "release", "slack:event:Ev1", false},
		{"b", "claim", "slack:event:Ev1", true}, // a's reply failed: the redelivery to b is answered
		{"a", "claim", "slack:event:Ev1", false},
		{"a", "claim", "", true}, // no key: always new
		{"b", "claim", "", true},
	}
	for i, s := range steps {
		d := map[string]*Deduper{"a": a, "b": b}[s.who]
		if s.op == "release" {
			if err := d.Release(t.Context(), s.key); err != nil {
				t.Fatalf("step %d: Release: %v", i+1, err)
			}
			continue
		}
		if got := claim(t, d, s.key); got != s.want {
			t.Fatalf("step %d: %s claims %q = %v, want %v", i+1, s.who, s.key, got, s.want)
		}
	}
}

// TestClaimSetsTheTTL: a claim is SET with EX, under the prefix.
func TestClaimSetsTheTTL(t *testing.T) {
	srv := redistest.Start(t)
	d := mustNew(t, Config{URL: srv.URL(), TTL: 90 * time.Second})
	claim(t, d, "discord:interaction:1")
	rc := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rc.Close()
	ttl, err := rc.TTL(t.Context(), DefaultPrefix+"discord:interaction:1").Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 80*time.Second || ttl > 90*time.Second {
		t.Errorf("TTL %v, want about 90 s", ttl)
	}
}

// TestRedisDownFallsBackToMemory: with Redis gone, a claim is decided by
// this process's memory (a repeat is still dropped), no error reaches the
// adapter, and the hooks hear of it once; when Redis is back, claims go to
// it again and the hooks hear that too.
func TestRedisDownFallsBackToMemory(t *testing.T) {
	srv := redistest.Start(t)
	h := &hooks{}
	d := mustNew(t, h.config(srv.URL()))
	if !claim(t, d, "k1") {
		t.Fatal("k1 not new")
	}
	srv.Stop()

	if claim(t, d, "k1") {
		t.Error("k1, claimed before Redis went down, is new again")
	}
	if !claim(t, d, "k2") {
		t.Error("k2 is not new with Redis down")
	}
	if claim(t, d, "k2") {
		t.Error("k2 is new twice with Redis down: memory did not take over")
	}
	if err := d.Release(t.Context(), "k2"); err == nil {
		t.Error("Release with Redis down reported no error")
	}
	errs, status := h.snapshot()
	if len(errs) != 2 || errs[0] != "claim" || errs[1] != "release" {
		t.Errorf("errors reported for %v, want [claim release]", errs)
	}
	if len(status) != 1 || status[0] {
		t.Errorf("status changes %v, want one: down", status)
	}
}

// TestRedisBackAfterAnOutage: a Deduper that found Redis down reports it up
// again at the first call that succeeds.
func TestRedisBackAfterAnOutage(t *testing.T) {
	srv := redistest.Start(t)
	h := &hooks{}
	// A listener that accepts and closes at once plays a broken Redis.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	broken := mustNew(t, h.config("redis://"+ln.Addr().String()+"/0"))
	if err := broken.Ping(t.Context()); err == nil {
		t.Fatal("Ping of a broken server succeeded")
	}
	// The same hooks on a Deduper whose Redis works: down, then up.
	good := mustNew(t, h.config(srv.URL()))
	good.down.Store(true)
	if err := good.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, status := h.snapshot(); len(status) != 2 || status[0] || !status[1] {
		t.Errorf("status changes %v, want [false true]", status)
	}
}

// TestClaimIsBoundedByTheTimeout: a server that never answers costs one
// timeout, then memory decides.
func TestClaimIsBoundedByTheTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns sync.WaitGroup
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { <-stop; c.Close() }) // reads nothing, answers nothing
		}
	}()
	h := &hooks{}
	cfg := h.config("redis://" + ln.Addr().String() + "/0")
	cfg.Timeout = 50 * time.Millisecond
	d := mustNew(t, cfg)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	done := make(chan bool)
	go func() {
		ok, _ := d.Claim(ctx, "k")
		done <- ok
	}()
	select {
	case ok := <-done:
		if !ok {
			t.Error("claim of a new key with Redis silent = false")
		}
	case <-ctx.Done():
		t.Fatal("Claim did not return within 10 s with a 50 ms timeout")
	}
	if errs, _ := h.snapshot(); len(errs) != 1 {
		t.Errorf("errors reported: %v, want one claim", errs)
	}
}

// TestNewRefusesBadURLs: a URL that cannot work is refused, and the error
// never holds the password.
func TestNewRefusesBadURLs(t *testing.T) {
	const password = "s3cr3t-pa55word"
	for _, u := range []string{
		"",
		"localhost:6379",
		"http://user:" + password + "@localhost:6379/0",
		"redis://user:" + password + "@localhost:6379/zero",
		"redis://user:" + password + "@localhost:6379/0/1",
		"redis://user:" + password + "@[::1:6379/0",
		"redis://user:" + password + "@localhost:6379/0?dial_timeout=soon",
		"redis://:" + password + "@/0",
		"redis://user:" + password + "%zz@localhost/0",
	} {
		_, err := New(Config{URL: u})
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("New(%q) error = %v, want ErrBadURL", u, err)
			continue
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("the error for %q shows the password: %v", u, err)
		}
	}
	d, err := New(Config{URL: "redis://user:" + password + "@cache.internal:6380/3"})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Addr() != "cache.internal:6380" || d.DB() != 3 {
		t.Errorf("Addr %q DB %d, want cache.internal:6380 and 3", d.Addr(), d.DB())
	}
}

// TestRouteLibraryLogs: go-redis's own lines go to the logger given, at
// debug level, not to stderr.
func TestRouteLibraryLogs(t *testing.T) {
	records := make(recordHandler, 16)
	RouteLibraryLogs(slog.New(records))
	t.Cleanup(func() { RouteLibraryLogs(slog.New(slog.DiscardHandler)) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	d := mustNew(t, Config{URL: "redis://" + addr + "/0"})
	d.Ping(t.Context())
	select {
	case r := <-records:
		if r.Level != slog.LevelDebug || !strings.HasPrefix(r.Message, "go-redis: connection pool: failed to dial") {
			t.Errorf("logged %s %q, want go-redis's dial failure at debug level", r.Level, r.Message)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("go-redis's dial failure was not logged")
	}
}

// recordHandler is a slog.Handler that hands each record over, when there
// is room.
type recordHandler chan slog.Record

func (h recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h recordHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h recordHandler) WithGroup(string) slog.Handler            { return h }
func (h recordHandler) Handle(_ context.Context, r slog.Record) error {
	select {
	case h <- r:
	default:
	}
	return nil
}
