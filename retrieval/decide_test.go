package retrieval

import (
	"context"
	"testing"
)

// TestThreeWayAnswer checks the three replies on the minutes: quoted when a
// passage covers the question in its own words, the closest passage when
// one stands out although the wording is not matched well enough, and "not
// covered" with nothing quoted or offered when the question names a place
// the documents never mention.
func TestThreeWayAnswer(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"minutes.txt": minutes}), Config{})
	tests := []struct {
		name      string
		q         string
		want      verdict
		paragraph int
	}{
		{"quoted", "when will the swimming pool close for repairs?", quoted, 2},
		{"closest", "did they talk about the football budget for the stadium?", closestOnly, 1},
		{"name the documents never mention", "what did they say about Paris?", notCovered, 0},
		{"lower-case name WordNet knows", "anything on peru?", notCovered, 0},
		{"name beside covered words", "will the library in Paris open longer?", notCovered, 0},
		{"name whose initials the documents use", "what about the Federal Aviation Administration?", quoted, 9},
		{"partial evidence: only a synonym matches", "what about air travel?", closestOnly, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, d, err := e.answer(context.Background(), tt.q, 3)
			if err != nil {
				t.Fatal(err)
			}
			if d.verdict != tt.want {
				t.Fatalf("verdict %d (%s), want %d: %+v", d.verdict, d.why, tt.want, a)
			}
			switch tt.want {
			case quoted:
				if !a.Found || a.Passages[0].Paragraph != tt.paragraph || len(a.Closest) != 0 {
					t.Fatalf("answer %+v, want ¶%d quoted", a, tt.paragraph)
				}
			case closestOnly:
				if a.Found || len(a.Passages) != 0 || len(a.Closest) == 0 || len(a.Closest) > maxClosest || a.Closest[0].Paragraph != tt.paragraph {
					t.Fatalf("answer %+v, want ¶%d as the closest passage", a, tt.paragraph)
				}
			case notCovered:
				if a.Found || len(a.Passages) != 0 || len(a.Closest) != 0 || len(a.Topics) == 0 {
					t.Fatalf("answer %+v, want not covered with topics", a)
				}
			}
		})
	}
}

// TestNamesAreMatchedOnlyAsNames: a name is never expanded through WordNet
// synonyms or word vectors, while a common word is.
func TestNamesAreMatchedOnlyAsNames(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"a.txt": "Myanmar held talks on trade.\n\nThe salary of teachers will rise.\n"}), Config{})
	q := mustQuery(t, e, "Burma")
	if len(q.slots) != 1 || !q.slots[0].proper {
		t.Fatalf("slots %+v, want one name", q.slots)
	}
	for _, v := range q.slots[0].variants {
		if !v.exact {
			t.Errorf("name has a non-exact variant %+v", v)
		}
	}
	common := mustQuery(t, e, "allowance")
	soft := false
	for _, v := range common.slots[0].variants {
		soft = soft || (v.soft && v.term == "salary")
	}
	if !soft {
		t.Errorf("allowance: variants %+v, want salary as a soft match", common.slots[0].variants)
	}
}

// TestBroaderAndNarrowerWords: a question word reaches the words WordNet
// puts one level above or below it ("troops" finds "forces"), with little
// credit and as a soft match, so such a passage can rank but is never
// quoted on that word alone; and no name reaches or is reached that way.
func TestBroaderAndNarrowerWords(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"a.txt": "The two navies will deepen the interoperability of their forces.\n\n" +
		"The weather was fine all week.\n\nParis and other cities will host the games.\n\n" +
		"The disposal of radioactive waste is prohibited.\n"}), Config{})
	tests := []struct {
		name, q, term string
		want          bool
	}{
		{"broader word", "troops", "force", true},
		{"narrower word", "pollution", "water pollution", true},
		{"no class of a name", "Paris", "city", false},
		{"no name of a class", "city", "paris", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := mustQuery(t, e, tt.q)
			var got *variant
			for i, v := range q.slots[0].variants {
				if v.term == tt.term {
					got = &q.slots[0].variants[i]
				}
			}
			if !tt.want {
				if got != nil {
					t.Fatalf("%s: variant %+v, want none", tt.q, *got)
				}
				return
			}
			if got == nil {
				t.Fatalf("%s: variants %+v, want %q", tt.q, q.slots[0].variants, tt.term)
			}
			if got.exact || !got.soft || got.credit > 0.15+1e-6 || got.weight > relatedWeight*(0.15+1e-6) {
				t.Errorf("%s: variant %+v, want a soft match with credit at most 0.15", tt.q, *got)
			}
		})
	}
	q := mustQuery(t, e, "troops")
	has := func(term string) bool { return term == "force" }
	if c := q.credits(has); c[0] == 0 {
		t.Errorf("troops: credit %v in a text with forces, want some", c)
	}
	if c := q.hardCredits(has); c[0] != 0 {
		t.Errorf("troops: hard credit %v in a text with forces, want none", c)
	}
	if a := mustAnswer(t, e, "what about the troops?", 3); a.Found {
		t.Errorf("troops quoted %+v on a broader word alone", a.Passages)
	}
	// "waste" is both a broader word of "garbage" and near it in the word
	// vectors: the nearer meaning's larger credit counts.
	waste := 0.0
	for _, v := range mustQuery(t, e, "garbage").slots[0].variants {
		if v.term == "waste" {
			waste = v.credit
		}
	}
	if waste <= 0.15+1e-6 {
		t.Errorf("garbage: credit %v for waste, want the word vectors' credit, above the hypernym's 0.15", waste)
	}
}

func TestThresholdsValidate(t *testing.T) {
	tests := []struct {
		th Thresholds
		ok bool
	}{
		{DefaultThresholds, true},
		{Thresholds{Quote: 0.5, Closest: 0.6, StandOut: 0.9}, false},
		{Thresholds{Quote: 0, Closest: 0, StandOut: 0.9}, false},
		{Thresholds{Quote: 0.5, Closest: 0.2, StandOut: 0}, false},
		{Thresholds{Quote: 1.2, Closest: 0.2, StandOut: 0.5}, false},
	}
	for _, tt := range tests {
		if err := tt.th.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v: err %v, want ok=%v", tt.th, err, tt.ok)
		}
	}
}

// TestCalibrate fits thresholds on two small sets and reports each held
// out; the fitted thresholds answer the sets' questions right.
func TestCalibrate(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"minutes.txt": minutes}), Config{})
	seed := mustIndex(t, mustSeed(t), Config{})
	sets := []CalibrationSet{
		{Name: "minutes", Engine: e, Questions: []EvalQuestion{
			{Q: "library budget", Expect: []string{"library budget"}},
			{Q: "when will the swimming pool close?", Expect: []string{"swimming pool"}},
			{Q: "what about Paris?"},
		}},
		{Name: "seed", Engine: seed, Questions: []EvalQuestion{
			{Q: "what did they say about fisheries?", Expect: []string{"fishing industry"}},
			{Q: "anything on football?"},
		}},
	}
	th, held, err := Calibrate(context.Background(), sets)
	if err != nil {
		t.Fatal(err)
	}
	if err := th.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(held) != 2 || held[0].Name != "minutes" || len(held[0].Results) != 3 || len(held[1].Results) != 2 {
		t.Fatalf("held out %+v", held)
	}
	var all []EvalResult
	for _, s := range sets {
		all = append(all, replayAll(t, s, th)...)
	}
	if m := Score(all); m.First != 1 || m.NoAnswer != 1 || m.ConfWrong != 0 {
		t.Errorf("fitted %+v: %s", th, m)
	}
}

func replayAll(t *testing.T, s CalibrationSet, th Thresholds) []EvalResult {
	t.Helper()
	var qs []asked
	for _, q := range s.Questions {
		a, err := s.Engine.ask(context.Background(), q, nil)
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, a)
	}
	return replay(qs, th)
}

// TestPartialEvidence: between partialCoverage and Thresholds.Quote of the
// question in its own words, the best-scored such passage is offered as the
// closest passage, even when it does not stand out; from Quote up it is
// quoted; and the band never goes below Thresholds.Closest.
func TestPartialEvidence(t *testing.T) {
	q := query{slots: []slot{{word: "pool", imp: 1}}}
	cand := func(idx int, hard, score float64) candidate {
		return candidate{idx: idx, hard: hard, coverage: hard, score: score, hardCredits: []float64{hard}, credits: []float64{hard}}
	}
	df := func(string) int { return 1 }
	th := DefaultThresholds
	tests := []struct {
		name    string
		cands   []candidate
		th      Thresholds
		want    verdict
		firstIx int
	}{
		{"sure: quoted", []candidate{cand(1, th.Quote, 1), cand(2, 0.1, 0.99)}, th, quoted, 1},
		{"partial, not standing out: closest", []candidate{cand(1, partialCoverage, 1), cand(2, 0.1, 0.99)}, th, closestOnly, 1},
		{"partial lower down, first has none: closest is the partial one", []candidate{cand(1, 0, 1), cand(2, partialCoverage, 0.99)}, th, closestOnly, 2},
		{"sure lower down beats partial above: quoted", []candidate{cand(1, partialCoverage, 1), cand(2, th.Quote, 0.99)}, th, quoted, 2},
		{"under the band, not standing out: not covered", []candidate{cand(1, partialCoverage-0.01, 1), cand(2, 0.1, 0.99)}, th, notCovered, 0},
		{"band raised to Closest", []candidate{cand(1, partialCoverage, 1), cand(2, 0.1, 0.99)}, Thresholds{Quote: 1, Closest: 0.9, StandOut: 0.5}, notCovered, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := q.decide(tt.cands, 3, tt.th, df)
			if d.verdict != tt.want {
				t.Fatalf("verdict %d (%s), want %d", d.verdict, d.why, tt.want)
			}
			if tt.want != notCovered && (len(d.picked) == 0 || d.picked[0].idx != tt.firstIx) {
				t.Fatalf("picked %+v, want passage %d first", d.picked, tt.firstIx)
			}
			if tt.want == closestOnly && len(d.picked) > maxClosest {
				t.Fatalf("%d closest passages, at most %d", len(d.picked), maxClosest)
			}
		})
	}
}
