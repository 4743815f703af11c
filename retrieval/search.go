package retrieval

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/quotebot/quotebot/corpus"
)

// DefaultTop is the number of passages an answer quotes at most when the
// caller does not say.
const DefaultTop = 3

// Ranking settings. They are fractions of a question's own content and of
// the best candidate's score, so they carry over from one document to the
// next; see README.md ("How answers are chosen").
const (
	// minCoverage is the share of the question's informative content (its
	// words weighted by idf) the best passage must cover for an answer.
	minCoverage = 0.4
	// keepRatio drops passages scoring below this share of the best one.
	keepRatio = 0.6
	// minJointCoverage is the share of a question's content passages picked
	// together must cover when no single one covers minCoverage.
	minJointCoverage = 0.75
	// maxJointPool is how many of the best candidates choose considers.
	maxJointPool = 20
	// candidates is how many passages each ranking contributes.
	candidates = 50
	// Weights of the fused score.
	weightCoverageX = 0.5
	weightLexicalX  = 0.3
	weightDenseX    = 0.2
)

// candidate is a passage being ranked for a question.
type candidate struct {
	idx      int
	lexical  float64
	dense    float64
	coverage float64
	score    float64
	// credits are the passage's credit for each slot of the question.
	credits []float64
}

// Answer answers question with at most top passages (top <= 0 means
// DefaultTop). A question with no topic words (empty, or only "what did they
// say?") gets Found=false with the covered Topics; one that asks for a
// paragraph by its citation ("¶8") gets that paragraph. A question longer
// than MaxQuestionLen characters is refused with an error wrapping
// ErrQuestionTooLong. Answering stops with ctx's error when ctx ends.
func (e *Engine) Answer(ctx context.Context, question string, top int) (Answer, error) {
	if err := CheckQuestion(question); err != nil {
		return Answer{}, err
	}
	return e.answer(ctx, question, top)
}

// answer is Answer without the length check; its cost per question is
// bounded by the analysis' own limits (see limits.go).
func (e *Engine) answer(ctx context.Context, question string, top int) (Answer, error) {
	if err := ctx.Err(); err != nil {
		return Answer{}, err
	}
	if top <= 0 {
		top = DefaultTop
	}
	ans := Answer{Question: question, Passages: []Hit{}}
	norm := NormalizeQuestion(question)
	if n, ok := e.paragraphRef(norm); ok {
		return e.citedAnswer(ans, n, top), nil
	}
	q, err := e.newQuery(ctx, norm)
	if err != nil {
		return Answer{}, err
	}
	words := 0
	for _, s := range q.slots {
		if !s.phrase {
			words++
		}
	}
	if words == 0 {
		ans.Topics = e.Topics()
		return ans, nil
	}
	cands, err := e.rank(ctx, q)
	if err != nil {
		return Answer{}, err
	}
	picked := q.choose(cands, top)
	if alwaysAnswer {
		picked = cands[:min(len(cands), top)]
	}
	if len(picked) == 0 {
		ans.Topics = e.Topics()
		return ans, nil
	}
	ans.Found = true
	for _, c := range picked {
		if err := ctx.Err(); err != nil {
			return Answer{}, err
		}
		ans.Passages = append(ans.Passages, e.hit(q, c))
	}
	return ans, nil
}

// choose picks the passages that answer q from the ranked candidates, at
// most top, best first; none when the documents do not answer.
//
// A question about one thing is answered when the best passage covers at
// least minCoverage of it; the passages scoring at least keepRatio of the
// best come with it. A question about several things ("fisheries and
// aviation") may have no passage that covers enough of it, and one that
// does may leave a part out: a passage that mostly covers what the others
// lack is quoted too (see adds), and when no single passage covers enough,
// passages picked that way answer when together they cover at least
// minJointCoverage.
func (q query) choose(cands []candidate, top int) []candidate {
	if len(cands) == 0 {
		return nil
	}
	covered := make([]float64, len(q.slots))
	take := func(c candidate) {
		for k, v := range c.credits {
			covered[k] = max(covered[k], v)
		}
	}
	pool := cands[:min(len(cands), maxJointPool)]
	if best := cands[0]; best.coverage >= minCoverage {
		picked := []candidate{best}
		take(best)
		for _, c := range pool[1:] {
			if len(picked) == top {
				break
			}
			if (c.score >= keepRatio*best.score && c.coverage >= minCoverage/2) || q.adds(c, covered) {
				picked = append(picked, c)
				take(c)
			}
		}
		return picked
	}
	var picked []candidate
	used := make([]bool, len(pool))
	for len(picked) < top {
		bi, bg := -1, 0.0
		for i, c := range pool {
			if g := q.gain(c.credits, covered); !used[i] && g > bg && q.adds(c, covered) {
				bi, bg = i, g
			}
		}
		if bi < 0 {
			break
		}
		used[bi] = true
		picked = append(picked, pool[bi])
		take(pool[bi])
	}
	if len(picked) < 2 || q.share(covered) < minJointCoverage {
		return nil
	}
	slices.SortStableFunc(picked, func(a, b candidate) int { return cmp.Compare(b.score, a.score) })
	return picked
}

// adds reports whether passage c answers a part of q that the passages
// covering covered leave out: it covers at least minCoverage/2 of q, and at
// least half of what it covers is new.
func (q query) adds(c candidate, covered []float64) bool {
	return c.coverage >= minCoverage/2 && q.gain(c.credits, covered) >= c.coverage/2
}

// gain is the share of q's content that credits add to covered.
func (q query) gain(credits, covered []float64) float64 {
	extra := make([]float64, len(credits))
	for k := range credits {
		extra[k] = max(0, credits[k]-covered[k])
	}
	return q.share(extra)
}

// share is the share of q's content that per-slot credits cover: the
// importance-weighted mean over word slots.
func (q query) share(credits []float64) float64 {
	var got, all float64
	for k, s := range q.slots {
		if s.phrase {
			continue
		}
		all += s.imp
		got += credits[k] * s.imp
	}
	if all == 0 {
		return 0
	}
	return got / all
}

// rank returns the candidates best first, each with its fused score.
func (e *Engine) rank(ctx context.Context, q query) ([]candidate, error) {
	lex, touched, err := e.lexicalScores(ctx, q)
	if err != nil {
		return nil, err
	}
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
	maxLex := 0.0
	for _, d := range topDocs(lex, touched, candidates) {
		c := add(int(d))
		c.lexical = lex[d]
		maxLex = max(maxLex, c.lexical)
	}
	dense, err := e.denseSearch(ctx, q.text, candidates)
	if err != nil {
		return nil, err
	}
	for i, sim := range dense {
		c := add(i)
		c.dense = sim
		c.lexical = lex[i]
		maxLex = max(maxLex, c.lexical)
	}
	for i, c := range cands {
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		c.credits = q.credits(func(term string) bool { return e.lex.has(c.idx, term) })
		c.coverage = q.share(c.credits)
		lexN := 0.0
		if maxLex > 0 {
			lexN = c.lexical / maxLex
		}
		c.score = weightCoverage*c.coverage + weightLexical*lexN + weightDense*math.Max(0, c.dense)
	}
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

// denseSearch returns the cosine similarity of the n passages nearest to
// text, by passage number.
func (e *Engine) denseSearch(ctx context.Context, text string, n int) (map[int]float64, error) {
	n = min(n, e.col.Count())
	if n == 0 || strings.TrimSpace(text) == "" {
		return nil, nil
	}
	v, err := e.emb.Embed(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("embed question: %w", err)
	}
	if len(v) != e.dim {
		return nil, fmt.Errorf("embedder %s returned %d dimensions, the index has %d", e.emb.ID(), len(v), e.dim)
	}
	if isZero(v) {
		return nil, nil
	}
	res, err := e.col.QueryEmbedding(ctx, v, n, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("query index: %w", err)
	}
	out := make(map[int]float64, len(res))
	for _, r := range res {
		if i, ok := e.byID[r.ID]; ok {
			out[i] = float64(r.Similarity)
		}
	}
	return out, nil
}

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// hit turns a ranked candidate into a quoted passage with its highlight.
func (e *Engine) hit(q query, c candidate) Hit {
	p := e.passages[c.idx]
	spans := e.highlight(q, p)
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = p.Text[s.Start:s.End]
	}
	return Hit{
		ID:        p.ID,
		Doc:       p.DocID,
		Title:     p.Title,
		Date:      p.Date,
		Paragraph: p.Paragraph,
		Text:      p.Text,
		Highlight: strings.Join(parts, " "),
		Score:     math.Round(c.score*1000) / 1000,
		Spans:     spans,
		Section:   p.Section,
		URL:       p.URL,
	}
}

// highlight picks the sentences of p that best answer q: the sentence that
// covers the most of the question's content (multi-word lemmas count half
// again), then, while fewer than maxHighlight are picked, the sentence that
// adds the most content not yet covered, if that is at least a quarter of
// the question's content. A passage with no matching sentence highlights its
// first. Spans are returned in text order.
func (e *Engine) highlight(q query, p corpus.Passage) []corpus.Span {
	sents := p.Sentences
	if len(sents) == 0 {
		return []corpus.Span{{Start: 0, End: len(p.Text)}}
	}
	// credit[i][k] is sentence i's credit for slot k.
	credit := make([][]float64, len(sents))
	total := 0.0
	for _, sl := range q.slots {
		if !sl.phrase {
			total += sl.imp
		}
	}
	for i, s := range sents {
		terms := e.an.termSet(p.Text[s.Start:s.End])
		has := func(term string) bool { return terms[term] }
		credit[i] = q.credits(has)
	}
	covered := make([]float64, len(q.slots))
	gain := func(i int) float64 {
		g := 0.0
		for k, sl := range q.slots {
			if extra := credit[i][k] - covered[k]; extra > 0 {
				w := sl.imp
				if sl.phrase {
					w *= 0.5
				}
				g += extra * w
			}
		}
		return g
	}
	picked := map[int]bool{}
	for len(picked) < maxHighlight {
		best, bestGain := -1, 0.0
		for i := range sents {
			if g := gain(i); !picked[i] && g > bestGain {
				best, bestGain = i, g
			}
		}
		if best < 0 || (len(picked) > 0 && bestGain < 0.25*total) {
			break
		}
		picked[best] = true
		for k := range covered {
			covered[k] = max(covered[k], credit[best][k])
		}
	}
	if len(picked) == 0 {
		return sents[:1]
	}
	var out []corpus.Span
	for i, s := range sents {
		if picked[i] {
			out = append(out, s)
		}
	}
	return out
}

// maxHighlight is the most sentences a highlight holds.
const maxHighlight = 3
