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
