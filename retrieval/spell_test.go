package retrieval

import "testing"

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
			got, ok := e.correct(tt.word, e.an.info(tt.word).forms)
			if !ok {
				got = ""
			}
			if got != tt.want {
				t.Fatalf("correct(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}
