package wordnet

import (
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
	h := format.Hash(word)
	if l.findHashed(h, word) >= 0 {
		add(word)
	}
	exc := l.findExceptionHashed(h, word)
	collocation := strings.IndexByte(word, ' ') >= 0
	for p := range format.NumPOS {
		switch {
		case exc >= 0 && l.excListed[exc]&(1<<p) != 0:
			bs := l.basesOf(exc)
			for j := range bs.len() {
				if b := bs.at(j); int(b&3) == p {
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
	return l.findExceptionHashed(format.Hash(form), form)
}

// findExceptionHashed is findException for a form whose hash h the caller
// has computed; exception forms and lemmas share the hash function.
func (l *Lexicon) findExceptionHashed(h uint64, form string) int {
	return l.excTab.find(h, func(i int) bool { return span(l.excOff, l.excText, i) == form })
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
		// The result is base+r.ending+end, looked up without joining it;
		// base is a prefix of w, so it equals w when the rest does.
		base := stem[:len(stem)-len(r.suffix)]
		if rest := w[len(base):]; rest == r.ending+end {
			continue
		}
		if i := l.findJoined(base, r.ending, end); i >= 0 && l.hasPOSID(i, p) && !yield(l.lemma(i)) {
			return
		}
	}
}

// baseWord returns morphy's first base form of the single word w in part of
// speech p: its first exception-list base, else its first detachment
// result, else w itself.
func (l *Lexicon) baseWord(w string, p int) string {
	if e := l.findException(w); e >= 0 && l.excListed[e]&(1<<p) != 0 {
		bs := l.basesOf(e)
		for j := range bs.len() {
			if b := bs.at(j); int(b&3) == p {
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
