package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Acronyms. Official documents name an agency or a programme in full in one
// place and by its initials in another ("Office of Management and Budget",
// "OMB"), and people ask either way. Both spellings are indexed as one more
// term, acronymPrefix followed by the initials, so that each finds the other.
// Nothing here is a list of known acronyms: the initials come from the text.

// acronymPrefix starts the terms of initials, which cannot collide with
// words since ':' never occurs in a token.
const acronymPrefix = "acr:"

// Bounds of the initials that are indexed.
const (
	minInitials = 2
	maxInitials = 8
)

// nameConnectors are the lowercase words a name keeps without an initial:
// "Department of the Treasury", "Office of Management and Budget".
var nameConnectors = toSet(`of the and for on in to`)

// acronymTerm returns the term of a token spelled as an acronym ("OMB",
// "U.S."): two to maxInitials capital letters, with dots allowed between
// them. orig is the token as written.
func acronymTerm(orig string) (string, bool) {
	orig = strings.TrimSuffix(strings.TrimSuffix(orig, "'s"), "’s")
	var b strings.Builder
	for _, r := range orig {
		switch {
		case r == '.':
		case unicode.IsUpper(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			return "", false
		}
	}
	n := utf8.RuneCountInString(b.String())
	if n < minInitials || n > maxInitials {
		return "", false
	}
	return acronymPrefix + b.String(), true
}

// nameInitials calls emit with the term of the initials of every name in
// toks, the tokens of text: every run of two to maxInitials capitalized words
// that starts and ends with one, joined by spaces, hyphens or '&', with
// connectors ("of", "and") in between contributing no letter. Every such
// run is emitted, so "U.S. Environmental Protection Agency" gives "EPA" as
// well as "EP" and "PA". Capitalized stop words ("The", "In") and acronyms
// are not part of names. from and to are the token indexes of the name.
func nameInitials(text string, toks []token, emit func(term string, from, to int)) {
	capital := func(i int) bool {
		t := toks[i]
		r, _ := utf8.DecodeRuneInString(text[t.start:])
		if !unicode.IsUpper(r) || isStopword(t.word) {
			return false
		}
		_, acr := acronymTerm(text[t.start:t.end])
		return !acr
	}
	for i := range toks {
		if !capital(i) {
			continue
		}
		var initials []rune
		connectors := 0
		for j := i; j < len(toks); j++ {
			if j > i && !nameGap(text[toks[j-1].end:toks[j].start]) {
				break
			}
			if !capital(j) {
				if !nameConnectors[toks[j].word] || connectors == 2 {
					break
				}
				connectors++
				continue
			}
			connectors = 0
			r, _ := utf8.DecodeRuneInString(toks[j].word)
			initials = append(initials, r)
			if len(initials) > maxInitials {
				break
			}
			if len(initials) >= minInitials {
				emit(acronymPrefix+string(initials), i, j+1)
			}
		}
	}
}

// nameGap reports whether what separates two tokens can stand inside a name.
func nameGap(gap string) bool {
	gap = strings.TrimSpace(gap)
	return gap == "" || gap == "-" || gap == "&"
}

// acronymTerms calls emit for the initials terms of text: its acronyms and
// the initials of its names.
func acronymTerms(text string, toks []token, emit func(term string)) {
	for _, t := range toks {
		if term, ok := acronymTerm(text[t.start:t.end]); ok {
			emit(term)
		}
	}
	nameInitials(text, toks, func(term string, _, _ int) { emit(term) })
}
