package retrieval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/quotebot/quotebot/corpus"
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

// synthetic is a corpus of n passages of realistic length (40–120 words,
// 2–5 sentences) drawn with a Zipf distribution from the words of the
// repository's documents, built once per size.
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
	vocab := benchVocabulary(b)
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	zipf := rand.NewZipf(rand.New(rand.NewPCG(2, uint64(n))), 1.1, 2, uint64(len(vocab)-1))
	paras := make([]string, n)
	for i := range paras {
		var sb strings.Builder
		for s := 0; s < 2+rng.IntN(4); s++ {
			words := 12 + rng.IntN(20)
			for w := 0; w < words; w++ {
				word := vocab[zipf.Uint64()]
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				}
				sb.WriteString(word)
				if w < words-1 {
					sb.WriteByte(' ')
				}
			}
			sb.WriteString(". ")
		}
		paras[i] = strings.TrimSpace(sb.String())
	}
	doc, err := corpus.Parse("synthetic.txt", []byte("Title: Synthetic\n\n"+strings.Join(paras, "\n")), corpus.Options{})
	if err != nil {
		b.Fatal(err)
	}
	e := mustIndex(b, []corpus.Document{doc}, Config{})
	synthetic.engines[n] = e
	return e
}

// benchVocabulary is every word of the repository's documents, most
// frequent first.
func benchVocabulary(b *testing.B) []string {
	b.Helper()
	count := map[string]int{}
	for _, name := range []string{"../corpus/seed/china-peru-statement.txt", "../testdata/docs/plastic-pollution/plastic-pollution-strategy.txt", "../testdata/docs/us-new-zealand/us-new-zealand-joint-statement.txt"} {
		data, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range tokenize(string(data)) {
			count[t.word]++
		}
	}
	vocab := make([]string, 0, len(count))
	for w := range count {
		vocab = append(vocab, w)
	}
	sort.Slice(vocab, func(i, j int) bool {
		if count[vocab[i]] != count[vocab[j]] {
			return count[vocab[i]] > count[vocab[j]]
		}
		return vocab[i] < vocab[j]
	})
	return vocab
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
		vecs := make([][]float32, len(e.passages))
		for i, p := range e.passages {
			d, err := e.col.GetByID(ctx, p.ID)
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
	}
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
