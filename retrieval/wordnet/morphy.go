package wordnet

import (
	"sort"
	"strings"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/format"
)

// detachment is one of morphy's rules: a word ending in suffix may have the
// base form word[:len(word)-len(suffix)]+ending.
type detachment struct{ suffix, ending string }

// rules are morphy's rules of detachment (morphy(7WN)) by part of speech,
// in morphy's order. Adverbs have none.
var rules = [format.NumPOS][]detachment{
	format.Noun: {{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}},
	format.Verb: {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
	format.Adj:  {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
}

// Lemmas returns the WordNet base forms of word, which must be lowercase
// (a collocation's words separated by single spaces), over all parts of
// speech, as WordNet's morphy finds them:
//
//   - word itself, first, when it is a lemma;
//   - then, for noun, verb, adjective and adverb in turn: if word is in
//     that part of speech's exception list, the listed base forms that are
//     lemmas of that part of speech ("geese" -> "goose", "ran" -> "run");
//     otherwise every result of that part of speech's rules of detachment
//     that is a lemma of it ("fisheries" -> "fishery", "fishing" -> "fish").
//     As in morphy, nouns ending in "ss" or of two letters or fewer are not
//     detached, and a noun ending in "ful" is detached before the "ful"
//     ("boxesful" -> "boxful").
//   - For a collocation not in the exception list, each word is replaced
//     by its first base form in that part of speech (or kept), and the
//     result is returned if it is a lemma ("prime ministers" ->
//     "prime minister").
//
// Each lemma appears once. Lemmas returns nil when WordNet knows no base
// form of word. The caller owns the returned slice.
func (l *Lexicon) Lemmas(word string) []string {
	if word == "" {
		return nil
	}
	var out []string
	add := func(s string) {
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	if l.find(word) >= 0 {
		add(word)
	}
	exc := l.findException(word)
	collocation := strings.IndexByte(word, ' ') >= 0
	for p := range format.NumPOS {
		switch {
		case exc >= 0 && l.excListed[exc]&(1<<p) != 0:
			for _, b := range l.bases(exc) {
				if int(b&3) == p {
					add(l.lemma(int(b >> 2)))
				}
			}
		case collocation:
			if s, ok := l.collocationBase(word, p); ok {
				add(s)
			}
		default:
			l.detach(word, p, func(s string) bool { add(s); return true })
		}
	}
	return out
}

// findException returns the index of form in the exception lists, or -1.
func (l *Lexicon) findException(form string) int {
	at := func(i int) string {
		start := uint32(0)
		if i > 0 {
			start = l.excEnd[i-1]
		}
		return l.excForms[start:l.excEnd[i]]
	}
	i := sort.Search(len(l.excEnd), func(i int) bool { return at(i) >= form })
	if i < len(l.excEnd) && at(i) == form {
		return i
	}
	return -1
}

// detach applies the rules of detachment of part of speech p to the single
// word w and calls yield with each result, in rule order, that is a lemma
// of p and differs from w, until yield returns false.
func (l *Lexicon) detach(w string, p int, yield func(string) bool) {
	stem, end := w, ""
	if p == format.Noun {
		switch {
		case strings.HasSuffix(w, "ful"):
			stem, end = w[:len(w)-3], "ful"
		case strings.HasSuffix(w, "ss") || len(w) <= 2:
			return
		}
	}
	for _, r := range rules[p] {
		if len(stem) <= len(r.suffix) || !strings.HasSuffix(stem, r.suffix) {
			continue
		}
		s := stem[:len(stem)-len(r.suffix)] + r.ending + end
		if s != w && l.hasPOS(s, p) && !yield(s) {
			return
		}
	}
}

// baseWord returns morphy's first base form of the single word w in part of
// speech p: its first exception-list base, else its first detachment
// result, else w itself.
func (l *Lexicon) baseWord(w string, p int) string {
	if e := l.findException(w); e >= 0 && l.excListed[e]&(1<<p) != 0 {
		for _, b := range l.bases(e) {
			if int(b&3) == p {
				return l.lemma(int(b >> 2))
			}
		}
		return w
	}
	base := w
	l.detach(w, p, func(s string) bool { base = s; return false })
	return base
}

// collocationBase returns the collocation formed by the base forms of the
// words of phrase in part of speech p, if it is a lemma of p other than
// phrase.
func (l *Lexicon) collocationBase(phrase string, p int) (string, bool) {
	if strings.Count(phrase, " ")+1 > l.maxWords {
		return "", false
	}
	words := strings.Split(phrase, " ")
	changed := false
	for i, w := range words {
		if b := l.baseWord(w, p); b != w {
			words[i], changed = b, true
		}
	}
	if !changed {
		return "", false
	}
	s := strings.Join(words, " ")
	return s, l.hasPOS(s, p)
}
