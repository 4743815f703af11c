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

// topicCand is a noun phrase of a passage that may name a topic: the byte
// range [start, end) of the passage's text, and its words.
type topicCand struct {
	start, end int32
	words      []candWord
}

// candWord is a word of a topic candidate.
type candWord struct {
	word string
	// capital is true when the passage writes the word with a capital.
	capital bool
}

// topicCandidates returns the noun phrases of a passage that can name a
// topic (see namesTopic), text tokenized as toks. A noun phrase is a run of
// adjectives and nouns ending in a noun (WordNet parts of speech; words
// WordNet does not know count as nouns), with "and", "of" and "the" allowed
// between capitalized words of a name ("Belt and Road Initiative"), at most
// its last topicChunkWords words, without leading or trailing words that
// cannot start or end a noun phrase or that are everyday words ("made",
// "ongoing"). A possessive ends the phrase it starts ("Peru's ports"): the
// possessor is a phrase of its own.
func (a *analyzer) topicCandidates(text string, toks []token) []topicCand {
	if !namesTopic(text, toks) {
		return nil
	}
	var out []topicCand
	flush := func(run []token) {
		if len(run) > topicChunkWords {
			run = run[len(run)-topicChunkWords:]
		}
		edge := func(t token, head bool) bool {
			return isStopword(t.word) || isNumber(t.word) || !a.isNominal(t.word, !head) || a.info(t.word).specificity < minTopicSpecificity
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
		c := topicCand{start: int32(run[0].start), end: int32(run[len(run)-1].end), words: make([]candWord, len(run))}
		for i, t := range run {
			c.words[i] = candWord{word: t.word, capital: isCapitalized(text[t.start:])}
		}
		out = append(out, c)
	}
	var run []token
	for i, t := range toks {
		if i == 0 || !onlySpaceOrHyphen(text[toks[i-1].end:t.start]) {
			flush(run)
			run = nil
		}
		connector := (t.word == "and" || t.word == "of" || t.word == "the") && len(run) > 0 &&
			isCapitalized(text[run[len(run)-1].start:]) && i+1 < len(toks) && isCapitalized(text[toks[i+1].start:])
		if connector || (!isStopword(t.word) && a.isNominal(t.word, true)) {
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
// candidate topic (cands[i], see topicCandidates) with the highest score,
// quoted as the passage spells it. A phrase scores its most informative word
// plus a quarter of the others, raised by a quarter for each word up to
// three (a phrase says more than a lone rare word); a word weighs its idf
// times its specificity in general English, names WordNet does not know
// weigh 0.3 of that, and numbers and words in more than a quarter of the
// passages weigh nothing. A phrase with no weight, or none of whose words
// WordNet knows, is no topic. Duplicates are dropped; when there are more
// passages than maxTopics, the highest-scoring topics win, listed in
// document order.
func (e *Engine) findTopics(cands [][]topicCand) []string {
	type topic struct {
		text  string
		score float64
		order int
	}
	type wordFacts struct {
		weight float64 // before the name factor
		known  bool
	}
	facts := map[string]wordFacts{}
	limitDF := max(1, e.lex.N()/4)
	lookup := func(word string) wordFacts {
		if f, ok := facts[word]; ok {
			return f
		}
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
		facts[word] = f
		return f
	}
	var all []topic
	seen := map[string]bool{}
	for i, p := range e.passages {
		best := topic{order: i}
		for _, c := range cands[i] {
			var sum, top float64
			known := false
			for _, w := range c.words {
				f := lookup(w.word)
				x := f.weight
				// Names WordNet does not know (people, places) say little
				// about what a passage is about.
				if !f.known && w.capital {
					x *= 0.3
				}
				sum += x
				top = max(top, x)
				known = known || f.known
			}
			if top == 0 || !known {
				continue
			}
			score := (top + 0.25*(sum-top)) * (1 + 0.25*float64(min(len(c.words), 3)-1))
			text := p.Text[c.start:c.end]
			if score > best.score && !seen[strings.ToLower(text)] {
				best = topic{text: text, score: score, order: i}
			}
		}
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
