package retrieval

import (
	"slices"
	"strings"
	"testing"
)

func TestContentTerms(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"framing and stop words go", "What did they say about the fisheries?", []string{"fishery"}},
		{"plurals become base forms", "Fishing boats and their quotas", []string{"fishing", "boat", "quota"}},
		{"case and repeats", "Quota QUOTAS quota", []string{"quota"}},
		{"nothing but framing", "what did they say about it?", nil},
		{"unknown words are kept", "zorblax treaty", []string{"zorblax", "treaty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContentTerms(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("ContentTerms(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestContentTermsBounded(t *testing.T) {
	var words []string
	for i := range 100 {
		words = append(words, "word"+strings.Repeat("x", i%50)+string(rune('a'+i%26)))
	}
	if got := ContentTerms(strings.Join(words, " ")); len(got) != maxTerms {
		t.Errorf("%d terms, want at most %d", len(got), maxTerms)
	}
}
