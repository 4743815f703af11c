package retrieval

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Topics are found in two steps: topicCandidates reads each passage's noun
// phrases, which depend on its text alone and are kept with it in the
// snapshot; findTopics scores them against the whole corpus's statistics,
// which change with any document, so that a rebuild re-reads no text.

// maxTopics is how many topics a "not covered" reply names at most.
const maxTopics = 10

// minTopicWords is the fewest content words (not stop words or numbers) of a
// passage that names a topic.
const minTopicWords = 4

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

// topicChunkWords caps the words of a topic.
const topicChunkWords = 4

// topicCands are a passage's candidate topics, packed in one slice since
// a passage has a dozen: for each, the byte range [start, end) of the
// passage's text, its number of words, then for each word its number in a
// table of words, times two, plus one when the passage capitalizes it.
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
}

type nominalMemo map[string]nominal

func (a *analyzer) nominalOf(memo nominalMemo, word string) nominal {
	if f, ok := memo[word]; ok {
		return f
	}
	f := nominal{head: a.isNominal(word, false), modifier: a.isNominal(word, true), everyday: a.info(word).specificity < minTopicSpecificity}
	if len(memo) >= maxCachedWords {
		clear(memo)
	}
	memo[word] = f
	return f
}

// topicCandidates returns the noun phrases of a passage that can name a
// topic (see namesTopic), text tokenized as toks, with their words numbered
// by wordID. A noun phrase is a run of adjectives and nouns ending in a noun
// (WordNet parts of speech; words WordNet does not know count as nouns),
// with "and", "of" and "the" allowed between capitalized words of a name
// ("Belt and Road Initiative"), at most its last topicChunkWords words,
// without leading or trailing words that cannot start or end a noun phrase
// or that are everyday words ("made", "ongoing"). A possessive ends the
// phrase it starts ("Peru's ports"): the possessor is a phrase of its own.
func (a *analyzer) topicCandidates(text string, toks []token, memo nominalMemo, wordID func(string) uint32) topicCands {
	if !namesTopic(text, toks) {
		return nil
	}
	var out topicCands
	flush := func(run []token) {
		if len(run) > topicChunkWords {
			run = run[len(run)-topicChunkWords:]
		}
		edge := func(t token, head bool) bool {
			if isStopword(t.word) || isNumber(t.word) {
				return true
			}
			f := a.nominalOf(memo, t.word)
			return (head && !f.head) || (!head && !f.modifier) || f.everyday
		}
		for len(run) > 0 && edge(run[0], false) {
			run = run[1:]
		}
		for len(run) > 0 && edge(run[len(run)-1], true) {
			run = run[:len(run)-1]
		}
		if len(run) == 0 {
			return
		}
		out = append(out, uint32(run[0].start), uint32(run[len(run)-1].end), uint32(len(run)))
		for _, t := range run {
			w := wordID(t.word) << 1
			if isCapitalized(text[t.start:]) {
				w |= 1
			}
			out = append(out, w)
		}
	}
	var run []token
	for i, t := range toks {
		if i == 0 || !onlySpaceOrHyphen(text[toks[i-1].end:t.start]) {
			flush(run)
			run = nil
		}
		connector := (t.word == "and" || t.word == "of" || t.word == "the") && len(run) > 0 &&
			isCapitalized(text[run[len(run)-1].start:]) && i+1 < len(toks) && isCapitalized(text[toks[i+1].start:])
		if connector || (!isStopword(t.word) && a.nominalOf(memo, t.word).modifier) {
			run = append(run, t)
			if isPossessive(text[t.start:t.end]) {
				flush(run[:len(run)-1])
				run = nil
			}
			continue
		}
		flush(run)
		run = nil
	}
	flush(run)
	return out
}

// findTopics names what the documents cover: for each passage, its
// candidate topic (cands[i], see topicCandidates, whose words are in words)
// with the highest score,
// quoted as the passage spells it. A phrase scores its most informative word
// plus a quarter of the others, raised by a quarter for each word up to
// three (a phrase says more than a lone rare word); a word weighs its idf
// times its specificity in general English, names WordNet does not know
// weigh 0.3 of that, and numbers and words in more than a quarter of the
// passages weigh nothing. A phrase with no weight, or none of whose words
// WordNet knows, is no topic. Duplicates are dropped; when there are more
// passages than maxTopics, the highest-scoring topics win, listed in
// document order.
func (e *Engine) findTopics(cands []topicCands, words []string) []string {
	type topic struct {
		text  string
		score float64
		order int
	}
	type wordFacts struct {
		weight float64 // before the name factor
		known  bool
	}
	facts := make([]wordFacts, len(words))
	done := make([]bool, len(words))
	limitDF := max(1, e.lex.N()/4)
	lookup := func(id uint32) wordFacts {
		if done[id] {
			return facts[id]
		}
		word := words[id]
		f := wordFacts{known: len(e.an.lex.Lemmas(word)) > 0}
		if !isNumber(word) {
			wi := e.an.info(word)
			df := 0
			for _, form := range wi.forms {
				df = max(df, e.lex.df(form))
			}
			if df > 0 && (df <= limitDF || e.lex.N() <= 3) {
				f.weight = e.lex.idf(df) * wi.specificity
			}
		}
		facts[id], done[id] = f, true
		return f
	}
	var all []topic
	seen := map[string]bool{}
	for i, p := range e.passages {
		best := topic{order: i}
		cands[i].each(func(start, end int, ws []uint32) {
			var sum, top float64
			known := false
			for _, w := range ws {
				f := lookup(w >> 1)
				x := f.weight
				// Names WordNet does not know (people, places) say little
				// about what a passage is about.
				if !f.known && w&1 == 1 {
					x *= 0.3
				}
				sum += x
				top = max(top, x)
				known = known || f.known
			}
			if top == 0 || !known {
				return
			}
			score := (top + 0.25*(sum-top)) * (1 + 0.25*float64(min(len(ws), 3)-1))
			text := p.Text[start:end]
			if score > best.score && !seen[strings.ToLower(text)] {
				best = topic{text: text, score: score, order: i}
			}
		})
		if best.text != "" {
			seen[strings.ToLower(best.text)] = true
			all = append(all, best)
		}
	}
	if len(all) > maxTopics {
		sort.SliceStable(all, func(a, b int) bool { return all[a].score > all[b].score })
		all = all[:maxTopics]
		sort.SliceStable(all, func(a, b int) bool { return all[a].order < all[b].order })
	}
	out := make([]string, len(all))
	for i, t := range all {
		out[i] = t.text
	}
	return out
}

// minTopicSpecificity keeps everyday words (specificity under it, like
// "make" or "use") off the edges of a topic.
const minTopicSpecificity = 0.25

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

func onlySpaceOrHyphen(s string) bool {
	return strings.Trim(s, " -‐–") == "" && s != ""
}

func isCapitalized(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}
