package retrieval

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quotebot/quotebot/corpus"
)

// passageData is what analysis derives from one passage's text alone: it
// stays valid while the text does, so a rebuild keeps it for every passage
// it already knows and analyzes only new text.
type passageData struct {
	// terms are the passage's distinct exact terms as vocabulary ids, with
	// their counts (at most maxTF) in tfs.
	terms []uint32
	tfs   []uint16
	// length counts the passage's content words (its BM25 length).
	length int32
	// topics are its candidate topics (see topicCandidates), their words
	// numbered in a table of words.
	topics topicCands
}

// tables number the terms and the topic words analysis finds.
type tables struct {
	terms, words *vocab
}

func newTables() tables { return tables{terms: newVocab(), words: newVocab()} }

// scratch is what one analysis goroutine keeps between passages: its own
// copies of ids it has looked up (sparing the shared tables' lock), what it
// knows of words, and a term count.
type scratch struct {
	terms, words map[string]uint32
	memo         nominalMemo
	tf           map[uint32]int
}

func newScratch() *scratch {
	return &scratch{terms: map[string]uint32{}, words: map[string]uint32{}, memo: nominalMemo{}, tf: map[uint32]int{}}
}

// lookup returns the id of s in v, through the goroutine's copy local.
func lookup(v *vocab, local map[string]uint32, s string) uint32 {
	id, ok := local[s]
	if !ok {
		id = v.id(s)
		local[s] = id
	}
	return id
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

// analyzeAll analyzes the passages whose index is in todo into data[i],
// using every processor; ids come from tb. It tells progress (which may be
// nil) how far it has come, from the calling goroutine. It stops early,
// with ctx's error, when ctx ends.
func (a *analyzer) analyzeAll(ctx context.Context, passages []corpus.Passage, todo []int, data []passageData, tb tables, progress func(Progress)) error {
	n := len(todo)
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	var next sync.Mutex
	pos := 0
	var finished atomic.Int64
	// Passages are handed out in small batches.
	const batch = 64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := newScratch()
			for {
				next.Lock()
				from := pos
				pos = min(pos+batch, n)
				next.Unlock()
				if from >= n || ctx.Err() != nil {
					return
				}
				for _, i := range todo[from:min(from+batch, n)] {
					data[i] = a.analyze(passages[i], tb, sc)
				}
				finished.Add(int64(min(from+batch, n) - from))
			}
		}()
	}
	if rep := newProgressReporter(progress, StageAnalyze, n); rep != nil {
		waited := make(chan struct{})
		go func() { wg.Wait(); close(waited) }()
		tick := time.NewTicker(progressInterval)
		defer tick.Stop()
		for running := true; running; {
			select {
			case <-tick.C:
			case <-waited:
				running = false
			}
			rep.report(int(finished.Load()))
		}
	}
	wg.Wait()
	return ctx.Err()
}

// analyze derives one passage's data: its terms from what search reads
// (indexText, its context and its text), its topics from its text alone.
func (a *analyzer) analyze(p corpus.Passage, tb tables, sc *scratch) passageData {
	text := indexText(p)
	toks := tokenize(text)
	clear(sc.tf)
	n := a.exactTermsOf(text, toks, func(term string) { sc.tf[lookup(tb.terms, sc.terms, term)]++ })
	d := passageData{terms: make([]uint32, 0, len(sc.tf)), tfs: make([]uint16, 0, len(sc.tf)), length: int32(n)}
	for id, c := range sc.tf {
		d.terms = append(d.terms, id)
		d.tfs = append(d.tfs, uint16(min(c, maxTF)))
	}
	if p.Context != "" {
		text, toks = p.Text, tokenize(p.Text)
	}
	d.topics = a.topicCandidates(text, toks, sc.memo, func(w string) uint32 { return lookup(tb.words, sc.words, w) })
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
