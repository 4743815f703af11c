// Package sgns trains word vectors by skip-gram with negative sampling
// (Mikolov et al. 2013, as in word2vec): subsampling of frequent words, a
// unigram^0.75 noise distribution and a learning rate that decays linearly
// to zero. Training runs in one goroutine with a fixed-seed generator and
// explicit float32 rounding (which forbids fused multiply-adds), so the
// same corpus and parameters give the same vectors bit for bit.
//
// Besides the usual window, a sentence can start with headwords that see
// its whole text: a dictionary headword is paired with every word of its
// definition, and the headwords of one entry with each other, so a word
// learns from what defines it and not only from its neighbours.
package sgns

import (
	"fmt"
	"slices"
)

// Params are the training parameters.
type Params struct {
	Dim      int     // vector dimension
	Window   int     // maximum distance between a word and its context; each position draws a window from 1 to Window
	Negative int     // noise words per positive pair
	Epochs   int     // passes over the corpus
	Sample   float64 // subsampling threshold: a word of frequency f is kept with probability (sqrt(f/Sample)+1)·Sample/f
	Alpha    float64 // initial learning rate, decayed linearly to Alpha·MinAlphaRatio
	Seed     uint64  // generator seed
	// HeadSpan is how many kept words of a sentence's text each headword
	// is paired with, from its start.
	HeadSpan int
}

// MinAlphaRatio is the floor of the learning rate relative to Alpha, as in
// word2vec.
const MinAlphaRatio = 1e-4

// Sentence is a span of Corpus.Tokens: Heads headwords, then text.
type Sentence struct {
	Start, End int32 // Tokens[Start:End]
	Heads      int32 // the first Heads tokens are headwords
}

// Corpus is the training text as word ids.
type Corpus struct {
	Counts    []int64 // occurrences of each word id; len is the vocabulary size
	Tokens    []int32 // word ids
	Sentences []Sentence
}

func (c *Corpus) check() error {
	for _, s := range c.Sentences {
		if s.Start < 0 || s.Start > s.End || int(s.End) > len(c.Tokens) || s.Heads < 0 || s.Heads > s.End-s.Start {
			return fmt.Errorf("sgns: sentence %+v out of range", s)
		}
	}
	for _, t := range c.Tokens {
		if t < 0 || int(t) >= len(c.Counts) || c.Counts[t] <= 0 {
			return fmt.Errorf("sgns: token id %d has no count", t)
		}
	}
	return nil
}

// Train returns the input vectors of every word, word i at [i*Dim:(i+1)*Dim].
// It visits the sentences in one fixed pseudo-random order, the same in
// every epoch, so that neighbouring sentences come from different sources.
// progress, if not nil, is called after each epoch with the epoch number
// counted from 1.
func Train(c *Corpus, p Params, progress func(epoch int)) ([]float32, error) {
	if p.Dim <= 0 || p.Window <= 0 || p.Negative < 0 || p.Epochs <= 0 || p.Sample <= 0 || p.Alpha <= 0 || p.HeadSpan < 0 {
		return nil, fmt.Errorf("sgns: bad parameters %+v", p)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	t := newTrainer(c, p)
	order := slices.Clone(c.Sentences)
	for i := len(order) - 1; i > 0; i-- { // Fisher–Yates, once: mix the sources
		j := int(t.rng.next() % uint64(i+1))
		order[i], order[j] = order[j], order[i]
	}
	for e := 1; e <= p.Epochs; e++ {
		for _, s := range order {
			t.sentence(c.Tokens[s.Start:s.End], int(s.Heads))
		}
		if progress != nil {
			progress(e)
		}
	}
	return t.in, nil
}

type trainer struct {
	p        Params
	dim      int
	in, out  []float32 // input and output vectors
	keep     []uint32  // per word: kept if rng's 32 bits < keep (1<<32-1 keeps always)
	noiseT   []aliasEntry
	rng      splitmix
	total    float64 // tokens to process over all epochs
	done     float64 // tokens processed
	alpha    float32
	kept     []int32 // reused: kept text tokens of the current sentence
	grad     []float32
	sigmoidT [sigmoidSize]float32
}

func newTrainer(c *Corpus, p Params) *trainer {
	n := len(c.Counts)
	t := &trainer{
		p:     p,
		dim:   p.Dim,
		in:    make([]float32, n*p.Dim),
		out:   make([]float32, n*p.Dim),
		keep:  make([]uint32, n),
		rng:   splitmix(p.Seed),
		total: float64(p.Epochs) * float64(len(c.Tokens)),
		alpha: float32(p.Alpha),
		grad:  make([]float32, p.Dim),
	}
	// Input vectors start uniform in [-0.5, 0.5)/dim, as in word2vec.
	for i := range t.in {
		u := float32(t.rng.next()>>40) / (1 << 24)
		t.in[i] = (u - 0.5) / float32(p.Dim)
	}
	var sum int64
	for _, k := range c.Counts {
		sum += k
	}
	for i, k := range c.Counts {
		f := float64(k) / float64(sum)
		r := p.Sample / f
		prob := (sqrt(1/r) + 1) * r // sqrt(f/Sample)+1)·Sample/f
		if prob >= 1 {
			t.keep[i] = 1<<32 - 1
		} else {
			t.keep[i] = uint32(prob * (1 << 32))
		}
	}
	t.noiseT = noiseTable(c.Counts)
	fillSigmoid(&t.sigmoidT)
	return t
}

// sentence trains on one sentence: heads, then text.
func (t *trainer) sentence(toks []int32, heads int) {
	t.alpha = float32(max(t.p.Alpha*(1-t.done/t.total), t.p.Alpha*MinAlphaRatio))
	t.done += float64(len(toks))
	hs, text := toks[:heads], toks[heads:]
	t.kept = t.kept[:0]
	for _, w := range text {
		if t.keep[w] == 1<<32-1 || uint32(t.rng.next()>>32) < t.keep[w] {
			t.kept = append(t.kept, w)
		}
	}
	kept := t.kept
	for i, w := range kept {
		b := int(t.rng.next() % uint64(t.p.Window)) // shrink the window by b, as word2vec does
		lo, hi := max(0, i-t.p.Window+b), min(len(kept)-1, i+t.p.Window-b)
		for j := lo; j <= hi; j++ {
			if j != i {
				t.pair(w, kept[j])
			}
		}
	}
	span := kept[:min(len(kept), t.p.HeadSpan)]
	for i, h := range hs {
		for _, w := range span {
			t.pair(h, w)
			t.pair(w, h)
		}
		for j, g := range hs {
			if j != i {
				t.pair(h, g)
			}
		}
	}
}

// pair takes one gradient step for word w seen in the context of ctx: the
// input vector of ctx should predict the output vector of w and not those
// of Negative noise words.
func (t *trainer) pair(w, ctx int32) {
	dim := t.dim
	l1 := t.in[int(ctx)*dim : int(ctx)*dim+dim]
	grad := t.grad[:dim]
	clear(grad)
	for d := 0; d <= t.p.Negative; d++ {
		target, label := w, float32(1)
		if d > 0 {
			target = t.noise()
			if target == w {
				continue
			}
			label = 0
		}
		l2 := t.out[int(target)*dim : int(target)*dim+dim]
		g := (label - t.sigmoid(dot(l1, l2))) * t.alpha
		step(grad, l2, l1, g)
	}
	for i, x := range grad {
		l1[i] += x
	}
}

// step adds g·out to grad and g·in to out, element by element (grad first,
// from out's old value), rounding each product to float32.
func step(grad, out, in []float32, g float32) {
	out = out[:len(grad)]
	in = in[:len(grad)]
	for i := range grad {
		o := out[i]
		grad[i] += float32(g * o)
		out[i] = o + float32(g*in[i])
	}
}

// dot returns a·b, rounding each product to float32 so no multiply-add is
// fused and the sum is the same on every platform.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += float32(a[i] * b[i])
		s1 += float32(a[i+1] * b[i+1])
		s2 += float32(a[i+2] * b[i+2])
		s3 += float32(a[i+3] * b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += float32(a[i] * b[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// aliasEntry is one column of Walker's alias table: choosing column i
// yields i if 32 random bits are below keep, else alias.
type aliasEntry struct {
	keep  uint32
	alias int32
}

// noiseTable returns an alias table (Vose's construction) that draws word
// id i with probability proportional to counts[i]^0.75, word2vec's noise
// distribution. Word2vec samples a table of 1e8 ids; at 8 bytes a word the
// alias table stays in cache, which makes training twice as fast.
func noiseTable(counts []int64) []aliasEntry {
	n := len(counts)
	p := make([]float64, n)
	var sum float64
	for i, c := range counts {
		p[i] = pow075(float64(c))
		sum += p[i]
	}
	var small, large []int32
	for i := range p {
		p[i] = float64(p[i]*float64(n)) / sum
		if p[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	table := make([]aliasEntry, n)
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		table[s] = aliasEntry{keep: uint32(p[s] * (1 << 32)), alias: l}
		p[l] = (p[l] + p[s]) - 1
		if p[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range append(small, large...) { // probability 1 up to rounding
		table[i] = aliasEntry{keep: 1<<32 - 1, alias: i}
	}
	return table
}

// noise draws a noise word.
func (t *trainer) noise() int32 {
	r := t.rng.next()
	e := t.noiseT[(r>>32)*uint64(len(t.noiseT))>>32]
	if uint32(r) < e.keep {
		return int32((r >> 32) * uint64(len(t.noiseT)) >> 32)
	}
	return e.alias
}

// pow075 returns x^0.75 as sqrt(x)·sqrt(sqrt(x)), whose operations are
// correctly rounded everywhere (math.Pow is not guaranteed to be).
func pow075(x float64) float64 {
	s := sqrt(x)
	return float64(s * sqrt(s))
}
