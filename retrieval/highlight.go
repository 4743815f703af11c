package retrieval

import (
	"math"
	"strings"

	"github.com/quotebot/quotebot/corpus"
)

// Stage 5, highlight: each passage a reply shows is quoted whole, with the
// sentences that best answer the question marked.

// hit turns a ranked candidate into a quoted passage with its highlight.
func (e *Engine) hit(q query, c candidate) Hit {
	p := e.passages.passage(c.idx)
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
