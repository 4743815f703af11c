package retrieval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// worstQuestions are the most expensive questions of n runes we could
// construct for the analysis of a question: each stresses one per-word step
// (spelling correction, stemming and lemmas, tokenizing, acronyms, names,
// numbered references). They are deterministic.
func worstQuestions(n int) []struct{ name, q string } {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	letters := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	fill := func(piece func() string) string {
		var b strings.Builder
		runes := 0
		for {
			p := piece()
			k := len([]rune(p))
			if runes+k > n {
				break
			}
			b.WriteString(p)
			runes += k
		}
		return b.String()
	}
	uni := []rune("éøßçñþðæœąęłżšžčřőűάέήίωπσλжщфыэюяبتثجحخ日本語中文한국어ไทยअआइ")
	punct := []rune(".'’-¶§<>@!&#:_|*~`/\\\"()[]{}?,;")
	caps := []string{"Office", "Management", "Budget", "Federal", "Aviation", "Administration", "Environmental", "Protection", "Agency"}
	refs := []string{"article", "section", "sec.", "paragraph", "item", "part", "chapter"}
	return []struct{ name, q string }{
		{"one-long-unknown-word", letters(n)},
		{"unknown-words-of-9", fill(func() string { return letters(9) + " " })},
		{"unknown-words-of-20", fill(func() string { return letters(20) + " " })},
		{"unknown-words-of-40", fill(func() string { return letters(40) + " " })},
		{"one-word-repeated", fill(func() string { return "infrastuctrue " })},
		{"near-misses-repeated", fill(func() string {
			return []string{"fisheris ", "infrastucture ", "agricultre ", "contianer "}[rng.IntN(4)]
		})},
		{"unicode-words", fill(func() string {
			w := make([]rune, 3+rng.IntN(12))
			for i := range w {
				w[i] = uni[rng.IntN(len(uni))]
			}
			return string(w) + " "
		})},
		{"one-long-unicode-word", fill(func() string { return string(uni[rng.IntN(len(uni))]) })},
		{"punctuation-soup", fill(func() string {
			if rng.IntN(2) == 0 {
				return string(punct[rng.IntN(len(punct))])
			}
			return letters(1 + rng.IntN(3))
		})},
		{"dotted-acronym", fill(func() string { return letters(1) + "." })},
		{"apostrophes", fill(func() string { return letters(1) + "'" })},
		{"capitalized-names", fill(func() string {
			return caps[rng.IntN(len(caps))] + []string{" ", " of ", " and ", "-", " & "}[rng.IntN(5)]
		})},
		{"numbered-refs", fill(func() string { return fmt.Sprintf("%s %d ", refs[rng.IntN(len(refs))], 1+rng.IntN(999)) })},
		{"chat-markup", fill(func() string {
			return fmt.Sprintf("<@U%d> <#C%d|x> <https://x.y/%s|%s> ", rng.IntN(1e6), rng.IntN(1e6), letters(5), letters(5))
		})},
	}
}

// worstCase is one worst question with the function that answers it:
// Answer within MaxQuestionLen, and beyond it the analysis Answer guards
// (answer), to show the per-word bounds hold on their own.
type worstCase struct {
	name   string // "within/…" or "beyond/…"
	q      string
	answer func(ctx context.Context, q string, top int) (Answer, error)
}

// worstCases are the worst questions of MaxQuestionLen characters and of
// eight times as many, for e.
func worstCases(e *Engine) []worstCase {
	var out []worstCase
	for _, size := range []struct {
		name   string
		runes  int
		answer func(ctx context.Context, q string, top int) (Answer, error)
	}{{"within", MaxQuestionLen, e.Answer}, {"beyond", 8 * MaxQuestionLen, func(ctx context.Context, q string, top int) (Answer, error) {
		a, _, err := e.answer(ctx, q, top)
		return a, err
	}}} {
		for _, wq := range worstQuestions(size.runes) {
			out = append(out, worstCase{size.name + "/" + wq.name, wq.q, size.answer})
		}
	}
	return out
}

// BenchmarkWorstQuestion answers each worst question over the built-in
// statement, within MaxQuestionLen and at eight times it.
func BenchmarkWorstQuestion(b *testing.B) {
	e := mustIndex(b, mustSeed(b), Config{})
	ctx := context.Background()
	for _, wc := range worstCases(e) {
		b.Run(wc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := wc.answer(ctx, wc.q, 3); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
