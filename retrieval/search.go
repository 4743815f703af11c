package retrieval

import (
	"context"
	"runtime"
	"strings"
)

// DefaultTop is the number of passages an answer quotes at most when the
// caller does not say.
const DefaultTop = 3

// Answer answers question with at most top passages (top <= 0 means
// DefaultTop): quoted when the documents answer, else the closest passages
// when one stands out, else "not covered" with the Topics the documents do
// cover. A question with no topic words (empty, or only "what did they
// say?") gets Found=false with the Topics; one that asks for a paragraph by
// its citation ("¶8") gets that paragraph. A question longer than
// MaxQuestionLen characters is refused with an error wrapping
// ErrQuestionTooLong. Answering stops with ctx's error when ctx ends.
func (e *Engine) Answer(ctx context.Context, question string, top int) (Answer, error) {
	if err := CheckQuestion(question); err != nil {
		return Answer{}, err
	}
	ans, _, err := e.answer(ctx, question, top)
	// The answer is copied out of the engine's snapshot (see Hit.detached)
	// while the engine, and so its mapping, is certainly alive.
	ans = ans.detached()
	runtime.KeepAlive(e)
	return ans, err
}

// answer runs the pipeline (see the package doc) without the length check;
// its cost per question is bounded by the analysis' own limits (see
// limits.go). It also returns the decision, for evaluation.
func (e *Engine) answer(ctx context.Context, question string, top int) (Answer, decision, error) {
	if err := ctx.Err(); err != nil {
		return Answer{}, decision{}, err
	}
	if top <= 0 {
		top = DefaultTop
	}
	ans := Answer{Question: question, Passages: []Hit{}}
	norm := NormalizeQuestion(question)
	if n, ok := e.paragraphRef(norm); ok {
		return e.citedAnswer(ans, n, top), decision{verdict: quoted, why: "cited paragraph"}, nil
	}
	// Stage 1, analyze.
	framed := !strings.HasPrefix(strings.TrimSpace(question), norm)
	q, err := e.newQuery(ctx, norm, framed)
	if err != nil {
		return Answer{}, decision{}, err
	}
	if q.words() == 0 {
		ans.Topics = e.Topics()
		return ans, decision{why: "no topic words"}, nil
	}
	// Stages 2 and 3, gather and signals.
	cands, err := e.rank(ctx, q)
	if err != nil {
		return Answer{}, decision{}, err
	}
	// Stage 4, decide.
	d := q.decide(cands, top, e.thresholds, e.lex.df)
	d.ranked = cands
	if d.verdict == notCovered {
		ans.Topics = e.Topics()
		return ans, d, nil
	}
	// Stage 5, highlight.
	hits := make([]Hit, 0, len(d.picked))
	for _, c := range d.picked {
		if err := ctx.Err(); err != nil {
			return Answer{}, decision{}, err
		}
		hits = append(hits, e.hit(q, c))
	}
	if d.verdict == quoted {
		ans.Found, ans.Passages = true, hits
	} else {
		ans.Closest = hits
	}
	return ans, d, nil
}

// words counts q's word slots (not its phrases).
func (q query) words() int {
	n := 0
	for _, s := range q.slots {
		if !s.phrase {
			n++
		}
	}
	return n
}
