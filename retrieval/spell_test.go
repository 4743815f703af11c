package retrieval

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b    string
		maxDist int
		want    int
	}{
		{"fishery", "fishery", 2, 0},
		{"infrastucture", "infrastructure", 2, 1},
		{"agricultre", "agriculture", 1, 1},
		{"gmaes", "games", 1, 1},
		{"fisheris", "fisheries", 2, 1},
		{"statement", "fisheris", 2, 3},
		{"abc", "abcdef", 2, 3},
		{"kitten", "sitting", 3, 3},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b, tt.maxDist); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.maxDist, got, tt.want)
		}
	}
}

// TestCorrect checks which question words are read as misspellings, and of
// what: only words neither WordNet nor the documents know are changed, to a
// word of the documents first, else to an English word the documents bear
// on.
func TestCorrect(t *testing.T) {
	e := mustIndex(t, mustDocs(t, map[string]string{"d.txt": "The ministers discussed infrastructure and fishing.\n\nThe harbour authority will expand the container terminal.\n"}), Config{})
	tests := []struct {
		word string
		want string // "" when the word is left as typed
	}{
		{"infrastucture", "infrastructure"},
		{"infrastrcture", "infrastructure"},
		{"harbor", ""},             // an English word: never changed
		{"fisheris", "fishers"},    // English, bearing on "fishing" ("fisheries" too, but rarer)
		{"contianer", "container"}, // a transposition
		{"zxqvbnm", ""},            // nothing near
		{"gmaes", ""},              // "games": nothing in the documents bears on it
		{"ministers", ""},          // a word of the documents
		{"infra", ""},              // too far from anything
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			got, ok, err := e.newSpeller(context.Background()).correct(tt.word, e.an.info(tt.word).forms)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				got = ""
			}
			if got != tt.want {
				t.Fatalf("correct(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

// osaDistance is the optimal-string-alignment distance by the full table,
// the reference for editDistance.
func osaDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// TestEditDistanceBand checks the banded editDistance against the full
// table on random strings over a small alphabet (so that they are often
// close), short and longer than its stack rows.
func TestEditDistanceBand(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc"[rng.IntN(3)]
		}
		return string(b)
	}
	for range 20000 {
		a := word(rng.IntN(12))
		b := a
		if rng.IntN(4) > 0 {
			b = word(rng.IntN(12))
		}
		if rng.IntN(100) == 0 {
			a, b = strings.Repeat(a, 4), strings.Repeat(b, 4)
		}
		for maxDist := 0; maxDist <= 3; maxDist++ {
			want := min(osaDistance(a, b), maxDist+1)
			if got := editDistance(a, b, maxDist); got != want {
				t.Fatalf("editDistance(%q, %q, %d) = %d, want %d", a, b, maxDist, got, want)
			}
		}
	}
}

// TestEdits1 checks the variants of a word, their number (53n+25 for n
// letters, the figure the bounds of limits.go rest on) and that yield
// returning false stops them.
func TestEdits1(t *testing.T) {
	var got []string
	edits1("cat", func(c string) bool { got = append(got, c); return true })
	if len(got) != 53*3+25 {
		t.Errorf("%d variants of %q, want %d", len(got), "cat", 53*3+25)
	}
	for _, want := range []string{"at", "act", "bat", "cart", "cats", "scat"} {
		if !slices.Contains(got, want) {
			t.Errorf("variants of %q lack %q", "cat", want)
		}
	}
	n := 0
	edits1("cat", func(string) bool { n++; return n < 10 })
	if n != 10 {
		t.Errorf("yield called %d times after returning false at the 10th", n)
	}
}
