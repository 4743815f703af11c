package retrieval

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
)

// passageData is what analysis derives from one passage's text alone: it
// stays valid while the text does, so a rebuild keeps it for every passage
// it already knows and analyzes only new text.
type passageData struct {
	// terms are the passage's distinct exact terms as vocabulary ids, with
	// their counts (at most maxTF) in tfs.
	terms []uint32
	tfs   []uint16
	// words counts the passage's content words (its BM25 length).
	words int32
	// topics are its candidate topics (see topicCandidates).
	topics []topicCand
}

// vocab assigns ids to terms as analysis finds them, from any number of
// goroutines; finish renumbers them in sorted order, so the result does not
// depend on which goroutine saw a term first.
type vocab struct {
	mu    sync.Mutex
	ids   map[string]uint32
	terms []string
}

func newVocab() *vocab { return &vocab{ids: map[string]uint32{}} }

func (v *vocab) id(term string) uint32 {
	v.mu.Lock()
	defer v.mu.Unlock()
	id, ok := v.ids[term]
	if !ok {
		id = uint32(len(v.terms))
		v.ids[term] = id
		v.terms = append(v.terms, term)
	}
	return id
}

// finish sorts the vocabulary, renumbers the terms of data to match (each
// passage's ascending) and returns the sorted terms.
func (v *vocab) finish(data []passageData) []string {
	order := make([]uint32, len(v.terms))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(v.terms[a], v.terms[b]) })
	sorted := make([]string, len(order))
	renum := make([]uint32, len(order))
	for rank, id := range order {
		sorted[rank] = v.terms[id]
		renum[id] = uint32(rank)
	}
	parallel(len(data), func(i int) {
		d := &data[i]
		for k, t := range d.terms {
			d.terms[k] = renum[t]
		}
		sortTerms(d)
	})
	return sorted
}

// sortTerms orders a passage's terms by id, keeping each count with its
// term.
func sortTerms(d *passageData) {
	if slices.IsSorted(d.terms) {
		return
	}
	type tc struct {
		t  uint32
		tf uint16
	}
	pairs := make([]tc, len(d.terms))
	for k := range pairs {
		pairs[k] = tc{d.terms[k], d.tfs[k]}
	}
	slices.SortFunc(pairs, func(a, b tc) int { return cmp.Compare(a.t, b.t) })
	for k, p := range pairs {
		d.terms[k], d.tfs[k] = p.t, p.tf
	}
}

// analyzeAll analyzes the passages whose index is in todo (all of them
// when todo is nil) into data[i], using every processor; term ids come from
// v. It stops early, with ctx's error, when ctx ends.
func (a *analyzer) analyzeAll(ctx context.Context, texts func(i int) string, todo []int, data []passageData, v *vocab) error {
	n := len(todo)
	if todo == nil {
		n = len(data)
	}
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	var next sync.Mutex
	pos := 0
	// Passages are handed out in small batches: a worker's own cache of
	// term ids spares it the shared vocabulary's lock for terms it has seen.
	const batch = 64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[string]uint32{}
			tf := map[uint32]int{}
			for {
				next.Lock()
				from := pos
				pos = min(pos+batch, n)
				next.Unlock()
				if from >= n || ctx.Err() != nil {
					return
				}
				for j := from; j < min(from+batch, n); j++ {
					i := j
					if todo != nil {
						i = todo[j]
					}
					data[i] = a.analyze(texts(i), v, local, tf)
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// analyze derives one passage's data; local caches term ids and tf is
// scratch space, both owned by the calling goroutine.
func (a *analyzer) analyze(text string, v *vocab, local map[string]uint32, tf map[uint32]int) passageData {
	toks := tokenize(text)
	clear(tf)
	words := a.exactTermsOf(text, toks, func(term string) {
		id, ok := local[term]
		if !ok {
			id = v.id(term)
			local[term] = id
		}
		tf[id]++
	})
	d := passageData{terms: make([]uint32, 0, len(tf)), tfs: make([]uint16, 0, len(tf)), words: int32(words)}
	for id, c := range tf {
		d.terms = append(d.terms, id)
		d.tfs = append(d.tfs, uint16(min(c, maxTF)))
	}
	d.topics = a.topicCandidates(text, toks)
	return d
}

// parallel calls f(i) for every i in [0, n) from GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w * chunk; i < min((w+1)*chunk, n); i++ {
				f(i)
			}
		}()
	}
	wg.Wait()
}
