package corpus_test

import (
	"testing"

	"github.com/quotebot/quotebot/corpus"
)

func TestStripControls(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text is kept", "Tab\tand\nline feed, café, 日本, \u200fmark.", "Tab\tand\nline feed, café, 日本, \u200fmark."},
		{"colour sequence", "a \x1b[1;31mred\x1b[0m b", "a red b"},
		{"bell and nul", "ding\x07 dong\x00", "ding dong"},
		{"window title, ended by BEL", "\x1b]0;owned\x07Title", "Title"},
		{"hyperlink, ended by ST", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ text", "link text"},
		{"unterminated string stops at the line end", "\x1b]0;no end\nnext line", "\nnext line"},
		{"C1 CSI", "a\u009b2Jb", "ab"},
		{"C1 OSC ended by C1 ST", "a\u009d0;t\u009cb", "ab"},
		{"charset selection", "\x1b(Bword", "word"},
		{"two-byte escape", "\x1b7saved\x1b8", "saved"},
		{"escape before a space keeps the next word", "end\x1b next", "end next"},
		{"lone escape at the end", "end\x1b", "end"},
		{"CSI cut short", "\x1b[12", ""},
		{"form feed, vertical tab and next line separate words", "page\fone\vtwo\u0085three", "page one two three"},
		{"DEL and other C1", "a\x7fb\u0080c\u0099d", "abcd"},
		{"C1 APC string", "a\u009fhidden\u009cb", "ab"},
		{"bidi overrides and isolates", "\u202eabc\u202c \u2066x\u2069 \u202ay\u202b", "abc x y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := corpus.StripControls(tt.in); got != tt.want {
				t.Errorf("StripControls(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
