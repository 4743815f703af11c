package retrieval

import (
	"strings"
)

// maxTopics is how many topics a "not covered" reply names at most.
const maxTopics = 10

// findTopics names what the documents cover: for each passage, in order, its
// most distinctive noun or multi-word noun (highest idf; multi-word lemmas
// count half again), skipping terms found in more than a quarter of the
// passages, quoted as the passage spells it. Duplicates are dropped; when
// there are more passages than maxTopics, the most distinctive win.
func (e *Engine) findTopics() []string {
	type topic struct {
		key, text string
		score     float64
		order     int
	}
	var all []topic
	seen := map[string]bool{}
	limitDF := max(1, e.lex.N()/4)
	for i, p := range e.passages {
		toks := tokenize(p.Text)
		var best topic
		consider := func(key, text string, bonus float64) {
			df := e.lex.df(key)
			if df == 0 || (df > limitDF && e.lex.N() > 3) || seen[key] {
				return
			}
			s := e.lex.idf(df) * bonus
			if s > best.score {
				best = topic{key: key, text: text, score: s, order: i}
			}
		}
		for _, ph := range e.an.phrases(toks) {
			if e.an.lex.IsNoun(ph.text) {
				consider(ph.text, p.Text[toks[ph.from].start:toks[ph.to-1].end], 1.5)
			}
		}
		for _, t := range toks {
			if isStopword(t.word) || len(t.word) < 4 {
				continue
			}
			for _, l := range e.an.lex.Lemmas(t.word) {
				if e.an.lex.IsNoun(l) {
					consider(l, p.Text[t.start:t.end], 1)
					break
				}
			}
		}
		if best.key != "" {
			seen[best.key] = true
			all = append(all, best)
		}
	}
	if len(all) > maxTopics {
		byScore := append([]topic(nil), all...)
		// Keep the maxTopics most distinctive, then restore document order.
		for i := range byScore {
			for j := i + 1; j < len(byScore); j++ {
				if byScore[j].score > byScore[i].score {
					byScore[i], byScore[j] = byScore[j], byScore[i]
				}
			}
		}
		keep := map[int]bool{}
		for _, t := range byScore[:maxTopics] {
			keep[t.order] = true
		}
		kept := all[:0]
		for _, t := range all {
			if keep[t.order] {
				kept = append(kept, t)
			}
		}
		all = kept
	}
	out := make([]string, len(all))
	for i, t := range all {
		out[i] = strings.ToLower(t.text)
	}
	return out
}
