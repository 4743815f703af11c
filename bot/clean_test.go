package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanQuestion(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"slack mention", "<@U024BE7LH> what did they say about fisheries?", "what did they say about fisheries?"},
		{"slack mention with name", "<@U024BE7LH|quotebot> fisheries", "fisheries"},
		{"slack channel", "<#C024BE7LR|general> fisheries", "fisheries"},
		{"discord mention", "<@!80351110224678912> anything on trade?", "anything on trade?"},
		{"discord role and channel", "<@&165511591545143296> <#1234> flights", "flights"},
		{"discord custom emoji", "fisheries <:fish:123456789> <a:wave:42>?", "fisheries ?"},
		{"typed at-name", "@quotebot, what about flights?", "what about flights?"},
		{"several at-names", "@quotebot @helper: flights", "flights"},
		{"slack link keeps label", "what about <https://example.com/wto|the WTO>?", "what about the WTO?"},
		{"slack bare link keeps the URL", "see <https://example.com/a>", "see https://example.com/a"},
		{"special mention", "<!here> tell me about fisheries", "tell me about fisheries"},
		{"mention mid-sentence", "what <@U1> about  fisheries", "what about fisheries"},
		{"runs of white space", " what\tabout\n\nfisheries ", "what about fisheries"},
		{"framing is kept", "did they mention the digital economy?", "did they mention the digital economy?"},
		{"angle brackets that are not markup", "fish & chips <now>", "fish & chips <now>"},
		{"an e-mail address mid-sentence", "write to a@b.org", "write to a@b.org"},
		{"non-ascii kept", "¿qué dijeron sobre la pesca?", "¿qué dijeron sobre la pesca?"},
		{"only markup", "<@U1> <#C2|x>", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanQuestion(tt.in); got != tt.want {
				t.Errorf("CleanQuestion(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsHelp(t *testing.T) {
	for q, want := range map[string]bool{
		"": true, "?": true, "help": true, "HELP": true, "Help?": true, "help!": true,
		"help me with trade": false, "fisheries": false, "helpful measures": false,
	} {
		if got := isHelp(q); got != want {
			t.Errorf("isHelp(%q) = %v, want %v", q, got, want)
		}
	}
}

func FuzzCleanQuestion(f *testing.F) {
	for _, s := range []string{
		"what did they say about fisheries?", "<@U1|bot> <#C2|x> <!here> hi", "<https://a.b|c>",
		"@a @b, what about x", "<:e:1><a:f:2>", "\xff\xfe", "", "<<@U1>>", "<https://a|<@U2>>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := CleanQuestion(in)
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("CleanQuestion(%q) = %q: not UTF-8", in, out)
		}
		if out != strings.TrimSpace(out) {
			t.Fatalf("CleanQuestion(%q) = %q: not trimmed", in, out)
		}
		if len(out) > len(in) {
			t.Fatalf("CleanQuestion(%q) = %q: longer than the question", in, out)
		}
		if chatMarkup.MatchString(out) {
			t.Fatalf("CleanQuestion(%q) = %q: mention left", in, out)
		}
	})
}
