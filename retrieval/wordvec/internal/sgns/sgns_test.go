package sgns

import (
	"math"
	"slices"
	"testing"
)

// topics returns a corpus of two topics: words 0–9 occur only with each
// other, words 10–19 likewise. With withHeads, word 20 heads sentences of
// the first topic and word 21 of the second, and neither occurs in text.
func topics(withHeads bool) *Corpus {
	c := &Corpus{Counts: make([]int64, 22)}
	rng := splitmix(7)
	for s := range 400 {
		topic := int32(s % 2)
		start := int32(len(c.Tokens))
		heads := int32(0)
		if withHeads {
			c.Tokens = append(c.Tokens, 20+topic)
			heads = 1
		}
		for range 8 {
			c.Tokens = append(c.Tokens, topic*10+int32(rng.next()%10))
		}
		c.Sentences = append(c.Sentences, Sentence{Start: start, End: int32(len(c.Tokens)), Heads: heads})
	}
	for _, t := range c.Tokens {
		c.Counts[t]++
	}
	return c
}

var testParams = Params{Dim: 16, Window: 3, Negative: 3, Epochs: 10, Sample: 1, Alpha: 0.05, Seed: 1, HeadSpan: 10}

func cosine(v []float32, dim int, a, b int) float64 {
	var ab, aa, bb float64
	for i := range dim {
		x, y := float64(v[a*dim+i]), float64(v[b*dim+i])
		ab += x * y
		aa += x * x
		bb += y * y
	}
	return ab / math.Sqrt(aa*bb)
}

// meanCosine returns the mean cosine between word a and the words in
// [lo, hi) other than a.
func meanCosine(v []float32, dim, a, lo, hi int) float64 {
	var sum float64
	n := 0
	for b := lo; b < hi; b++ {
		if b != a {
			sum += cosine(v, dim, a, b)
			n++
		}
	}
	return sum / float64(n)
}

func TestTrainSeparatesTopics(t *testing.T) {
	v, err := Train(topics(false), testParams, nil)
	if err != nil {
		t.Fatal(err)
	}
	for a := range 20 {
		own, other := meanCosine(v, 16, a, 0, 10), meanCosine(v, 16, a, 10, 20)
		if a >= 10 {
			own, other = other, own
		}
		if own < other+0.3 {
			t.Errorf("word %d: mean cosine %.2f with its topic, %.2f with the other; want a margin of 0.3", a, own, other)
		}
	}
}

func TestTrainHeadsLearnFromText(t *testing.T) {
	v, err := Train(topics(true), testParams, nil)
	if err != nil {
		t.Fatal(err)
	}
	for h, topic := range map[int]int{20: 0, 21: 1} {
		own, other := meanCosine(v, 16, h, topic*10, topic*10+10), meanCosine(v, 16, h, 10-topic*10, 20-topic*10)
		if own < other+0.3 {
			t.Errorf("headword %d: mean cosine %.2f with the words of its definitions, %.2f with the others; want a margin of 0.3", h, own, other)
		}
	}
}

func TestTrainDeterministic(t *testing.T) {
	epochs := 0
	a, err := Train(topics(true), testParams, func(e int) { epochs = e })
	if err != nil {
		t.Fatal(err)
	}
	if epochs != testParams.Epochs {
		t.Errorf("progress saw %d epochs, want %d", epochs, testParams.Epochs)
	}
	b, _ := Train(topics(true), testParams, nil)
	if !slices.Equal(a, b) {
		t.Error("two runs with the same seed differ")
	}
	p := testParams
	p.Seed++
	c, _ := Train(topics(true), p, nil)
	if slices.Equal(a, c) {
		t.Error("runs with different seeds are equal")
	}
}

func TestTrainRejects(t *testing.T) {
	bad := testParams
	bad.Dim = 0
	if _, err := Train(topics(false), bad, nil); err == nil {
		t.Error("Dim 0: Train succeeded, want an error")
	}
	c := topics(false)
	c.Tokens[0] = 99
	if _, err := Train(c, testParams, nil); err == nil {
		t.Error("token id out of range: Train succeeded, want an error")
	}
	c = topics(false)
	c.Sentences[0].End = int32(len(c.Tokens) + 1)
	if _, err := Train(c, testParams, nil); err == nil {
		t.Error("sentence past the end: Train succeeded, want an error")
	}
}

func TestSubsampling(t *testing.T) {
	// Word 0 is 99% of the corpus, word 1 the rest: with Sample 0.01 word 0
	// is kept with probability (sqrt(0.99/0.01)+1)·0.01/0.99 ≈ 0.11 and
	// word 1 always.
	c := &Corpus{Counts: []int64{990, 10}}
	tr := newTrainer(c, Params{Dim: 2, Window: 1, Negative: 1, Epochs: 1, Sample: 0.01, Alpha: 0.025})
	if got, want := float64(tr.keep[0])/(1<<32), (math.Sqrt(99)+1)*0.01/0.99; math.Abs(got-want) > 1e-6 {
		t.Errorf("keep probability of the frequent word = %v, want %v", got, want)
	}
	if tr.keep[1] != 1<<32-1 {
		t.Errorf("keep threshold of the rare word = %d, want always", tr.keep[1])
	}
}

func TestNoiseDistribution(t *testing.T) {
	// count^0.75 of 1, 16, 81 and 0 is 1, 8, 27 and 0: probabilities 1/36,
	// 8/36, 27/36 and 0.
	tr := &trainer{noiseT: noiseTable([]int64{1, 16, 81, 0}), rng: 3}
	const n = 360000
	var seen [4]int
	for range n {
		seen[tr.noise()]++
	}
	for i, want := range []float64{1.0 / 36, 8.0 / 36, 27.0 / 36, 0} {
		if got := float64(seen[i]) / n; math.Abs(got-want) > 0.005 {
			t.Errorf("word %d drawn with frequency %.4f, want %.4f", i, got, want)
		}
	}
}

func TestExp(t *testing.T) {
	for x := -6.0; x <= 6; x += 0.01 {
		if got, want := exp(x), math.Exp(x); math.Abs(got-want) > 1e-12*want {
			t.Fatalf("exp(%v) = %v, want %v", x, got, want)
		}
	}
}

func TestSigmoidTable(t *testing.T) {
	tr := &trainer{}
	fillSigmoid(&tr.sigmoidT)
	for _, x := range []float32{-7, -3, -0.5, 0, 0.5, 3, 5.9999995, 7} {
		want := 1 / (1 + math.Exp(-float64(x)))
		if got := float64(tr.sigmoid(x)); math.Abs(got-want) > 0.01 {
			t.Errorf("sigmoid(%v) = %v, want %v", x, got, want)
		}
	}
}
