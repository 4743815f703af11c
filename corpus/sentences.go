package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations are common English abbreviations after which a period does
// not end a sentence. They are general written-English forms, compared in
// lower case without the trailing period.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sr": true, "jr": true,
	"st": true, "mt": true, "gen": true, "gov": true, "sen": true, "rep": true, "rev": true,
	"hon": true, "amb": true, "pres": true, "lt": true, "col": true, "capt": true, "sgt": true,
	"no": true, "nos": true, "vol": true, "art": true, "para": true, "sec": true, "ch": true,
	"fig": true, "p": true, "pp": true, "e.g": true, "i.e": true, "etc": true, "vs": true,
	"cf": true, "al": true, "approx": true, "inc": true, "ltd": true, "co": true, "corp": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// SplitSentences returns the byte ranges of text's sentences, in order and
// covering every non-space byte. A sentence ends at '.', '!' or '?' (with any
// closing quotes or brackets) followed by white space and a capital letter,
// digit, quote or opening bracket, unless the word before the period is a
// common abbreviation or a single initial. Leading and trailing spaces are
// not part of a sentence.
func SplitSentences(text string) []Span {
	var spans []Span
	start := skipSpace(text, 0)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r != '.' && r != '!' && r != '?' && r != '…' {
			i += size
			continue
		}
		end := i + size
		for end < len(text) && strings.ContainsRune(`.!?"')]”’»`, rune(text[end])) {
			end++
		}
		// Closing curly quotes are multi-byte; take them whole.
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if r2 != '”' && r2 != '’' && r2 != '»' {
				break
			}
			end += s2
		}
		next := skipSpace(text, end)
		if next == end || next >= len(text) {
			i = end
			continue
		}
		if !startsSentence(text[next:]) || (r == '.' && isAbbreviation(text[start:i])) {
			i = end
			continue
		}
		spans = append(spans, Span{Start: start, End: end})
		start = next
		i = next
	}
	if end := len(strings.TrimRightFunc(text, unicode.IsSpace)); start < end {
		spans = append(spans, Span{Start: start, End: end})
	}
	return spans
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

func startsSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'([“‘«`, r)
}

// isAbbreviation reports whether the last word of s (the text before a
// period) is an abbreviation or an initial such as the "J" of "J. Smith".
func isAbbreviation(s string) bool {
	i := strings.LastIndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == '"' })
	word := s[i+1:]
	if word == "" {
		return false
	}
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r)
	}
	if isDotted(word) {
		return true
	}
	return abbreviations[strings.ToLower(word)]
}

// isDotted reports whether word is a dotted abbreviation before its final
// period, such as "U.S", "e.g" or "Ph.D": letters in dot-separated groups of
// one or two. Numbers such as "3.5" and names such as "example.com" are not.
func isDotted(word string) bool {
	parts := strings.Split(word, ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		n := utf8.RuneCountInString(p)
		if n == 0 || n > 2 || strings.IndexFunc(p, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
			return false
		}
	}
	return true
}
