package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quotebot/quotebot/retrieval"
)

// fakeTerminal is a writer that says it is a terminal.
type fakeTerminal struct{ bytes.Buffer }

func (*fakeTerminal) IsTerminal() bool { return true }

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock               { return &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)} }
func analyze(done, total int) retrieval.Progress {
	return retrieval.Progress{Stage: retrieval.StageAnalyze, Done: done, Total: total}
}
func embed(done, total int) retrieval.Progress {
	return retrieval.Progress{Stage: retrieval.StageEmbed, Done: done, Total: total}
}

// TestProgressTerminal: on a terminal, one line rewritten in place with
// the count, the rate and the time left, erased at the end.
func TestProgressTerminal(t *testing.T) {
	var term fakeTerminal
	clock := newFakeClock()
	p := newProgressPrinter(&term, false)
	p.now = clock.now
	p.update(analyze(0, 1000))
	clock.advance(time.Second)
	p.update(analyze(1000, 1000))
	p.update(embed(0, 100))
	clock.advance(2 * time.Second)
	p.update(embed(50, 100))
	out := term.String()
	if strings.Contains(out, "\n") {
		t.Errorf("a terminal line ended in a new line: %q", out)
	}
	updates := strings.Split(out, "\r")[1:]
	if len(updates) != 4 {
		t.Fatalf("%d updates, want 4: %q", len(updates), out)
	}
	for i, want := range []string{"analyzing 0/1,000 passages\x1b[K", "analyzing 1,000 passages in 1s\x1b[K",
		"embedding 0/100 passages\x1b[K", "embedding 50/100 passages · 25/s · 2s left\x1b[K"} {
		if updates[i] != want {
			t.Errorf("update %d = %q, want %q", i, updates[i], want)
		}
	}
	p.finish()
	if !strings.HasSuffix(term.String(), "\r\x1b[K") {
		t.Errorf("finish left the line on screen: %q", term.String())
	}
}

// TestProgressLog: elsewhere, a line every progressLogEvery of the build
// and one when a stage it wrote about ends; a build shorter than that
// writes nothing.
func TestProgressLog(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	p := newProgressPrinter(&buf, false)
	p.now, p.every = clock.now, 10*time.Second
	p.update(analyze(0, 100))
	clock.advance(3 * time.Second)
	p.update(analyze(100, 100))
	if buf.Len() != 0 {
		t.Fatalf("a short stage wrote %q", buf.String())
	}
	p.update(embed(0, 4000))
	for i := 1; i <= 40; i++ {
		clock.advance(time.Second)
		p.update(embed(i*100, 4000))
	}
	p.finish()
	// The build started 3 s before the embedding.
	want := "embedding 700/4,000 passages · 100/s · 33s left\n" +
		"embedding 1,700/4,000 passages · 100/s · 23s left\n" +
		"embedding 2,700/4,000 passages · 100/s · 13s left\n" +
		"embedding 3,700/4,000 passages · 100/s · 3s left\n" +
		"embedding 4,000 passages in 40s\n"
	if buf.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestProgressLogger: serve logs the same lines through its logger.
func TestProgressLogger(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	p := newProgressLogger(slog.New(slog.NewTextHandler(&buf, nil)))
	p.now, p.every = clock.now, time.Second
	p.update(embed(0, 30))
	clock.advance(time.Second)
	p.update(embed(10, 30))
	clock.advance(2 * time.Second)
	p.update(embed(30, 30))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("logged %d lines, want 2:\n%s", len(lines), buf.String())
	}
	for i, want := range []string{"stage=embed done=10 total=30 per_second=10 left=2s", "stage=embed done=30 total=30"} {
		if !strings.Contains(lines[i], `msg="building the index"`) || !strings.Contains(lines[i], want) {
			t.Errorf("line %d = %s, want %s", i, lines[i], want)
		}
	}
	if p := newProgressPrinter(&buf, true); p != nil || p.callback() != nil {
		t.Error("a quiet printer shows progress")
	}
	var nilPrinter *progressPrinter
	nilPrinter.finish()
}

// TestIndexProgress: index and ask show progress on a terminal while they
// build, nothing with --quiet, and nothing when the index is up to date.
func TestIndexProgress(t *testing.T) {
	for _, tt := range []struct {
		name  string
		args  []string
		build bool // the index is built first by another run
		want  bool
	}{
		{"index", []string{"index"}, false, true},
		{"index --quiet", []string{"index", "--quiet"}, false, false},
		{"index, up to date", []string{"index"}, true, false},
		{"ask", []string{"ask", "fisheries?"}, false, true},
		{"ask --quiet", []string{"ask", "--quiet", "fisheries?"}, false, false},
		{"ask, index built", []string{"ask", "fisheries?"}, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"QUOTEBOT_DB": filepath.Join(t.TempDir(), "index")}
			getenv := func(k string) string { return env[k] }
			var out bytes.Buffer
			if tt.build {
				if code := run(context.Background(), []string{"index"}, strings.NewReader(""), &out, &out, getenv); code != 0 {
					t.Fatalf("index: exit %d: %s", code, out.String())
				}
			}
			var errOut fakeTerminal
			out.Reset()
			if code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errOut, getenv); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			got := errOut.String()
			if shown := strings.Contains(got, "\rembedding ") && strings.Contains(got, "passages"); shown != tt.want {
				t.Errorf("stderr %q: progress shown %v, want %v", got, shown, tt.want)
			}
			if tt.want && !strings.HasSuffix(got, "\r\x1b[K") {
				t.Errorf("stderr %q does not end with the progress line erased", got)
			}
			if !tt.want && got != "" {
				t.Errorf("stderr %q, want nothing", got)
			}
		})
	}
}
