package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// isControl reports whether r is a character Parse removes from documents
// because it can act on whatever displays a quote rather than be read:
//
//   - C0 controls other than tab and line feed (NUL, BEL, BS, ESC, …; CR is
//     turned into a line break before this step), DEL, and C1 controls
//     U+0080–U+009F (U+009B is a one-character CSI): on a terminal they move
//     the cursor, ring the bell, recolour or retitle the window, and chats
//     pass some of them through;
//   - the bidirectional embeddings and overrides U+202A–U+202E and isolates
//     U+2066–U+2069: an unterminated one spills out of the quote and reorders
//     the citation or the rest of the chat message after it ("Trojan Source"),
//     so a passage could display words in an order it does not hold. Text in
//     right-to-left scripts is shown correctly by the implicit bidirectional
//     algorithm without them; the marks U+200E, U+200F and U+061C, which
//     affect only the characters next to them, are kept.
func isControl(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// stripControls removes the characters isControl names from s, and with an
// escape (ESC or a C1 introducer) the rest of its sequence, so that
// "\x1b[31mred\x1b[0m" reads "red" rather than "[31mred[0m": a CSI's
// parameters and final byte, an OSC, DCS, SOS, PM or APC string up to its
// BEL or ST (never past the end of its line), or the one or two bytes of
// any other escape. Controls that are white space (vertical tab, form feed,
// U+0085 next line) become a space, so the words on either side stay apart.
func stripControls(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case !isControl(r):
			b.WriteString(s[i : i+n])
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			n += escapeLen(r, s[i+n:])
		}
		i += n
	}
	return b.String()
}

// escapeLen is how many bytes of rest belong to the escape sequence that
// the control r starts: 0 when r starts none.
func escapeLen(r rune, rest string) int {
	switch r {
	case 0x1b:
		if rest == "" {
			return 0
		}
		switch c := rest[0]; {
		case c == '[':
			return 1 + csiLen(rest[1:])
		case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
			return 1 + stringLen(rest[1:])
		case c > 0x20 && c <= 0x2f: // intermediates, then a final byte
			j := 1
			for j < len(rest) && rest[j] > 0x20 && rest[j] <= 0x2f {
				j++
			}
			if j < len(rest) && rest[j] >= 0x30 && rest[j] <= 0x7e {
				j++
			}
			return j
		case c >= 0x30 && c <= 0x7e:
			return 1
		}
	case 0x9b: // CSI
		return csiLen(rest)
	case 0x90, 0x98, 0x9d, 0x9e, 0x9f: // DCS, SOS, OSC, PM, APC
		return stringLen(rest)
	}
	return 0
}

// csiLen is the length of a control sequence's parameter bytes,
// intermediate bytes (a space is not taken for one, so a stray escape
// cannot eat the next word) and final byte at the start of s.
func csiLen(s string) int {
	j := 0
	for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
		j++
	}
	for j < len(s) && s[j] > 0x20 && s[j] <= 0x2f {
		j++
	}
	if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
		j++
	}
	return j
}

// stringLen is the length of a control string at the start of s: up to and
// including its BEL or string terminator (ESC \ or U+009C), and at most up
// to the end of its line.
func stringLen(s string) int {
	for j := 0; j < len(s); j++ {
		switch {
		case s[j] == '\a':
			return j + 1
		case s[j] == '\n':
			return j
		case strings.HasPrefix(s[j:], "\x1b\\"), strings.HasPrefix(s[j:], "\u009c"):
			return j + 2
		}
	}
	return len(s)
}
