package retrieval

import (
	"cmp"
	"fmt"
	"slices"
)

// Stage 4, decide: from the candidates' evidence, not from the order the
// fused score happened to give them, one of three replies.
//
//   - quoted: a passage covers enough of the question in its own words or
//     their WordNet relatives, not soft matches (Thresholds.Quote) —
//     the best-scored such passage comes first, with the passages that
//     score nearly as well or answer another part of the question; or, for
//     a question about several things, passages that together cover
//     minJointCoverage of it.
//   - closest: nothing covers enough, but a passage covers part of the
//     question in its own words (partialCoverage, and at least
//     Thresholds.Closest) — the best-scored such passage, not sure enough
//     to quote; or else the best candidate covers
//     some of the question (Thresholds.Closest) and stands out from the
//     rest (Thresholds.StandOut): the documents may say it in other words.
//   - not covered: the question names a place, person or organisation the
//     documents never mention, or nothing stands out.

// verdict is the kind of reply the decision gives.
type verdict int

const (
	notCovered verdict = iota
	closestOnly
	quoted
)

// Thresholds are the decision's calibrated settings: shares of the
// question's informative content, and a ratio of fused scores.
type Thresholds struct {
	// Quote is the share of the question a passage must cover with the
	// question's own words or their WordNet relatives (soft matches do not
	// count: they rank, they do not prove) to be quoted as the answer.
	Quote float64 `json:"quote"`
	// Closest is the share the best candidate must cover to be offered as
	// the closest passage.
	Closest float64 `json:"closest"`
	// StandOut is the largest ratio of the second candidate's score to the
	// first's at which the first stands out.
	StandOut float64 `json:"stand_out"`
}

// DefaultThresholds are the built-in embedder's, calibrated on every
// evaluation set in testdata/ (see README.md, "Evaluation").
var DefaultThresholds = Thresholds{Quote: quoteCoverage, Closest: closestCoverage, StandOut: standOutRatio}

// Validate reports thresholds out of their ranges.
func (t Thresholds) Validate() error {
	if !(t.Quote > 0 && t.Quote <= 1 && t.Closest >= 0 && t.Closest <= t.Quote && t.StandOut > 0 && t.StandOut <= 1) {
		return fmt.Errorf("thresholds %+v out of range: want 0 ≤ closest ≤ quote ≤ 1 and 0 < stand_out ≤ 1", t)
	}
	return nil
}

// decision is what decide concluded, and why (for `eval -v`).
type decision struct {
	verdict verdict
	picked  []candidate
	why     string
	// ranked are the candidates it decided from, best first (set by
	// Engine.answer, for Explain).
	ranked []candidate
}

// decide chooses the reply to q from its candidates, best first by fused
// score; df says in how many passages a term occurs.
func (q query) decide(cands []candidate, top int, th Thresholds, df func(string) int) decision {
	if name, ok := q.missingName(df); ok {
		return decision{why: fmt.Sprintf("the documents never mention %q", name)}
	}
	if len(cands) == 0 {
		return decision{why: "no passage shares anything with the question"}
	}
	pool := cands[:min(len(cands), maxJointPool)]
	for i, c := range pool {
		if c.hard >= th.Quote {
			return decision{verdict: quoted, picked: q.quote(pool, i, top, th), why: fmt.Sprintf("a passage covers %.2f ≥ %.2f in the question's own words", c.hard, th.Quote)}
		}
	}
	if picked := q.joint(pool, top, th); len(picked) > 0 {
		return decision{verdict: quoted, picked: picked, why: "passages together cover the question"}
	}
	// Some evidence in the question's own words, not enough to be sure:
	// the best such passage is the closest, standing out or not.
	for i, c := range pool {
		if c.hard >= max(partialCoverage, th.Closest) {
			picked := q.quote(pool, i, top, th)
			return decision{verdict: closestOnly, picked: picked[:min(len(picked), maxClosest)],
				why: fmt.Sprintf("a passage covers %.2f in the question's own words: at least %.2f, under %.2f", c.hard, partialCoverage, th.Quote)}
		}
	}
	best := pool[0]
	if best.coverage < th.Closest {
		return decision{why: fmt.Sprintf("best covers %.2f < %.2f", best.coverage, th.Closest)}
	}
	if len(pool) > 1 && pool[1].score > th.StandOut*best.score {
		return decision{why: fmt.Sprintf("best does not stand out (second scores %.2f of it)", pool[1].score/best.score)}
	}
	picked := []candidate{best}
	if len(pool) > 1 && maxClosest > 1 && pool[1].score >= keepRatio*best.score && pool[1].coverage >= th.Closest {
		picked = append(picked, pool[1])
	}
	return decision{verdict: closestOnly, picked: picked, why: fmt.Sprintf("best covers %.2f and stands out", best.coverage)}
}

// quote picks the passages to quote when pool[first] covers enough of q:
// it first, then, up to top in all, the passages that score at least
// keepRatio of it and cover some of q themselves, or that answer a part of
// q the others leave out (see adds).
func (q query) quote(pool []candidate, first, top int, th Thresholds) []candidate {
	covered := make([]float64, len(q.slots))
	take := func(c candidate) {
		for k, v := range c.hardCredits {
			covered[k] = max(covered[k], v)
		}
	}
	best := pool[first]
	picked := []candidate{best}
	take(best)
	for i, c := range pool {
		if len(picked) == top {
			break
		}
		if i == first {
			continue
		}
		if (c.score >= keepRatio*best.score && c.hard >= th.Quote/2) || q.adds(c, covered, th) {
			picked = append(picked, c)
			take(c)
		}
	}
	return picked
}

// joint picks, for a question about several things ("fisheries and
// aviation") that no single passage covers, passages that each add a part
// the others lack, while they do; they answer when together they cover at
// least minJointCoverage of q. Best first by score; nil otherwise.
func (q query) joint(pool []candidate, top int, th Thresholds) []candidate {
	covered := make([]float64, len(q.slots))
	var picked []candidate
	used := make([]bool, len(pool))
	for len(picked) < top {
		bi, bg := -1, 0.0
		for i, c := range pool {
			if g := q.gain(c.hardCredits, covered); !used[i] && g > bg && q.adds(c, covered, th) {
				bi, bg = i, g
			}
		}
		if bi < 0 {
			break
		}
		used[bi] = true
		picked = append(picked, pool[bi])
		for k, v := range pool[bi].hardCredits {
			covered[k] = max(covered[k], v)
		}
	}
	if len(picked) < 2 || q.share(covered) < minJointCoverage {
		return nil
	}
	slices.SortStableFunc(picked, func(a, b candidate) int { return cmp.Compare(b.score, a.score) })
	return picked
}

// adds reports whether passage c answers a part of q that the passages
// covering covered leave out: it covers at least minPartCoverage of q in
// q's own words or their relatives, and at least half of that is new.
func (q query) adds(c candidate, covered []float64, th Thresholds) bool {
	return c.hard >= minPartCoverage && q.gain(c.hardCredits, covered) >= c.hard/2
}

// gain is the share of q's content that credits add to covered.
func (q query) gain(credits, covered []float64) float64 {
	extra := make([]float64, len(credits))
	for k := range credits {
		extra[k] = max(0, credits[k]-covered[k])
	}
	return q.share(extra)
}
