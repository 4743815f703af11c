package retrieval

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestExplainAgreesWithAnswer: Explain reports the decision Answer acts on
// and the candidates it ranks, so the eval report's ceiling (testdata/eval/
// report -ceiling) measures the real pipeline.
func TestExplainAgreesWithAnswer(t *testing.T) {
	e := mustIndex(t, mustSeed(t), Config{})
	ctx := context.Background()
	for _, tc := range []struct {
		q, verdict string
		// holds is a string of the first candidate; "" when there is none.
		holds string
	}{
		{"what did they say about fisheries?", "quoted", "fishing industry"},
		{"Will they cooperate on infrastructure?", "quoted", "infrastructure"},
		{"what about the Olympic Games in Paris?", "not covered", ""},
		{"what did they say?", "not covered", ""},
		{"¶3", "quoted", ""},
	} {
		t.Run(tc.q, func(t *testing.T) {
			x, err := e.Explain(ctx, tc.q, 5)
			if err != nil {
				t.Fatal(err)
			}
			a := mustAnswer(t, e, tc.q, DefaultTop)
			if x.Verdict != tc.verdict {
				t.Fatalf("verdict %q (%s), want %q", x.Verdict, x.Why, tc.verdict)
			}
			if got := verdictOf(a); got != x.Verdict {
				t.Errorf("Answer's verdict %q, Explain's %q", got, x.Verdict)
			}
			if x.Why == "" {
				t.Error("no reason")
			}
			if len(x.Candidates) > 5 {
				t.Errorf("%d candidates, asked for 5", len(x.Candidates))
			}
			if tc.holds == "" {
				return
			}
			if len(x.Candidates) == 0 || !strings.Contains(x.Candidates[0].Text, tc.holds) {
				t.Fatalf("first candidate %+v, want one holding %q", x.Candidates, tc.holds)
			}
			c := x.Candidates[0]
			if c.Hard <= 0 || c.Score <= 0 {
				t.Errorf("first candidate hard %.2f score %.2f, want both > 0", c.Hard, c.Score)
			}
			for _, s := range signals {
				if _, ok := c.Signals[s.name]; !ok {
					t.Errorf("signal %q missing from %v", s.name, c.Signals)
				}
			}
			if a.Passages[0].Text != c.Text {
				t.Errorf("quoted %q first, ranked %q first", a.Passages[0].Text, c.Text)
			}
			for i := 1; i < len(x.Candidates); i++ {
				if x.Candidates[i].Score > x.Candidates[i-1].Score {
					t.Errorf("candidate %d scores %.3f above candidate %d's %.3f", i, x.Candidates[i].Score, i-1, x.Candidates[i-1].Score)
				}
			}
		})
	}
	if _, err := e.Explain(ctx, strings.Repeat("x", MaxQuestionLen+1), 0); !errors.Is(err, ErrQuestionTooLong) {
		t.Errorf("too long a question: %v, want ErrQuestionTooLong", err)
	}
}

// verdictOf names the kind of reply a is, as Explanation.Verdict does.
func verdictOf(a Answer) string {
	switch {
	case a.Found:
		return "quoted"
	case len(a.Closest) > 0:
		return "closest"
	}
	return "not covered"
}
