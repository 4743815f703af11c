// Package dict turns the dictionaries the word vectors are trained on —
// WordNet 3.0's glosses and examples and the GCIDE dictionary, and
// optionally the Aiksaurus thesaurus and the Ding English–German
// dictionary's synonym lists — into entries of lowercase tokens:
// the headwords an entry defines and the sentences of its definition.
package dict

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Entry is one dictionary entry: a WordNet synset, a GCIDE article, or
// (part of) a thesaurus meaning group or Ding synonym group.
type Entry struct {
	// Heads are the headwords the entry defines, each one token; the words
	// of a multi-word headword are joined by '_' ("prime_minister").
	Heads []string
	// Senses are the entry's definition texts as tokens, one slice per
	// sense. Each sense is a training sentence that sees the headwords.
	Senses [][]string
}

// Tokens appends to dst the tokens of s: maximal runs of letters, digits
// and apostrophes, lowercased, with apostrophes trimmed from both ends and
// a possessive "'s" removed ("King's" → "king", "don't" → "don't").
func Tokens(dst []string, s string) []string {
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			dst = appendToken(dst, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		dst = appendToken(dst, s[start:])
	}
	return dst
}

// Join returns the headword token for a possibly multi-word phrase: its
// tokens joined by '_', or "" if it has none.
func Join(phrase string) string {
	return strings.Join(Tokens(nil, strings.ReplaceAll(phrase, "_", " ")), "_")
}

// addHead adds the headword token j (from Join) to heads unless it is empty
// or already there. A multi-word token is a headword only if lemmas (the
// WordNet lemmas) has it; otherwise its words are appended to text, so
// that a phrase WordNet does not know is not learned as one word.
func addHead(heads, text []string, j string, lemmas map[string]bool) ([]string, []string) {
	switch {
	case j == "" || slices.Contains(heads, j):
	case !strings.Contains(j, "_") || lemmas[j]:
		heads = append(heads, j)
	default:
		text = append(text, strings.Split(j, "_")...)
	}
	return heads, text
}

func isWordRune(r rune) bool {
	return r == '\'' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func appendToken(dst []string, t string) []string {
	t = strings.Trim(t, "'")
	if strings.HasSuffix(t, "'s") {
		t = strings.TrimRight(t[:len(t)-2], "'")
	}
	if t == "" {
		return dst
	}
	if isLowerASCII(t) {
		return append(dst, t)
	}
	return append(dst, strings.ToLower(t))
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
