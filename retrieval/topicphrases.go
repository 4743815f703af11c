package retrieval

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The first step of finding topics (see topics.go): each passage's noun
// phrases, from its text alone, kept with it in the snapshot.

// minTopicWords is the fewest content words (not stop words or numbers) of a
// passage that names a topic.
const minTopicWords = 4

// topicChunkWords caps the words of a topic.
const topicChunkWords = 4

// minTopicSpecificity keeps everyday words (specificity under it, like
// "make" or "use") off the edges of a topic.
const minTopicSpecificity = 0.25

// namesTopic reports whether a passage can say what a document covers: a
// signature ("JOSEPH R. BIDEN JR"), a date line or a lone heading cannot.
// It needs minTopicWords content words and a lower-case letter. toks are
// the tokens of text.
func namesTopic(text string, toks []token) bool {
	if !strings.ContainsFunc(text, unicode.IsLower) {
		return false
	}
	n := 0
	for _, t := range toks {
		if !isStopword(t.word) && !isNumber(t.word) {
			n++
		}
	}
	return n >= minTopicWords
}

// topicCands are a passage's candidate topics, packed in one slice since
// a passage has a dozen: for each, the byte range [start, end) of the
// passage's text, its number of words, then for each word its number in a
// table of words, times two, plus one when the passage capitalizes it
// where a sentence does not start.
type topicCands []uint32

// each calls f with every candidate's range and packed words.
func (c topicCands) each(f func(start, end int, words []uint32)) {
	for i := 0; i+3 <= len(c); {
		n := int(c[i+2])
		f(int(c[i]), int(c[i+1]), c[i+3:i+3+n])
		i += 3 + n
	}
}

// mapWords replaces each word's number w with f(w), in place.
func (c topicCands) mapWords(f func(w uint32) uint32) {
	for i := 0; i+3 <= len(c); {
		n := int(c[i+2])
		for k := i + 3; k < i+3+n; k++ {
			c[k] = f(c[k]>>1)<<1 | c[k]&1
		}
		i += 3 + n
	}
}

// valid reports whether c is well formed for a passage of textLen bytes
// and a table of nWords words.
func (c topicCands) valid(textLen, nWords int) bool {
	for i := 0; i < len(c); {
		if i+3 > len(c) || c[i] > c[i+1] || int(c[i+1]) > textLen || uint64(i)+3+uint64(c[i+2]) > uint64(len(c)) {
			return false
		}
		n := int(c[i+2])
		for _, w := range c[i+3 : i+3+n] {
			if int(w>>1) >= nWords {
				return false
			}
		}
		i += 3 + n
	}
	return true
}

// nominal is what topicCandidates asks of a word, memoized per goroutine
// in a nominalMemo.
type nominal struct {
	head, modifier bool // see isNominal
	everyday       bool // specificity under minTopicSpecificity
	// verbForm is an -s form of a word WordNet seldom uses as a noun and
	// that can be a verb ("runs", "covers", "needs"): among nouns it is the
	// sentence's verb ("the lease runs").
	verbForm bool
	// plural is an -s form of a noun that is no lemma of its own ("days",
	// not "news" or "sales").
	plural bool
	// baseVerb is a word that is itself a verb lemma ("carry", "conduct").
	baseVerb bool
	// verb is a word with a verb sense in any of its base forms.
	verb bool
	// rare is a word all of whose base forms are seldom nouns
	// (wordnet.Lexicon.RarelyNoun: "conduct", "necessary").
	rare bool
	// pastForm and ingForm are -ed and -ing forms of a verb.
	pastForm, ingForm bool
	// quantity is a number word, a quantifier or a pronoun ("twelve",
	// "several", "everyone"), and function is a function word WordNet does
	// not know ("unless").
	quantity, function bool
}

// adjective reports whether the word is mostly an adjective: seldom a
// noun, never a verb ("necessary", "annual").
func (f nominal) adjective() bool { return f.rare && !f.verb }

type nominalMemo map[string]nominal

func (a *analyzer) nominalOf(memo nominalMemo, word string) nominal {
	if f, ok := memo[word]; ok {
		return f
	}
	f := nominal{head: a.isNominal(word, false), modifier: a.isNominal(word, true), everyday: a.info(word).specificity < minTopicSpecificity,
		quantity: quantityWords[word], function: functionWords[word]}
	lemmas := a.lex.Lemmas(word)
	f.rare = len(lemmas) > 0
	for _, l := range lemmas {
		f.verb = f.verb || a.lex.IsVerb(l)
		f.rare = f.rare && a.lex.RarelyNoun(l)
		// WordNet lists some plurals as lemmas of their own ("days").
		f.plural = f.plural || l != word && a.lex.IsNoun(l)
	}
	// An -s form: WordNet gives it another base form, and does not list
	// it as a noun itself ("needs" is an adverb too).
	sForm := strings.HasSuffix(word, "s") && f.plural && !a.lex.IsNoun(word)
	f.verbForm = sForm && f.rare && f.verb
	f.plural = f.plural && strings.HasSuffix(word, "s")
	f.baseVerb = slices.Contains(lemmas, word) && a.lex.IsVerb(word)
	f.pastForm = strings.HasSuffix(word, "ed") && f.verb
	f.ingForm = strings.HasSuffix(word, "ing") && f.verb
	if len(memo) >= maxCachedWords {
		clear(memo)
	}
	memo[word] = f
	return f
}

// quantityWords are number words and quantifiers: "twelve months" and
// "several flame retardants" say how much of a topic, not which, so they
// are trimmed off its edges like numbers.
var quantityWords = toSet(`one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
billion first second third fourth fifth sixth seventh eighth ninth tenth half several many much least less various
numerous another everyone everybody nobody somebody anybody`)

// functionWords are function words that are no stop words and that WordNet
// knows only as nouns ("plus") or not at all ("unless"), so that they would
// count as nouns.
var functionWords = toSet(`plus minus unless whereas whereby hereby herein hereof hereto thereof therein thereby thereto
thereafter hereafter wherein whereof`)

// subjectWords are the pronouns after which a word that can be a verb is
// one ("who juggle", "it needs").
var subjectWords = toSet(`i you he she it we they who`)

// topicCandidates returns the noun phrases of a passage that can name a
// topic (see namesTopic), text tokenized as toks, with their words numbered
// by wordID. A noun phrase is a run of adjectives and nouns ending in a noun
// (WordNet parts of speech; words WordNet does not know count as nouns),
// with "and", "of" and "the" allowed between capitalized words of a name
// ("Belt and Road Initiative"), at most its last topicChunkWords words,
// without leading or trailing words that cannot start or end a noun phrase,
// that are everyday words ("made", "ongoing") or quantities ("two weeks").
// A possessive ends the phrase it starts, and the possessor is no topic,
// since it is mostly a name ("Xi Jinping's visit", "Peru's ports", "the
// Quad Leaders' Summit").
//
// Verbs that WordNet also lists as nouns are kept out (see verbSplit):
// "may" (the one modal that is no stop word, since May is a month), an -s
// form of a word seldom a noun ("the lease runs", "the rota covers"), a
// verb after a plural ("unused days carry over"), after a subject pronoun
// ("who juggle") and after "to" ("to conduct").
func (a *analyzer) topicCandidates(text string, toks []token, memo nominalMemo, wordID func(string) uint32) topicCands {
	if !namesTopic(text, toks) {
		return nil
	}
	var out topicCands
	// capital reports whether toks[i] is capitalized where no sentence
	// starts.
	capital := func(i int) bool {
		return isCapitalized(text[toks[i].start:]) && i > 0 && !strings.ContainsAny(text[toks[i-1].end:toks[i].start], ".!?:;")
	}
	emit := func(from, to int) {
		if to-from > topicChunkWords {
			from = to - topicChunkWords
			// A name cut short ("Management and Budget" of the Office of
			// Management and Budget) is no topic.
			if capital(from-1) || isConnector(toks[from-1].word) && capital(from) {
				return
			}
		}
		// No half of a hyphenated word ("non-discriminatory").
		for from < to && from > 0 && hyphenated(text[toks[from-1].end:toks[from].start]) {
			from++
		}
		for from < to && to < len(toks) && hyphenated(text[toks[to-1].end:toks[to].start]) {
			to--
		}
		edge := func(i int, head bool) bool {
			t := toks[i]
			if isStopword(t.word) || isNumber(t.word) {
				return true
			}
			f := a.nominalOf(memo, t.word)
			if f.quantity && !capital(i) || f.function {
				return true
			}
			// An adjective WordNet seldom uses as a noun ("investments
			// necessary") heads no noun phrase.
			if head && f.adjective() && !capital(i) {
				return true
			}
			return (head && !f.head) || (!head && !f.modifier) || f.everyday
		}
		for from < to && edge(from, false) {
			from++
		}
		for from < to && edge(to-1, true) {
			to--
		}
		if from == to {
			return
		}
		out = append(out, uint32(toks[from].start), uint32(toks[to-1].end), uint32(to-from))
		for i := from; i < to; i++ {
			w := wordID(toks[i].word) << 1
			if capital(i) {
				w |= 1
			}
			out = append(out, w)
		}
	}
	flush := func(from, to int) {
		if from < to {
			a.verbSplit(text, toks, from, to, memo, capital, emit)
		}
	}
	start := 0
	for i, t := range toks {
		if i == 0 || !onlySpaceOrHyphen(text[toks[i-1].end:t.start]) {
			if i == 0 || !strings.HasPrefix(text[toks[i-1].end:t.start], "'") && !strings.HasPrefix(text[toks[i-1].end:t.start], "’") {
				flush(start, i)
			}
			start = i
		}
		connector := isConnector(t.word) && i > start &&
			isCapitalized(text[toks[i-1].start:]) && i+1 < len(toks) && isCapitalized(text[toks[i+1].start:])
		modal := t.word == "may" && !capital(i)
		if connector || (!isStopword(t.word) && !modal && !functionWords[t.word] && a.nominalOf(memo, t.word).modifier) {
			if isPossessive(text[t.start:t.end]) {
				start = i + 1
			}
			continue
		}
		flush(start, i)
		start = i + 1
	}
	flush(start, len(toks))
	return out
}

// verbSplit cuts the run of nominal words toks[from:to] where a word in it
// is a verb and calls emit with each piece. An -s form of a word seldom a
// noun is the verb of its sentence ("lease | runs", "rota | covers |
// urgent support requests") unless an adjective comes before it ("global
// challenges"); so is a verb lemma seldom a noun right after a plural
// ("unused days | carry", but "low-emissions transition"), an -ed form
// after another word ("Trump | joined | top lawmakers") and an -ing form
// after a plural ("pre-apprenticeships | leading"), while an -ing form
// after a singular noun heads a compound ("capacity building"). A run
// right after a subject pronoun loses a first word that can be a verb
// ("who | juggle | unconventional shifts"), and one right after "to" a
// first word that is a verb lemma seldom a noun ("to | conduct | analytical
// air sampling"). Capitalized words, which name things, are never taken
// for verbs.
func (a *analyzer) verbSplit(text string, toks []token, from, to int, memo nominalMemo, capital func(int) bool, emit func(from, to int)) {
	if from > 0 && !capital(from) {
		f := a.nominalOf(memo, toks[from].word)
		switch prev := toks[from-1].word; {
		case subjectWords[prev] && f.verb, prev == "to" && f.baseVerb && f.rare:
			from++
		}
	}
	piece := from
	for i := from; i < to; i++ {
		if capital(i) {
			continue
		}
		f := a.nominalOf(memo, toks[i].word)
		// A word after a noun, not an adjective ("annual paid leave").
		afterNoun := i > from && text[toks[i-1].end:toks[i].start] == " " && !a.nominalOf(memo, toks[i-1].word).adjective()
		switch {
		case f.verbForm && (i == from || afterNoun), afterNoun && f.pastForm, afterNoun && f.ingForm && a.nominalOf(memo, toks[i-1].word).plural:
			emit(piece, i)
			piece = i + 1
		case f.plural && i+1 < to && !capital(i+1) && a.nominalOf(memo, toks[i+1].word).baseVerb && a.nominalOf(memo, toks[i+1].word).rare:
			emit(piece, i+1)
			piece = i + 2
			i++
		}
	}
	emit(piece, to)
}

// isPossessive reports whether a token's text ends in 's.
func isPossessive(s string) bool {
	return strings.HasSuffix(s, "'s") || strings.HasSuffix(s, "’s")
}

// isNominal reports whether word can stand in a noun phrase: as its head
// (a noun, or a word WordNet does not know) or, with modifier set, before it
// (a noun or an adjective). A word ending in -ing or -ed counts only when
// WordNet lists that very form as a noun or adjective ("fishing",
// "emerging"), not when it is only a verb form ("using", "issued").
func (a *analyzer) isNominal(word string, modifier bool) bool {
	lemmas := a.lex.Lemmas(word)
	if len(lemmas) == 0 {
		return true
	}
	if strings.HasSuffix(word, "ing") || strings.HasSuffix(word, "ed") {
		lemmas = []string{word}
	}
	for _, l := range lemmas {
		if a.lex.IsNoun(l) || (modifier && a.lex.IsAdjective(l)) {
			return true
		}
	}
	return false
}

func isNumber(word string) bool {
	return strings.IndexFunc(word, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' && r != ',' }) < 0
}

// hyphenated reports whether s, the text between two words, joins them
// into one ("non-discriminatory").
func hyphenated(s string) bool { return s != "" && strings.Trim(s, "-‐–") == "" }

func onlySpaceOrHyphen(s string) bool {
	return strings.Trim(s, " -‐–") == "" && s != ""
}

func isCapitalized(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}
