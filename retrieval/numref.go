package retrieval

import (
	"slices"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// Numbered references. Declarations, orders and minutes number their parts
// ("Article 5", "Sec. 3", "Item 12"), and people ask for them by number, but
// a number of one or two digits is a stop word. A word followed by a number
// is therefore indexed as one more term, refPrefix + the word's stem + "#" +
// the number, so "Article 19" finds the paragraph that starts "Article 19."
// and not every article. Nothing lists which words number things: the
// documents show it (see lexIndex.usedRef).

// refPrefix starts the terms of numbered references; ':' never occurs in a
// token.
const refPrefix = "ref:"

// maxRefDigits caps the numbers of references: four digits are usually a
// year ("February 2023"), not a part of a document.
const maxRefDigits = 3

// numberedRefs calls emit with the term of every numbered reference in toks,
// the tokens of text, and the index of its number token: a content word
// followed, after only spaces, a hyphen or a dot (see refGap), by a number
// of 1 to maxRefDigits digits.
func numberedRefs(text string, toks []token, emit func(term string, at int)) {
	for i := 1; i < len(toks); i++ {
		num, word := toks[i].word, toks[i-1].word
		if len(num) > maxRefDigits || strings.IndexFunc(num, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0 {
			continue
		}
		if isStopword(word) || isNumber(word) || !refGap(text[toks[i-1].end:toks[i].start]) {
			continue
		}
		emit(refKind(word)+num, i)
	}
}

// refGap reports whether what separates a word from its number can stand
// in a reference: spaces, a hyphen, or an abbreviation's dot ("Sec. 3").
func refGap(gap string) bool {
	g := strings.TrimSpace(gap)
	return gap != "" && (g == "" || g == "-" || g == ".")
}

// refKind is the part of a reference's term before its number: the prefix
// and the stem of the word that numbers ("ref:articl#").
func refKind(word string) string {
	return refPrefix + english.Stem(word, true) + "#"
}

// minRefAbbrev is the fewest letters of an abbreviated reference word.
const minRefAbbrev = 3

// usedRef returns the term of a question's numbered reference as the
// documents write it, and whether they use that kind of reference at all:
// as asked ("Article 5"), or abbreviated one way or the other ("section 4"
// for "Sec. 4", "art 5" for "Article 5"). Of the kinds that match, the first
// (the one asked, then in order) whose number the documents have wins, so
// "section 4" finds "Sec. 4" in an order that also cites "section 503".
func (ix *lexIndex) usedRef(term string) (string, bool) {
	kind, num, _ := strings.Cut(term, "#")
	word := strings.TrimPrefix(kind, refPrefix)
	var kinds []string
	for used := range ix.refKinds {
		u := strings.TrimSuffix(strings.TrimPrefix(used, refPrefix), "#")
		if u == word || abbreviates(u, word) || abbreviates(word, u) {
			kinds = append(kinds, used)
		}
	}
	if len(kinds) == 0 {
		return "", false
	}
	slices.SortFunc(kinds, func(a, b string) int {
		switch {
		case a == kind+"#":
			return -1
		case b == kind+"#":
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, k := range kinds {
		if ix.df(k+num) > 0 {
			return k + num, true
		}
	}
	return kinds[0] + num, true
}

// abbreviates reports whether short is an abbreviation of long: at least
// minRefAbbrev letters long, shorter, and its beginning.
func abbreviates(short, long string) bool {
	return len(short) >= minRefAbbrev && len(short) < len(long) && strings.HasPrefix(long, short)
}
