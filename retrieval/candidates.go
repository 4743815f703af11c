package retrieval

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quotebot/quotebot/retrieval/colid"
)

// Stage 2, gather: the candidates are the passages the lexical ranking
// (BM25 over the question's terms and their relatives) and the dense one
// (the embedder's nearest neighbours in chromem-go) put first, at most
// candidates from each.

// candidate is a passage being ranked for a question.
type candidate struct {
	idx      int
	lexical  float64
	dense    float64
	coverage float64
	// hard is the coverage of exact words and their WordNet relatives
	// only, without soft matches.
	hard  float64
	score float64
	// credits are the passage's credit for each slot of the question, and
	// hardCredits the same without soft matches.
	credits, hardCredits []float64
}

// rank gathers the candidates (the best of the lexical ranking and of the
// dense one), measures each one's signals and returns them best first by
// their fused score.
func (e *Engine) rank(ctx context.Context, q query) ([]candidate, error) {
	ls, err := e.lexicalScores(ctx, q)
	if err != nil {
		return nil, err
	}
	defer e.lex.giveBack(ls)
	lex := ls.total
	byIdx := map[int]*candidate{}
	var cands []*candidate
	add := func(i int) *candidate {
		if c, ok := byIdx[i]; ok {
			return c
		}
		c := &candidate{idx: i}
		byIdx[i] = c
		cands = append(cands, c)
		return c
	}
	for _, d := range topDocs(lex, ls.touched, candidates) {
		c := add(int(d))
		c.lexical = lex[d]
	}
	vec, err := e.questionVector(ctx, q)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		// The embedder is down: answer from the lexical and coverage
		// signals, with no dense candidates, rather than not at all.
		e.fallback.warn(err)
		vec = nil
	}
	dense, err := e.denseSearch(ctx, vec, candidates)
	if err != nil {
		return nil, err
	}
	for i, sim := range dense {
		c := add(i)
		c.dense = sim
		c.lexical = lex[i]
	}
	for i, c := range cands {
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		c.credits = q.credits(func(term string) bool { return e.lex.has(c.idx, term) })
		c.coverage = q.share(c.credits)
		c.hardCredits = q.hardCredits(func(term string) bool { return e.lex.has(c.idx, term) })
		c.hard = q.share(c.hardCredits)
	}
	fuse(cands)
	slices.SortStableFunc(cands, func(a, b *candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return a.idx - b.idx
	})
	out := make([]candidate, len(cands))
	for i, c := range cands {
		out[i] = *c
	}
	return out, nil
}

// questionVector is the embedder's vector of q's text: q.vec when the
// caller embedded it already (Calibrate), nil for a text that is empty or
// whose vector is zero. An error means the embedder failed.
func (e *Engine) questionVector(ctx context.Context, q query) ([]float32, error) {
	v := q.vec
	if v == nil {
		if strings.TrimSpace(q.text) == "" || e.col.Count() == 0 {
			return nil, nil
		}
		var err error
		if v, err = e.emb.Embed(ctx, q.text); err != nil {
			return nil, fmt.Errorf("embed question: %w", err)
		}
	}
	if len(v) != e.dim {
		return nil, fmt.Errorf("embedder %s returned %d dimensions, the index has %d", e.emb.ID(), len(v), e.dim)
	}
	if isZero(v) {
		return nil, nil
	}
	return v, nil
}

// denseSearch returns the cosine similarity of the n passages nearest to
// the question's vector v, by passage number; none when v is nil.
func (e *Engine) denseSearch(ctx context.Context, v []float32, n int) (map[int]float64, error) {
	n = min(n, e.col.Count())
	if n == 0 || v == nil {
		return nil, nil
	}
	res, err := e.col.QueryEmbedding(ctx, v, n, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("query index: %w", err)
	}
	out := make(map[int]float64, len(res))
	for _, r := range res {
		if i, ok := colid.Passage(r.ID, e.Len()); ok {
			out[i] = float64(r.Similarity)
		}
	}
	return out, nil
}

// fallbackWarnEvery is the least time between two calls of
// Config.OnFallback: an embedder that is down fails every question, and a
// line a minute says so without flooding the log.
const fallbackWarnEvery = time.Minute

// fallbackWarner tells Config.OnFallback, at most once per
// fallbackWarnEvery, that questions are answered without the embedder.
type fallbackWarner struct {
	notify func(error)
	// now is the clock; nil means time.Now.
	now func() time.Time

	mu     sync.Mutex
	last   time.Time
	warned bool
	// since counts the fallbacks not yet reported.
	since int
}

func (f *fallbackWarner) warn(err error) {
	if f.notify == nil {
		return
	}
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	f.mu.Lock()
	f.since++
	t := now()
	if f.warned && t.Sub(f.last) < fallbackWarnEvery {
		f.mu.Unlock()
		return
	}
	n := f.since
	f.warned, f.last, f.since = true, t, 0
	f.mu.Unlock()
	f.notify(fmt.Errorf("%w (the answer used the lexical and coverage signals only; %d question(s) so answered since the last warning)", err, n))
}

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}
