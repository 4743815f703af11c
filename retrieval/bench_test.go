package retrieval

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/quotebot/quotebot/corpus"
	"github.com/quotebot/quotebot/internal/synth"
	"github.com/quotebot/quotebot/retrieval/colid"
)

func BenchmarkEmbedPassage(b *testing.B) {
	docs := mustSeed(b)
	text := docs[0].Passages[6].Text
	l := NewLocal()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Embed(ctx, text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAskSeed(b *testing.B) {
	e := mustIndex(b, mustSeed(b), Config{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		a, err := e.Answer(ctx, "what did they say about fisheries?", 3)
		if err != nil || !a.Found {
			b.Fatalf("answer: %v %+v", err, a)
		}
	}
}

// synthetic is a corpus of n passages of realistic length (see
// internal/synth), built once per size.
var synthetic = struct {
	sync.Mutex
	engines map[int]*Engine
}{engines: map[int]*Engine{}}

func syntheticEngine(b *testing.B, n int) *Engine {
	b.Helper()
	synthetic.Lock()
	defer synthetic.Unlock()
	if e, ok := synthetic.engines[n]; ok {
		return e
	}
	e := mustIndex(b, []corpus.Document{syntheticDoc(b, n)}, Config{})
	synthetic.engines[n] = e
	return e
}

// syntheticDoc is one document of n synthetic paragraphs.
func syntheticDoc(b *testing.B, n int) corpus.Document {
	b.Helper()
	vocab, err := synth.Vocabulary("..")
	if err != nil {
		b.Fatal(err)
	}
	paras := synth.Paragraphs(n, vocab)
	doc, err := corpus.Parse("synthetic.txt", []byte("Title: Synthetic\n\n"+strings.Join(paras, "\n")), corpus.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

const benchQuestion = "what did they say about plastic pollution in the Pacific?"

// BenchmarkQuery measures one question over 10,000 and 100,000 synthetic
// passages: the whole hybrid Answer, chromem-go's dense query alone, and
// the baseline, a plain brute-force dot-product scan over the same vectors.
func BenchmarkQuery(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		e := syntheticEngine(b, n)
		ctx := context.Background()
		qv, err := e.emb.Embed(ctx, NormalizeQuestion(benchQuestion))
		if err != nil {
			b.Fatal(err)
		}
		vecs := make([][]float32, e.Len())
		for i, id := range colid.IDs(e.Len()) {
			d, err := e.col.GetByID(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			vecs[i] = d.Embedding
		}
		b.Run(fmt.Sprintf("n=%d/answer", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Answer(ctx, benchQuestion, 3); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/chromem", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.col.QueryEmbedding(ctx, qv, candidates, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/bruteforce", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bruteForceTop(vecs, qv, candidates)
			}
		})
		b.Run(fmt.Sprintf("n=%d/scan2x4", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				scan2x4(vecs, qv)
			}
		})
	}
}

// scan2x4 is the memory-bandwidth yardstick of issue 8: every vector's dot
// product with q, on two goroutines with four accumulators each, without
// keeping a top list. It returns the best score so the work is not elided.
func scan2x4(vecs [][]float32, q []float32) float32 {
	var best [2]float32
	var wg sync.WaitGroup
	half := len(vecs) / 2
	for g, part := range [][][]float32{vecs[:half], vecs[half:]} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			top := float32(-2)
			for _, v := range part {
				var a0, a1, a2, a3 float32
				j := 0
				for ; j+4 <= len(v); j += 4 {
					a0 += v[j] * q[j]
					a1 += v[j+1] * q[j+1]
					a2 += v[j+2] * q[j+2]
					a3 += v[j+3] * q[j+3]
				}
				for ; j < len(v); j++ {
					a0 += v[j] * q[j]
				}
				top = max(top, a0+a1+a2+a3)
			}
			best[g] = top
		}()
	}
	wg.Wait()
	return max(best[0], best[1])
}

// bruteForceTop is the baseline: score every vector by dot product and keep
// the k best with a simple insertion list.
func bruteForceTop(vecs [][]float32, q []float32, k int) []int {
	type scored struct {
		i int
		s float32
	}
	top := make([]scored, 0, k+1)
	for i, v := range vecs {
		var s float32
		for j := range v {
			s += v[j] * q[j]
		}
		if len(top) == k && s <= top[k-1].s {
			continue
		}
		pos := sort.Search(len(top), func(x int) bool { return top[x].s < s })
		top = append(top, scored{})
		copy(top[pos+1:], top[pos:])
		top[pos] = scored{i, s}
		if len(top) > k {
			top = top[:k]
		}
	}
	out := make([]int, len(top))
	for i, t := range top {
		out[i] = t.i
	}
	return out
}

// BenchmarkBuild builds a persistent index of 10,000 synthetic passages
// from nothing: analysis, embedding with the built-in embedder, writing.
func BenchmarkBuild(b *testing.B) {
	docs := []corpus.Document{syntheticDoc(b, 10_000)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		st, err := Build(ctx, Docs(docs), Config{Path: filepath.Join(b.TempDir(), "index")})
		if err != nil || st.Embedded != 10_000 {
			b.Fatalf("build: %+v %v", st, err)
		}
	}
	b.ReportMetric(float64(b.N)*10_000/b.Elapsed().Seconds(), "passages/s")
}

// BenchmarkLoad opens an up-to-date persistent index of 10,000 and 100,000
// synthetic passages, as ask and serve do when the documents have not
// changed.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		src := Docs([]corpus.Document{syntheticDoc(b, n)})
		src.Load = func() (corpus.Result, error) { return corpus.Result{}, errors.New("loaded the documents") }
		dir := filepath.Join(b.TempDir(), "index")
		if _, err := Build(context.Background(), Docs([]corpus.Document{syntheticDoc(b, n)}), Config{Path: dir}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e, err := OpenSource(context.Background(), src, Config{Path: dir})
				if err != nil || !e.Stats().Loaded {
					b.Fatalf("open: %v", err)
				}
			}
		})
	}
}
