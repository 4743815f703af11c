package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// headingKind says what a section heading gives the topics (see
// headingTopic).
type headingKind int

const (
	// headingOther names no topic: a sentence ("Here's what you need to
	// know"), a signature, a date line, a generic part ("Introduction").
	headingOther headingKind = iota
	// headingNamed is a noun phrase: the topic itself.
	headingNamed
	// headingNumbered is only a number ("Article IV", "4."): its section
	// has a subject the heading does not name.
	headingNumbered
)

// maxHeadingTopicWords caps the words of a heading that names a topic: a
// longer one is a sentence or a title.
const maxHeadingTopicWords = 6

// labelWords name a kind of part of a document when a number follows
// them ("Article IV", "Sec. 3"): the pair says where a part is, not what
// it is about.
var labelWords = toSet(`article art section sec chapter chap part clause annex appendix schedule title rule item paragraph para`)

// genericHeadings name a part of any document, not a subject: their
// sections' passages speak for themselves.
var genericHeadings = toSet(`introduction overview summary background conclusion conclusions contents notes note references
appendix annex preamble general miscellaneous other others details faq faqs glossary index`)

// headingConnectors may stand between the nominal words of a heading
// ("Freedom of Investigation", "Support for Caregivers").
var headingConnectors = toSet(`and or of the for in on`)

// headingTopic returns the topic a section heading names and what kind of
// heading it is. The heading loses a leading number label first (see
// stripNumberLabel): the number says where the section is, not what it is
// about. Nothing left means a numbered heading. What is left names the
// topic when it is a noun phrase by the rules of topicCandidates — nouns
// and adjectives ending in a noun, with connectors between them, at most
// maxHeadingTopicWords words — that is no generic heading ("Summary") and
// no person's or place's name (two or more capitalized words whose last is
// a name or unknown to WordNet, or whose first is a name: "Joseph Biden");
// anything else ("Frequently Asked Questions", "Signed at Washington, on 1
// December 1959", "Leadership to Tackle Plastic Pollution") names none.
func (a *analyzer) headingTopic(heading string) (string, headingKind) {
	rest := stripNumberLabel(heading)
	toks := tokenize(rest)
	if len(toks) == 0 {
		return "", headingNumbered
	}
	if len(toks) > maxHeadingTopicWords || genericHeadings[strings.ToLower(rest)] {
		return "", headingOther
	}
	memo := nominalMemo{}
	capitals := 0
	for i, t := range toks {
		last := i == len(toks)-1
		if isCapitalized(rest[t.start:]) {
			capitals++
		}
		if headingConnectors[t.word] && i > 0 && !last {
			continue
		}
		if isStopword(t.word) || isNumber(t.word) {
			return "", headingOther
		}
		f := a.nominalOf(memo, t.word)
		if !f.modifier || last && !f.head {
			return "", headingOther
		}
	}
	if len(toks) > 1 && capitals == len(toks) && a.namesSomeone(toks[0].word, toks[len(toks)-1].word) {
		return "", headingOther
	}
	return rest, headingNamed
}

// namesSomeone reports whether a phrase of capitalized words from first to
// last names a person or a place (see isPersonOrPlace).
func (a *analyzer) namesSomeone(first, last string) bool {
	lemmas := a.lex.Lemmas(last)
	if len(lemmas) == 0 {
		return true
	}
	for _, l := range append(lemmas, a.lex.Lemmas(first)...) {
		if a.lex.IsName(l) {
			return true
		}
	}
	return false
}

// stripNumberLabel returns heading without a leading number label and the
// punctuation after it, and without trailing "." or ":": a label word and
// a number ("Article IV", "Sec. 3.", "§ 2"), or a number alone: digits
// ("3", "2.1"), or a Roman numeral or a letter followed by "." or ")"
// ("IV.", "(b)") or standing alone. "A Guide" keeps its "A".
func stripNumberLabel(heading string) string {
	s := strings.TrimLeft(strings.TrimSpace(heading), "(")
	first, rest, _ := strings.Cut(s, " ")
	word := strings.ToLower(strings.TrimRight(first, ".:"))
	switch {
	case strings.HasPrefix(word, "§") && isLabelNumber(strings.TrimRight(strings.TrimPrefix(word, "§"), ".:)")) && word != "§":
		s = rest
	case labelWords[word] || word == "§":
		num, after, _ := strings.Cut(strings.TrimSpace(rest), " ")
		if isLabelNumber(strings.TrimRight(num, ".:)")) {
			s = after
		}
	default:
		core := strings.TrimRight(first, ".:)")
		if isDigitsAndDots(core) && core != "" || isLabelNumber(core) && (rest == "" || core != first) {
			s = rest
		}
	}
	s = strings.TrimLeft(s, " .:-–—)")
	return strings.TrimRight(s, " .:")
}

// isLabelNumber reports whether s numbers a part: digits and dots, a Roman
// numeral or one letter.
func isLabelNumber(s string) bool {
	if s == "" {
		return false
	}
	if isDigitsAndDots(s) || utf8.RuneCountInString(s) == 1 && unicode.IsLetter([]rune(s)[0]) {
		return true
	}
	return len(s) <= 8 && strings.Trim(strings.ToUpper(s), "IVXLCDM") == "" &&
		(s == strings.ToUpper(s) || s == strings.ToLower(s))
}

func isDigitsAndDots(s string) bool {
	return s != "" && strings.Trim(s, "0123456789.") == "" && s[0] != '.'
}
