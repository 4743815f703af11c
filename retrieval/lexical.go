package retrieval

import (
	"container/heap"
	"math"
	"slices"
	"strings"
	"sync"
)

// BM25 parameters: the usual defaults.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// maxTF caps a term's count in one passage, which is stored in 16 bits;
// BM25's term-frequency part has long saturated by then.
const maxTF = math.MaxUint16

// lexIndex is an inverted index of passages' exact terms for BM25 ranking
// and coverage checks. Its arrays are what the snapshot stores, so loading
// it is reading them: terms is the sorted vocabulary, and the passages that
// contain terms[t] are docs[start[t]:start[t+1]], ascending, each with its
// count in tfs.
type lexIndex struct {
	// refKinds are the kinds of numbered reference the passages use
	// ("ref:articl#"), see numberedRefs.
	refKinds map[string]bool
	// wordsByLen lists the plain words among the terms, by length, for
	// spelling correction.
	wordsByLen map[int][]string
	ids        map[string]int32
	terms      []string
	start      []uint32
	docs       []int32
	tfs        []uint16
	// lens are the passages' numbers of content words.
	lens   []int32
	avgLen float64
	// scores holds *lexScores given back after a question, for the next.
	scores sync.Pool
}

// lexScores is the working memory of one question's lexical ranking (see
// (*Engine).lexicalScores): an accumulator of one float64 per passage for
// the question, one for the slot being scored, and the passages each has
// touched. It is taken from its lexIndex and given back, so a question
// allocates nothing per passage; while it waits, every accumulator entry
// is zero and both lists are empty.
type lexScores struct {
	total, slot          []float64
	touched, slotTouched []int32
}

// takeScores returns zeroed working memory for one question's ranking.
func (ix *lexIndex) takeScores() *lexScores {
	if ls, ok := ix.scores.Get().(*lexScores); ok {
		return ls
	}
	n := ix.N()
	return &lexScores{total: make([]float64, n), slot: make([]float64, n)}
}

// giveBack zeroes what ls touched, in time proportional to that, and
// keeps it for the next question. ls must not be used afterwards.
func (ix *lexIndex) giveBack(ls *lexScores) {
	for _, d := range ls.touched {
		ls.total[d] = 0
	}
	for _, d := range ls.slotTouched {
		ls.slot[d] = 0
	}
	ls.touched, ls.slotTouched = ls.touched[:0], ls.slotTouched[:0]
	ix.scores.Put(ls)
}

// newLexIndex makes the index of the postings given (see lexIndex) and
// derives its look-up tables.
func newLexIndex(terms []string, start []uint32, docs []int32, tfs []uint16, lens []int32) *lexIndex {
	ix := &lexIndex{terms: terms, start: start, docs: docs, tfs: tfs, lens: lens, ids: make(map[string]int32, len(terms))}
	for i, t := range terms {
		ix.ids[t] = int32(i)
	}
	var total int64
	for _, n := range lens {
		total += int64(n)
	}
	if len(lens) > 0 {
		ix.avgLen = float64(total) / float64(len(lens))
	}
	ix.indexWords()
	ix.refKinds = map[string]bool{}
	for _, term := range terms {
		if kind, _, ok := strings.Cut(term, "#"); ok && strings.HasPrefix(term, refPrefix) {
			ix.refKinds[kind+"#"] = true
		}
	}
	return ix
}

// buildPostings inverts the passages' term lists (ids below nTerms,
// ascending) into postings in passage order.
func buildPostings(nTerms int, data []passageData) (start []uint32, docs []int32, tfs []uint16) {
	start = make([]uint32, nTerms+1)
	for _, d := range data {
		for _, t := range d.terms {
			start[t+1]++
		}
	}
	for t := range nTerms {
		start[t+1] += start[t]
	}
	docs = make([]int32, start[nTerms])
	tfs = make([]uint16, start[nTerms])
	next := slices.Clone(start[:nTerms])
	for i, d := range data {
		for k, t := range d.terms {
			docs[next[t]] = int32(i)
			tfs[next[t]] = d.tfs[k]
			next[t]++
		}
	}
	return start, docs, tfs
}

// passageTerms is the inverse of buildPostings: each passage's term ids,
// ascending, with their counts.
func (ix *lexIndex) passageTerms() []passageData {
	n := len(ix.lens)
	count := make([]int32, n)
	for _, d := range ix.docs {
		count[d]++
	}
	out := make([]passageData, n)
	ids := make([]uint32, len(ix.docs))
	tfs := make([]uint16, len(ix.docs))
	off := 0
	for i := range out {
		c := int(count[i])
		out[i] = passageData{terms: ids[off : off : off+c], tfs: tfs[off : off : off+c], length: ix.lens[i]}
		off += c
	}
	for t := range len(ix.terms) {
		for p := ix.start[t]; p < ix.start[t+1]; p++ {
			d := &out[ix.docs[p]]
			d.terms = append(d.terms, uint32(t))
			d.tfs = append(d.tfs, ix.tfs[p])
		}
	}
	return out
}

// exactTerms calls emit for every exact term of text: each content word's
// forms, each multi-word lemma, the initials of its acronyms and names, and
// its numbered references. It returns the number of content words.
func (a *analyzer) exactTerms(text string, emit func(term string)) int {
	return a.exactTermsOf(text, tokenize(text), emit)
}

// exactTermsOf is exactTerms of text tokenized as toks.
func (a *analyzer) exactTermsOf(text string, toks []token, emit func(term string)) int {
	n := 0
	for _, t := range toks {
		if isStopword(t.word) {
			continue
		}
		n++
		for _, f := range a.forms(t.word) {
			emit(f)
		}
	}
	for _, p := range a.phrases(text, toks) {
		emit(p.text)
	}
	acronymTerms(text, toks, emit)
	numberedRefs(text, toks, func(term string, _ int) { emit(term) })
	return n
}

// N is the number of indexed passages.
func (ix *lexIndex) N() int { return len(ix.lens) }

// postings returns the passages that contain term and their counts.
func (ix *lexIndex) postings(term string) ([]int32, []uint16) {
	id, ok := ix.ids[term]
	if !ok {
		return nil, nil
	}
	a, b := ix.start[id], ix.start[id+1]
	return ix.docs[a:b], ix.tfs[a:b]
}

// df is the number of passages that contain term.
func (ix *lexIndex) df(term string) int {
	docs, _ := ix.postings(term)
	return len(docs)
}

// has reports whether passage doc contains term.
func (ix *lexIndex) has(doc int, term string) bool {
	docs, _ := ix.postings(term)
	_, found := slices.BinarySearch(docs, int32(doc))
	return found
}

// idf is BM25's inverse document frequency of a term found in df passages;
// it is highest for a term no passage contains.
func (ix *lexIndex) idf(df int) float64 {
	n := float64(ix.N())
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// score raises acc[passage] to weight × idf × BM25's term-frequency part for
// every passage that contains term, recording first-touched passages in
// touched.
func (ix *lexIndex) score(term string, weight, idf float64, acc []float64, touched *[]int32) {
	docs, tfs := ix.postings(term)
	for k, doc := range docs {
		if uint32(doc) >= uint32(len(ix.lens)) || int(doc) >= len(acc) {
			continue // only in a damaged index (see readLexIndex)
		}
		tf := float64(tfs[k])
		norm := tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*float64(ix.lens[doc])/ix.avgLen))
		s := weight * idf * norm
		if acc[doc] == 0 {
			*touched = append(*touched, doc)
		}
		if s > acc[doc] {
			acc[doc] = s
		}
	}
}

// topDocs returns the n passages of docs with the highest scores, best
// first, ties broken by passage order.
func topDocs(scores []float64, docs []int32, n int) []int32 {
	h := &docHeap{scores: scores}
	for _, d := range docs {
		if h.Len() < n {
			heap.Push(h, d)
		} else if h.less(h.docs[0], d) {
			h.docs[0] = d
			heap.Fix(h, 0)
		}
	}
	out := make([]int32, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(int32)
	}
	return out
}

// docHeap is a min-heap of passages by score, the worst on top.
type docHeap struct {
	scores []float64
	docs   []int32
}

// less reports whether a ranks below b.
func (h *docHeap) less(a, b int32) bool {
	if h.scores[a] != h.scores[b] {
		return h.scores[a] < h.scores[b]
	}
	return a > b
}
func (h *docHeap) Len() int           { return len(h.docs) }
func (h *docHeap) Less(i, j int) bool { return h.less(h.docs[i], h.docs[j]) }
func (h *docHeap) Swap(i, j int)      { h.docs[i], h.docs[j] = h.docs[j], h.docs[i] }
func (h *docHeap) Push(x any)         { h.docs = append(h.docs, x.(int32)) }
func (h *docHeap) Pop() any {
	d := h.docs[len(h.docs)-1]
	h.docs = h.docs[:len(h.docs)-1]
	return d
}
