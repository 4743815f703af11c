package retrieval

import (
	"context"
	"fmt"
	"runtime"
	"strings"
)

// Calibration fits the decision's Thresholds to evaluation sets: it asks
// every question once, keeps each one's candidates, and then replays only
// the decision for each setting on a grid, so the search costs little more
// than one evaluation.

// CalibrationSet is an evaluation set and the engine over its documents.
type CalibrationSet struct {
	Name      string
	Engine    *Engine
	Questions []EvalQuestion
}

// HeldOut is how thresholds fitted without one set fare on it.
type HeldOut struct {
	Name       string
	Thresholds Thresholds
	Results    []EvalResult
}

// asked is one question's evidence, kept for replaying decisions.
type asked struct {
	q     EvalQuestion
	query query
	cands []candidate
	df    func(string) int
	// hit marks the candidates whose passage contains an expected string.
	hit []bool
	// empty is true for a question with no topic words, or one citing a
	// paragraph: thresholds do not change its reply.
	fixed  bool
	answer Answer
}

// Calibrate fits thresholds to sets pooled, and reports, for each set, the
// results of thresholds fitted on the others (leave one set out), which is
// what to expect on documents nobody tuned for.
func Calibrate(ctx context.Context, sets []CalibrationSet) (Thresholds, []HeldOut, error) {
	// What is asked reads the engines' snapshots (see mapping) until the
	// end.
	defer runtime.KeepAlive(sets)
	byset := make([][]asked, len(sets))
	for i, s := range sets {
		vecs, err := s.Engine.questionVectors(ctx, s.Questions)
		if err != nil {
			return Thresholds{}, nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		for _, q := range s.Questions {
			a, err := s.Engine.ask(ctx, q, vecs[NormalizeQuestion(q.Q)])
			if err != nil {
				return Thresholds{}, nil, fmt.Errorf("%s: %w", s.Name, err)
			}
			byset[i] = append(byset[i], a)
		}
	}
	var all []asked
	for _, b := range byset {
		all = append(all, b...)
	}
	best := fitThresholds(all)
	var held []HeldOut
	if len(sets) > 1 {
		for i, s := range sets {
			var rest []asked
			for j, b := range byset {
				if j != i {
					rest = append(rest, b...)
				}
			}
			th := fitThresholds(rest)
			held = append(held, HeldOut{Name: s.Name, Thresholds: th, Results: replay(byset[i], th)})
		}
	}
	return best, held, nil
}

// questionVectors embeds the questions of an evaluation set as the
// pipeline would (their normalized text), in batches and through the cache
// for a network embedder, by normalized text. Unlike a question asked of
// Answer, a question that cannot be embedded is an error: thresholds
// calibrated without the embedder would not be its.
func (e *Engine) questionVectors(ctx context.Context, qs []EvalQuestion) (map[string][]float32, error) {
	var texts []string
	seen := map[string]bool{}
	for _, q := range qs {
		t := NormalizeQuestion(q.Q)
		if strings.TrimSpace(t) != "" && !seen[t] {
			seen[t] = true
			texts = append(texts, t)
		}
	}
	out := make(map[string][]float32, len(texts))
	if be, ok := e.emb.(batchEmbedder); ok && len(texts) > 0 {
		vs, err := be.EmbedBatch(ctx, texts)
		if err != nil {
			return nil, fmt.Errorf("embed the questions: %w", err)
		}
		for i, t := range texts {
			out[t] = vs[i]
		}
		return out, nil
	}
	for _, t := range texts {
		v, err := e.emb.Embed(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("embed question %q: %w", t, err)
		}
		out[t] = v
	}
	return out, nil
}

// ask runs a question through the pipeline up to the decision; vec is the
// embedder's vector of its normalized text.
func (e *Engine) ask(ctx context.Context, q EvalQuestion, vec []float32) (asked, error) {
	a := asked{q: q, df: e.lex.df}
	norm := NormalizeQuestion(q.Q)
	if err := CheckQuestion(q.Q); err != nil {
		return a, err
	}
	if _, ok := e.paragraphRef(norm); ok {
		ans, _, err := e.answer(ctx, q.Q, evalTop)
		a.fixed, a.answer = true, ans.detached()
		return a, err
	}
	framed := !strings.HasPrefix(strings.TrimSpace(q.Q), norm)
	query, err := e.newQuery(ctx, norm, framed)
	if err != nil {
		return a, err
	}
	query.vec = vec
	if query.words() == 0 {
		a.fixed = true
		return a, nil
	}
	cands, err := e.rank(ctx, query)
	if err != nil {
		return a, err
	}
	a.query, a.cands = query, cands[:min(len(cands), maxJointPool)]
	a.hit = make([]bool, len(a.cands))
	for i, c := range a.cands {
		a.hit[i] = q.AnsweredBy(e.passages.text(c.idx))
	}
	return a, nil
}

// replay decides every question with th and scores the replies as
// Evaluate would.
func replay(qs []asked, th Thresholds) []EvalResult {
	out := make([]EvalResult, len(qs))
	for i, a := range qs {
		r := EvalResult{Question: a.q, Answer: a.answer}
		if !a.fixed {
			d := a.query.decide(a.cands, evalTop, th, a.df)
			var hits []Hit
			for _, c := range d.picked {
				text := ""
				for k, x := range a.cands {
					if x.idx == c.idx && a.hit[k] {
						text = a.q.Expect[0]
					}
				}
				hits = append(hits, Hit{Text: text})
			}
			switch d.verdict {
			case quoted:
				r.Answer = Answer{Found: true, Passages: hits}
			case closestOnly:
				r.Answer = Answer{Closest: hits}
			}
		}
		if len(a.q.Expect) > 0 {
			if r.Answer.Found {
				r.Rank = hitRank(r.Answer.Passages, a.q, len(r.Answer.Passages))
			} else {
				r.ClosestRank = hitRank(r.Answer.Closest, a.q, len(r.Answer.Closest))
			}
		}
		out[i] = r
	}
	return out
}

// Calibration grid and objective (utility). Per question: a right quote
// earns 1; a right closest passage earns closestRight, a little less, since
// the reply hedges; a wrong quote costs confWrongCost, since it misleads
// where a closest passage only suggests; a wrong closest passage costs
// closestWrong; for a question the documents do not answer, "not covered"
// earns 1 and a closest passage costs closestWrong.
const (
	closestRight  = 0.6
	closestWrong  = 0.25
	confWrongCost = 2
	gridStep      = 0.05
)

// fitThresholds returns the thresholds on the grid that score best on qs;
// ties go to the stricter setting (higher Quote, then higher Closest, then
// lower StandOut), which answers less when the evidence cannot tell.
func fitThresholds(qs []asked) Thresholds {
	best, bestU := DefaultThresholds, -1e18
	for quote := 0.95; quote >= 0.2-1e-9; quote -= gridStep {
		for closest := quote; closest >= -1e-9; closest -= gridStep {
			for stand := 0.5; stand <= 1+1e-9; stand += gridStep {
				th := Thresholds{Quote: round2(quote), Closest: round2(max(0, closest)), StandOut: round2(stand)}
				if u := utility(replay(qs, th)); u > bestU {
					best, bestU = th, u
				}
			}
		}
	}
	return best
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }

// utility is the calibration objective of a set of results.
func utility(res []EvalResult) float64 {
	u := 0.0
	for _, r := range res {
		switch {
		case r.ConfidentWrong():
			u -= confWrongCost
		case r.Answer.Found:
			u++
		case len(r.Answer.Closest) > 0 && r.ClosestRank == 1:
			u += closestRight
		case len(r.Answer.Closest) > 0:
			u -= closestWrong
		case !r.Answerable():
			u++
		}
	}
	return u
}
