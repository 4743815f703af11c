package retrieval

import (
	"slices"
	"strings"
	"sync"

	"github.com/quotebot/quotebot/retrieval/wordvec"
)

// softVocab is the documents' plain words that have a word vector, for soft
// matching: a question word near one of them in meaning earns part of the
// credit an exact match earns.
type softVocab struct {
	once  sync.Once
	terms []string
	ids   []wordvec.ID
}

func (e *Engine) softTerms() *softVocab {
	sv := &e.soft
	sv.once.Do(func() {
		wv := wordvec.Default()
		for _, words := range e.lex.wordsByLen {
			for _, w := range words {
				if strings.HasPrefix(w, stemPrefix) {
					continue
				}
				if id, ok := wv.Lookup(w); ok {
					sv.terms = append(sv.terms, w)
					sv.ids = append(sv.ids, id)
				}
			}
		}
	})
	return sv
}

// softNeighbour is a document word near a question word in meaning.
type softNeighbour struct {
	term string
	cos  float32
}

// softNeighbours returns the document words nearest in meaning to any of
// forms, at most softMaxNeighbours, with a cosine of at least softMinCos,
// best first; words among forms are left out.
func (e *Engine) softNeighbours(forms []string) []softNeighbour {
	wv := wordvec.Default()
	var qids []wordvec.ID
	for _, f := range forms {
		if strings.HasPrefix(f, stemPrefix) {
			continue
		}
		if id, ok := wv.Lookup(f); ok {
			qids = append(qids, id)
		}
	}
	if len(qids) == 0 {
		return nil
	}
	sv := e.softTerms()
	var out []softNeighbour
	for i, id := range sv.ids {
		best := float32(-1)
		for _, q := range qids {
			if q == id {
				best = -1
				break
			}
			best = max(best, wv.Cosine(q, id))
		}
		if best < softMinCos || slices.Contains(forms, sv.terms[i]) {
			continue
		}
		out = append(out, softNeighbour{sv.terms[i], best})
	}
	slices.SortFunc(out, func(a, b softNeighbour) int {
		switch {
		case a.cos > b.cos:
			return -1
		case a.cos < b.cos:
			return 1
		}
		return strings.Compare(a.term, b.term)
	})
	return out[:min(len(out), softMaxNeighbours)]
}
