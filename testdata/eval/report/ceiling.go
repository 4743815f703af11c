package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/quotebot/quotebot/corpus"
	"github.com/quotebot/quotebot/retrieval"
)

// ceilingTally counts, over a set's answerable questions, where the fused
// ranking puts the right passage (the first candidate holding an expected
// string) and what the reply made of it.
type ceilingTally struct {
	answerable int
	// first, top3 and top10 count questions whose right passage the
	// ranking puts first, among the first 3 or among the first 10.
	first, top3, top10 int
	// sharing counts questions whose right passage is a candidate sharing
	// a word (or a WordNet relative of one) with the question, and
	// firstSharing those of them ranked first; the others share none, or
	// were not gathered at all.
	sharing, firstSharing int
	// replyFirst counts replies whose first passage, quoted or closest,
	// is right: the "first" figure of the main report.
	replyFirst int
}

func (t *ceilingTally) add(o ceilingTally) {
	t.answerable += o.answerable
	t.first += o.first
	t.top3 += o.top3
	t.top10 += o.top10
	t.sharing += o.sharing
	t.firstSharing += o.firstSharing
	t.replyFirst += o.replyFirst
}

// runCeiling prints one row per set and pooled rows, like run, for the
// engine of this tree (the built-in embedder and default thresholds).
func runCeiling(devOnly bool) error {
	sets, err := readSets()
	if err != nil {
		return err
	}
	fmt.Println("| set | answerable | ranked first | top 3 | top 10 | right passage shares a word | first when it does | first when it does not | reply's first passage right |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	var blind, dev ceilingTally
	for _, s := range sets {
		if devOnly && s.blind {
			continue
		}
		t, err := ceilingOf(s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.file, err)
		}
		ceilingRow(strings.TrimSuffix(s.file[strings.LastIndex(s.file, "/")+1:], ".jsonl"), t)
		if s.blind {
			blind.add(t)
		} else {
			dev.add(t)
		}
	}
	ceilingRow("**pooled, dev sets**", dev)
	if !devOnly {
		ceilingRow("**pooled, blind sets**", blind)
	}
	return nil
}

func ceilingRow(name string, t ceilingTally) {
	share := func(n, of int) string {
		if of == 0 {
			return "–"
		}
		return fmt.Sprintf("%d (%.3f)", n, float64(n)/float64(of))
	}
	fmt.Printf("| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", name, t.answerable,
		share(t.first, t.answerable), share(t.top3, t.answerable), share(t.top10, t.answerable),
		share(t.sharing, t.answerable), share(t.firstSharing, t.sharing),
		share(t.first-t.firstSharing, t.answerable-t.sharing), share(t.replyFirst, t.answerable))
}

// ceilingOf explains and answers every answerable question of one set.
func ceilingOf(s evalSet) (ceilingTally, error) {
	ctx := context.Background()
	src := corpus.Seed()
	if s.corpus != "" {
		src = os.DirFS(s.corpus)
	}
	docs, err := corpus.Load(src, corpus.Options{})
	if err != nil {
		return ceilingTally{}, err
	}
	eng, err := retrieval.Open(ctx, docs, retrieval.Config{})
	if err != nil {
		return ceilingTally{}, err
	}
	f, err := os.Open(s.file)
	if err != nil {
		return ceilingTally{}, err
	}
	defer f.Close()
	set, err := retrieval.ReadEvalSet(f)
	if err != nil {
		return ceilingTally{}, err
	}
	var t ceilingTally
	for _, q := range set {
		if len(q.Expect) == 0 {
			continue
		}
		t.answerable++
		x, err := eng.Explain(ctx, q.Q, 0)
		if err != nil {
			return t, err
		}
		for i, c := range x.Candidates {
			if !q.AnsweredBy(c.Text) {
				continue
			}
			if i == 0 {
				t.first++
			}
			if i < 3 {
				t.top3++
			}
			if i < 10 {
				t.top10++
			}
			if c.Hard > 0 {
				t.sharing++
				if i == 0 {
					t.firstSharing++
				}
			}
			break
		}
		res, _, err := retrieval.Evaluate(ctx, eng.Answer, []retrieval.EvalQuestion{q})
		if err != nil {
			return t, err
		}
		if res[0].FirstRight() {
			t.replyFirst++
		}
	}
	return t, nil
}
