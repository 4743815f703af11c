package retrieval

// Stage 3, signals: each candidate's evidence of answering, as named values
// in [0, 1] with a weight each; the fused score that orders candidates is
// their weighted sum. Adding a signal is one entry in signals.

// signal is one kind of evidence that a passage answers the question.
type signal struct {
	name   string
	weight float64
	// value is the candidate's raw value of the signal, at least 0.
	value func(c *candidate) float64
	// relative signals are divided by their largest value among the
	// candidates, since their raw scale depends on the corpus (BM25).
	relative bool
}

// signals are the evidence the fused score weighs; see tuning.go for the
// weights' reasons.
var signals = []signal{
	{name: "coverage", weight: weightCoverage, value: func(c *candidate) float64 { return c.coverage }},
	{name: "lexical", weight: weightLexical, value: func(c *candidate) float64 { return c.lexical }, relative: true},
	{name: "dense", weight: weightDense, value: func(c *candidate) float64 { return max(0, c.dense) }},
}

// fuse sets every candidate's score to the weighted sum of its signals.
func fuse(cands []*candidate) {
	for _, c := range cands {
		c.score = 0
	}
	for _, s := range signals {
		scale := 1.0
		if s.relative {
			top := 0.0
			for _, c := range cands {
				top = max(top, s.value(c))
			}
			if top == 0 {
				continue
			}
			scale = 1 / top
		}
		for _, c := range cands {
			c.score += s.weight * s.value(c) * scale
		}
	}
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
