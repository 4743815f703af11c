package retrieval

import (
	"container/heap"
	"math"
	"slices"
	"strings"
)

// BM25 parameters: the usual defaults.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// lexIndex is an inverted index of passages' exact terms for BM25 ranking,
// with each passage's sorted term IDs for coverage checks.
type lexIndex struct {
	// refKinds are the kinds of numbered reference the passages use
	// ("ref:articl#"), see numberedRefs.
	refKinds map[string]bool
	// wordsByLen lists the plain words among the terms, by length, for
	// spelling correction.
	wordsByLen map[int][]string
	ids        map[string]int32
	postings   [][]posting
	docTerms   [][]int32
	lens       []int32
	avgLen     float64
}

type posting struct {
	doc int32
	tf  int32
}

// newLexIndex indexes the exact terms (forms and multi-word lemmas) of texts;
// passage i of the result is texts[i].
func newLexIndex(a *analyzer, texts []string) *lexIndex {
	ix := &lexIndex{ids: map[string]int32{}, lens: make([]int32, len(texts)), docTerms: make([][]int32, len(texts))}
	var total int64
	tf := map[int32]int32{}
	for i, text := range texts {
		clear(tf)
		n := a.exactTerms(text, func(term string) {
			id, ok := ix.ids[term]
			if !ok {
				id = int32(len(ix.postings))
				ix.ids[term] = id
				ix.postings = append(ix.postings, nil)
			}
			tf[id]++
		})
		ix.lens[i] = int32(n)
		total += int64(n)
		terms := make([]int32, 0, len(tf))
		for id, c := range tf {
			ix.postings[id] = append(ix.postings[id], posting{doc: int32(i), tf: c})
			terms = append(terms, id)
		}
		slices.Sort(terms)
		ix.docTerms[i] = terms
	}
	if len(texts) > 0 {
		ix.avgLen = float64(total) / float64(len(texts))
	}
	ix.indexWords()
	ix.refKinds = map[string]bool{}
	for term := range ix.ids {
		if kind, _, ok := strings.Cut(term, "#"); ok && strings.HasPrefix(term, refPrefix) {
			ix.refKinds[kind+"#"] = true
		}
	}
	return ix
}

// exactTerms calls emit for every exact term of text: each content word's
// forms, each multi-word lemma, the initials of its acronyms and names, and
// its numbered references. It returns the number of content words.
func (a *analyzer) exactTerms(text string, emit func(term string)) int {
	toks := tokenize(text)
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

// df is the number of passages that contain term.
func (ix *lexIndex) df(term string) int {
	id, ok := ix.ids[term]
	if !ok {
		return 0
	}
	return len(ix.postings[id])
}

// has reports whether passage doc contains term.
func (ix *lexIndex) has(doc int, term string) bool {
	id, ok := ix.ids[term]
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(ix.docTerms[doc], id)
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
	id, ok := ix.ids[term]
	if !ok {
		return
	}
	for _, p := range ix.postings[id] {
		tf := float64(p.tf)
		norm := tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*float64(ix.lens[p.doc])/ix.avgLen))
		s := weight * idf * norm
		if acc[p.doc] == 0 {
			*touched = append(*touched, p.doc)
		}
		if s > acc[p.doc] {
			acc[p.doc] = s
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
