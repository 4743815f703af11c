package retrieval

import (
	"context"
	"runtime"
	"strings"
)

// Explanation is how the pipeline reached its reply to one question: the
// candidates in the fused order, each with its signals, and the decision.
// It separates a miss of the ranking (the right passage is not first) from
// one of the decision (it is first, and was not quoted or offered), which
// is what evaluation needs to know before changing either.
type Explanation struct {
	// Verdict is "quoted", "closest" or "not covered".
	Verdict string
	// Why is the decision's reason, as eval -v prints it.
	Why string
	// Candidates are the first passages of the fused order, best first.
	Candidates []Candidate
}

// Candidate is one passage the ranking considered, with its evidence.
type Candidate struct {
	ID   string
	Text string
	// Score is the fused score that orders the candidates.
	Score float64
	// Signals are the named signals' raw values (see signals.go).
	Signals map[string]float64
	// Hard is the share of the question the passage covers with the
	// question's own words or their WordNet relatives, without soft
	// matches: the evidence a quote needs. 0 means the passage shares no
	// word with the question, however related in meaning.
	Hard float64
}

// verdictNames are the Explanation.Verdict of each verdict.
var verdictNames = [...]string{notCovered: "not covered", closestOnly: "closest", quoted: "quoted"}

// Explain runs the pipeline as Answer does and reports its first n
// candidates (n <= 0: all) and its decision. A question asking for a cited
// paragraph, or with no topic words, has no candidates.
func (e *Engine) Explain(ctx context.Context, question string, n int) (Explanation, error) {
	if err := CheckQuestion(question); err != nil {
		return Explanation{}, err
	}
	_, d, err := e.answer(ctx, question, DefaultTop)
	if err != nil {
		return Explanation{}, err
	}
	x := Explanation{Verdict: verdictNames[d.verdict], Why: d.why}
	if n <= 0 || n > len(d.ranked) {
		n = len(d.ranked)
	}
	for _, c := range d.ranked[:n] {
		p := e.passages.passage(c.idx)
		sig := make(map[string]float64, len(signals))
		for _, s := range signals {
			sig[s.name] = s.value(&c)
		}
		x.Candidates = append(x.Candidates, Candidate{
			// Copied out of the snapshot, as Answer's texts are.
			ID: strings.Clone(p.ID), Text: strings.Clone(p.Text),
			Score: c.score, Signals: sig, Hard: c.hard,
		})
	}
	runtime.KeepAlive(e)
	return x, nil
}
