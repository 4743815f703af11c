package retrieval

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeQuestion(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"say about", "what did they say about fisheries?", "fisheries"},
		{"statement say", "What did the statement say about multilateralism?", "multilateralism"},
		{"did they mention", "Did they mention the digital economy?", "the digital economy"},
		{"anything on", "Anything on the Belt and Road Initiative?", "the Belt and Road Initiative"},
		{"what about", "what about sustainable agriculture", "sustainable agriculture"},
		{"talk about", "did they talk about code-sharing?", "code-sharing"},
		{"position", "What is their position on the WTO?", "the WTO"},
		{"framing after a greeting", "hi, did they discuss nuclear weapons?", "nuclear weapons"},
		{"runs of white space", "what   about\n\tflights ?", "flights"},
		{"plain question kept", "Will they cooperate on infrastructure?", "Will they cooperate on infrastructure"},
		{"only framing", "what did they say about?", ""},
		{"empty", "", ""},
		{"spaces", "   \t ", ""},
		{"non-ascii kept", "¿qué dijeron sobre la pesca?", "¿qué dijeron sobre la pesca"},
		// Chat markup is bot.CleanQuestion's to remove; here it is text.
		{"markup is not framing", "<@U024BE7LH> fisheries", "<@U024BE7LH> fisheries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeQuestion(tt.in); got != tt.want {
				t.Errorf("NormalizeQuestion(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzNormalizeQuestion(f *testing.F) {
	for _, s := range []string{
		"what did they say about fisheries?", "hi, anything on x?", "\xff\xfe", "",
		"did they mention", "anything on anything on y?", "what   about \t z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := NormalizeQuestion(in)
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("NormalizeQuestion(%q) = %q: not UTF-8", in, out)
		}
		if out != strings.TrimSpace(out) {
			t.Fatalf("NormalizeQuestion(%q) = %q: not trimmed", in, out)
		}
		if len(out) > len(in) {
			t.Fatalf("NormalizeQuestion(%q) = %q: longer than the question", in, out)
		}
		// Analysis of any question must not panic either.
		_ = tokenize(out)
	})
}
