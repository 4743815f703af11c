package retrieval

import (
	"context"
	"testing"
)

func TestScore(t *testing.T) {
	hit := Hit{Text: "the answer is here"}
	miss := Hit{Text: "something else"}
	answerable := EvalQuestion{Q: "q", Expect: []string{"answer"}}
	unanswerable := EvalQuestion{Q: "q"}
	tests := []struct {
		name string
		res  EvalResult
		want Metrics
	}{
		{"quoted right first", EvalResult{Question: answerable, Answer: Answer{Found: true, Passages: []Hit{hit}}, Rank: 1},
			Metrics{N: 1, Answerable: 1, Recall1: 1, Recall3: 1, MRR: 1, First: 1, Shown: 1, FoundRight: 1}},
		{"quoted right second", EvalResult{Question: answerable, Answer: Answer{Found: true, Passages: []Hit{miss, hit}}, Rank: 2},
			Metrics{N: 1, Answerable: 1, Recall3: 1, MRR: 0.5, Shown: 1, ConfWrong: 1, FoundRight: 1}},
		{"closest right", EvalResult{Question: answerable, Answer: Answer{Closest: []Hit{hit}}, ClosestRank: 1},
			Metrics{N: 1, Answerable: 1, First: 1, Shown: 1}},
		{"closest right second", EvalResult{Question: answerable, Answer: Answer{Closest: []Hit{miss, hit}}, ClosestRank: 2},
			Metrics{N: 1, Answerable: 1, Shown: 1}},
		{"not covered, answerable", EvalResult{Question: answerable},
			Metrics{N: 1, Answerable: 1}},
		{"not covered, unanswerable", EvalResult{Question: unanswerable},
			Metrics{N: 1, NoAnswer: 1, FoundRight: 1}},
		{"closest for unanswerable", EvalResult{Question: unanswerable, Answer: Answer{Closest: []Hit{miss}}},
			Metrics{N: 1, FoundRight: 1}},
		{"quote for unanswerable", EvalResult{Question: unanswerable, Answer: Answer{Found: true, Passages: []Hit{miss}}},
			Metrics{N: 1, ConfWrong: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Score([]EvalResult{tt.res}); got != tt.want {
				t.Errorf("Score = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEvaluateRanksClosestOnlyWhenNothingQuoted(t *testing.T) {
	set := []EvalQuestion{{Q: "a", Expect: []string{"answer"}}}
	ask := func(_ context.Context, q string, top int) (Answer, error) {
		return Answer{Closest: []Hit{{Text: "no"}, {Text: "the answer"}}}, nil
	}
	res, m, err := Evaluate(context.Background(), ask, set)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Rank != 0 || res[0].ClosestRank != 2 || m.First != 0 || m.Shown != 1 {
		t.Errorf("result %+v, metrics %+v", res[0], m)
	}
}

func TestAnsweredBy(t *testing.T) {
	q := EvalQuestion{Q: "fisheries?", Expect: []string{"fishing industry", "aquaculture"}}
	for _, tc := range []struct {
		q    EvalQuestion
		text string
		want bool
	}{
		{q, "cooperation on fishing industry and ports", true},
		{q, "aquaculture", true},
		{q, "cooperation on fishing", false},
		{q, "", false},
		{EvalQuestion{Q: "not covered"}, "cooperation on fishing industry", false},
	} {
		if got := tc.q.AnsweredBy(tc.text); got != tc.want {
			t.Errorf("%v.AnsweredBy(%q) = %v, want %v", tc.q.Expect, tc.text, got, tc.want)
		}
	}
}
