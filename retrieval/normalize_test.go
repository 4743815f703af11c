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
		{"slack mention", "<@U024BE7LH> what did they say about fisheries?", "fisheries"},
		{"slack mention with name", "<@U024BE7LH|quotebot> fisheries", "fisheries"},
		{"discord mention", "<@!80351110224678912> anything on trade?", "trade"},
		{"discord role and channel", "<@&165511591545143296> <#1234> flights", "flights"},
		{"typed at-name", "@quotebot, what about flights?", "flights"},
		{"slack link keeps label", "what about <https://example.com/wto|the WTO>?", "the WTO"},
		{"special mention", "<!here> tell me about fisheries", "fisheries"},
		{"plain question kept", "Will they cooperate on infrastructure?", "Will they cooperate on infrastructure"},
		{"only framing", "what did they say about?", ""},
		{"empty", "", ""},
		{"spaces", "   \t ", ""},
		{"non-ascii kept", "¿qué dijeron sobre la pesca?", "¿qué dijeron sobre la pesca"},
		{"greeting then question", "hi, did they discuss nuclear weapons?", "nuclear weapons"},
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
		"what did they say about fisheries?", "<@U1|bot> <#C2|x> <!here> hi", "<https://a.b|c>",
		"@a @b, what about x", "did they mention", "\xff\xfe", "", "anything on anything on y?",
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
		if chatMarkup.MatchString(out) {
			t.Fatalf("NormalizeQuestion(%q) = %q: mention left", in, out)
		}
		if len(out) > len(in) {
			t.Fatalf("NormalizeQuestion(%q) = %q: longer than the question", in, out)
		}
		// Analysis of any question must not panic either.
		_ = tokenize(out)
	})
}
