package retrieval

import (
	"slices"
	"testing"
)

func TestPhrases(t *testing.T) {
	a := newAnalyzer()
	tests := []struct {
		text string
		want []string
	}{
		{"the free trade agreements", []string{"free trade"}},
		{"a free-trade deal", []string{"free trade"}},
		{"lamps burning coal oil", []string{"coal oil"}},
		{"coal, oil and gas", nil},
		{"free. Trade", nil},
		{"air travel", []string{"air travel"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var got []string
			for _, p := range a.phrases(tt.text, tokenize(tt.text)) {
				got = append(got, p.text)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("phrases(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestAcronymTerm(t *testing.T) {
	tests := []struct {
		orig string
		want string // "" when orig is not an acronym
	}{
		{"OMB", "acr:omb"},
		{"U.S.", "acr:us"},
		{"OMB's", "acr:omb"},
		{"OMB’s", "acr:omb"},
		{"Omb", ""},
		{"A", ""},
		{"ABCDEFGHI", ""},
		{"G20", ""},
	}
	for _, tt := range tests {
		got, ok := acronymTerm(tt.orig)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("acronymTerm(%q) = %q, %v; want %q", tt.orig, got, ok, tt.want)
		}
	}
}

func TestNameInitials(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"the Office of Management and Budget", []string{"acr:om", "acr:omb", "acr:mb"}},
		{"the U.S. Environmental Protection Agency", []string{"acr:ep", "acr:epa", "acr:pa"}},
		{"Research & Development", []string{"acr:rd"}},
		{"Department of the Treasury", []string{"acr:dt"}},
		{"Lima, Peru", nil},
		{"The Council met", nil},
		{"in Paris on Monday", []string{"acr:pm"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var got []string
			nameInitials(tt.text, tokenize(tt.text), func(term string, _, _ int) { got = append(got, term) })
			if !slices.Equal(got, tt.want) {
				t.Fatalf("nameInitials(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestCredits checks how the words of a multi-word lemma and of a name are
// credited in a text that lacks the lemma or the name: a lemma's words at
// most partCredit, a name's words in full.
func TestCredits(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"d.txt": "President Biden met the council.\n\nBiden praised the nuclear medicine unit.\n"}), Config{})
	text := "Biden praised the nuclear medicine unit."
	terms := e.an.termSet(text)
	tests := []struct {
		question, word string
		want           float64
	}{
		{"What did President Biden say?", "biden", 1},
		{"nuclear weapons", "nuclear", partCredit},
		{"nuclear medicine", "nuclear", 1},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			q := mustQuery(t, e, NormalizeQuestion(tt.question))
			credits := q.credits(func(term string) bool { return terms[term] })
			for k, s := range q.slots {
				if s.word == tt.word && !s.phrase {
					if credits[k] != tt.want {
						t.Fatalf("credit of %q in %q = %v, want %v", tt.word, text, credits[k], tt.want)
					}
					return
				}
			}
			t.Fatalf("no slot for %q in %q", tt.word, tt.question)
		})
	}
}

func TestNumberedRefs(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Article 5. No one shall be held", []string{"ref:articl#5"}},
		{"under Sec. 3 of this order", []string{"ref:sec#3"}},
		{"the COVID-19 pandemic", []string{"ref:covid#19"}},
		{"in February 2023", nil},
		{"in 12 cases", nil},
		{"Article 5, 6", []string{"ref:articl#5"}},
		{"Article\n7", []string{"ref:articl#7"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var got []string
			numberedRefs(tt.text, tokenize(tt.text), func(term string, _ int) { got = append(got, term) })
			if !slices.Equal(got, tt.want) {
				t.Fatalf("numberedRefs(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestTokenize pins how words are split, acronym dots included (a dot joins
// after a one-letter piece only).
func TestTokenize(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"The U.S. and e.g. this", []string{"the", "u.s.", "and", "e.g.", "this"}},
		{"U.S.A.'s ports", []string{"u.s.a.", "s", "ports"}},
		{"don't stop", []string{"don't", "stop"}},
		{"fish.Chips", []string{"fish", "chips"}},
		{"a.bc.d", []string{"a.bc.", "d"}},
		{"a'b.c", []string{"a'b", "c"}},
		{"a.b.c.d.e.f.g.h.i.j", []string{"a.b.c.d.e.f.g.h.i.j"}},
		{"é.ß.ç works", []string{"é.ß.ç", "works"}},
		{"high-speed rail", []string{"high", "speed", "rail"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range tokenize(tt.text) {
			got = append(got, tok.word)
			if tt.text[tok.start:tok.end] == "" {
				t.Errorf("tokenize(%q): empty range for %q", tt.text, tok.word)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("tokenize(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
