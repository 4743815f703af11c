package retrieval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// mustQuery analyzes a normalized question.
func mustQuery(tb testing.TB, e *Engine, text string) query {
	tb.Helper()
	q, err := e.newQuery(context.Background(), text, false)
	if err != nil {
		tb.Fatalf("newQuery(%.40q): %v", text, err)
	}
	return q
}

func TestCheckQuestion(t *testing.T) {
	tests := []struct {
		name    string
		q       string
		tooLong bool
	}{
		{"empty", "", false},
		{"at the limit", strings.Repeat("a", MaxQuestionLen), false},
		{"over the limit", strings.Repeat("a", MaxQuestionLen+1), true},
		{"multi-byte characters at the limit", strings.Repeat("漁", MaxQuestionLen), false},
		{"multi-byte characters over the limit", strings.Repeat("é", MaxQuestionLen+1), true},
		{"white space around does not count", "  \n" + strings.Repeat("a", MaxQuestionLen) + " \t\n", false},
		{"white space inside counts", strings.Repeat("a ", MaxQuestionLen/2) + "a", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckQuestion(tt.q)
			if got := errors.Is(err, ErrQuestionTooLong); got != tt.tooLong {
				t.Fatalf("CheckQuestion: %v, want too long = %v", err, tt.tooLong)
			}
		})
	}
}

// TestErrQuestionTooLongNamesTheLimit keeps the sentinel's text in step
// with the constant.
func TestErrQuestionTooLongNamesTheLimit(t *testing.T) {
	want := fmt.Sprintf("%d,%03d characters", MaxQuestionLen/1000, MaxQuestionLen%1000)
	if !strings.Contains(ErrQuestionTooLong.Error(), want) {
		t.Fatalf("ErrQuestionTooLong = %q, want it to say %q", ErrQuestionTooLong, want)
	}
}

func TestAnswerRefusesLongQuestions(t *testing.T) {
	emb := newFake("fake", 16)
	e := mustIndex(t, mustSeed(t), Config{Embedder: emb})
	emb.calls.Store(0)
	q := "what did they say about fisheries? " + strings.Repeat("x", MaxQuestionLen)
	_, err := e.Answer(context.Background(), q, 3)
	if !errors.Is(err, ErrQuestionTooLong) {
		t.Fatalf("Answer: %v, want ErrQuestionTooLong", err)
	}
	if n := emb.calls.Load(); n != 0 {
		t.Errorf("the embedder was called %d times for a refused question", n)
	}
	// At the limit the question is answered.
	a, err := e.Answer(context.Background(), ("fisheries " + strings.Repeat("fish ", MaxQuestionLen))[:MaxQuestionLen], 3)
	if err != nil || !a.Found {
		t.Fatalf("a question of %d characters: %v, found %v", MaxQuestionLen, err, a.Found)
	}
}

// countdownContext is a context that ends when its Err has been asked more
// than n times: it stands for an asker who goes away while the question is
// being analysed.
type countdownContext struct {
	context.Context
	left atomic.Int64
	done chan struct{}
	once sync.Once
}

func newCountdown(n int64) *countdownContext {
	c := &countdownContext{Context: context.Background(), done: make(chan struct{})}
	c.left.Store(n)
	return c
}

func (c *countdownContext) Err() error {
	if c.left.Add(-1) < 0 {
		c.once.Do(func() { close(c.done) })
		return context.Canceled
	}
	return nil
}

func (c *countdownContext) Done() <-chan struct{} { return c.done }

// TestAnswerStopsWhenTheContextEnds: a context that ends before or while
// the question is analysed (spelling correction included) stops Answer
// with the context's error, before the question is embedded.
func TestAnswerStopsWhenTheContextEnds(t *testing.T) {
	emb := newFake("fake", 16)
	e := mustIndex(t, mustSeed(t), Config{Embedder: emb})
	// One unknown word of maxCorrectLen letters: its spelling correction
	// looks up 53n+25 variants.
	q := "what about qwertyuiopasdfghjklzxcvbn"[:len("what about ")+maxCorrectLen] + "?"
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
	}{
		{"cancelled before", cancelled},
		{"ends at the first look", newCountdown(0)},
		{"ends at the second look", newCountdown(1)},
		{"ends inside spelling correction", newCountdown(2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emb.calls.Store(0)
			_, err := e.Answer(tt.ctx, q, 3)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Answer: %v, want context.Canceled", err)
			}
			if n := emb.calls.Load(); n != 0 {
				t.Errorf("the question was embedded (%d calls) after its context ended", n)
			}
		})
	}
	// With a context that stays, the same question is answered.
	if _, err := e.Answer(newCountdown(1<<30), q, 3); err != nil {
		t.Fatalf("Answer: %v", err)
	}
}

// bytesAllocated is how many bytes fn allocates.
func bytesAllocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// maxWorstBytes bounds what the worst question may allocate; before the
// analysis was bounded, a question of one 1,000-letter word took 58 MB and
// one of 8,000 letters 3.5 GB.
const maxWorstBytes = 16 << 20

// TestWorstQuestionsAreBounded answers each of the worst questions of
// BenchmarkWorstQuestion, at the limit through Answer and at eight times
// the limit through the analysis Answer guards, and checks what each
// allocates.
func TestWorstQuestionsAreBounded(t *testing.T) {
	e := mustIndex(t, mustSeed(t), Config{})
	ctx := context.Background()
	for _, wc := range worstCases(e) {
		t.Run(wc.name, func(t *testing.T) {
			var err error
			n := bytesAllocated(func() { _, err = wc.answer(ctx, wc.q, 3) })
			if err != nil {
				t.Fatal(err)
			}
			if n > maxWorstBytes {
				t.Errorf("answering allocated %d MB, want at most %d MB", n>>20, maxWorstBytes>>20)
			}
		})
	}
}

// TestSpellerBounds: words longer than maxCorrectLen are left as typed, and
// a question has at most maxCorrections words corrected.
func TestSpellerBounds(t *testing.T) {
	long := "abcdefghijklmnopqrstuvwxy"[:maxCorrectLen+1]
	words := []string{"infrastructure", "agriculture", "container", "terminal", "ministers", "harbour", "authority", "expand", "cooperation"}
	e := mustIndex(t, mustDocs(t, map[string]string{"d.txt": strings.Join(words, " ") + " " + long + ".\n"}), Config{})
	sp := e.newSpeller(context.Background())
	typo := long[:len(long)-1] + "z"
	if got, ok, err := sp.correct(typo, e.an.info(typo).forms); ok || err != nil {
		t.Errorf("correct(%q) = %q, %v, %v: a word of %d letters is left as typed", typo, got, ok, err, len(typo))
	}
	if maxCorrections >= len(words) {
		t.Fatalf("the test needs more than %d words", maxCorrections)
	}
	for i, w := range words {
		typo := w[:3] + "q" + w[3:] // an insertion
		got, ok, err := sp.correct(typo, e.an.info(typo).forms)
		if err != nil {
			t.Fatal(err)
		}
		if want := i < maxCorrections; ok != want {
			t.Errorf("correction %d: correct(%q) = %q, %v; want corrected: %v", i+1, typo, got, ok, want)
		}
	}
}

// TestAnalyzerCachesShortWordsOnly: a word longer than maxCachedWordLen is
// analysed each time, so made-up long words cannot fill the cache.
func TestAnalyzerCachesShortWordsOnly(t *testing.T) {
	a := newAnalyzer()
	long := strings.Repeat("x", maxCachedWordLen+1)
	a.info(long)
	a.info("fisheries")
	if _, ok := a.cache[long]; ok {
		t.Errorf("a word of %d bytes was cached", len(long))
	}
	if _, ok := a.cache["fisheries"]; !ok {
		t.Error("a short word was not cached")
	}
}
