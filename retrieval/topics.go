package retrieval

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTopics is how many topics a "not covered" reply names at most.
const maxTopics = 10

// minTopicWords is the fewest content words (not stop words or numbers) of a
// passage that names a topic.
const minTopicWords = 4

// namesTopic reports whether a passage can say what a document covers: a
// signature ("JOSEPH R. BIDEN JR"), a date line or a lone heading cannot.
// It needs minTopicWords content words and a lower-case letter.
func namesTopic(text string) bool {
	if !strings.ContainsFunc(text, unicode.IsLower) {
		return false
	}
	n := 0
	for _, t := range tokenize(text) {
		if !isStopword(t.word) && !isNumber(t.word) {
			n++
		}
	}
	return n >= minTopicWords
}

// topicChunkWords caps the words of a topic.
const topicChunkWords = 4

// findTopics names what the documents cover: for each passage that can (see
// namesTopic), its most
// distinctive noun phrase, quoted as the passage spells it. A noun phrase is
// a run of adjectives and nouns ending in a noun (WordNet parts of speech;
// words WordNet does not know count as nouns), with "and", "of" and "the"
// allowed between capitalized words of a name ("Belt and Road Initiative").
// A phrase scores its most informative word plus a quarter of the others,
// raised by a quarter for each word up to three (a phrase says more than a
// lone rare word); a word weighs its idf times its specificity in general
// English, names WordNet does not know weigh 0.3 of that, and numbers and
// words in more than a quarter of the passages weigh nothing. Duplicates are dropped; when
// there are more passages than maxTopics, the highest-scoring topics win,
// listed in document order.
func (e *Engine) findTopics() []string {
	type topic struct {
		text  string
		score float64
		order int
	}
	var all []topic
	seen := map[string]bool{}
	for i, p := range e.passages {
		if !namesTopic(p.Text) {
			continue
		}
		best := topic{order: i}
		for _, c := range e.nounPhrases(p.Text) {
			key := strings.ToLower(c.text)
			if c.score > best.score && !seen[key] {
				best = topic{text: c.text, score: c.score, order: i}
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

// scoredPhrase is a candidate topic.
type scoredPhrase struct {
	text  string
	score float64
}

// nounPhrases returns text's noun phrases with their scores.
func (e *Engine) nounPhrases(text string) []scoredPhrase {
	toks := tokenize(text)
	var out []scoredPhrase
	limitDF := max(1, e.lex.N()/4)
	weight := func(t token) float64 {
		word := t.word
		if isNumber(word) {
			return 0
		}
		wi := e.an.info(word)
		df := 0
		for _, f := range wi.forms {
			df = max(df, e.lex.df(f))
		}
		if df == 0 || (df > limitDF && e.lex.N() > 3) {
			return 0
		}
		w := e.lex.idf(df) * wi.specificity
		// Names WordNet does not know (people, places) say little about
		// what a passage is about.
		if len(e.an.lex.Lemmas(word)) == 0 && isCapitalized(text[t.start:]) {
			w *= 0.3
		}
		return w
	}
	flush := func(run []token) {
		// Keep the last topicChunkWords words (the head is at the end), then
		// drop leading and trailing words that cannot start or end a noun
		// phrase, or that are everyday words ("made", "ongoing").
		if len(run) > topicChunkWords {
			run = run[len(run)-topicChunkWords:]
		}
		edge := func(t token, head bool) bool {
			return isStopword(t.word) || isNumber(t.word) || !e.isNominal(t.word, !head) || e.an.info(t.word).specificity < minTopicSpecificity
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
		var sum, top float64
		known := false
		for _, t := range run {
			w := weight(t)
			sum += w
			top = max(top, w)
			known = known || len(e.an.lex.Lemmas(t.word)) > 0
		}
		if top == 0 || !known {
			return
		}
		out = append(out, scoredPhrase{text: text[run[0].start:run[len(run)-1].end], score: (top + 0.25*(sum-top)) * (1 + 0.25*float64(min(len(run), 3)-1))})
	}
	var run []token
	for i, t := range toks {
		joined := i > 0 && onlySpaceOrHyphen(text[toks[i-1].end:t.start])
		switch {
		case !joined:
			flush(run)
			run = nil
		}
		connector := (t.word == "and" || t.word == "of" || t.word == "the") && len(run) > 0 &&
			isCapitalized(text[run[len(run)-1].start:]) && i+1 < len(toks) && isCapitalized(text[toks[i+1].start:])
		if connector || (!isStopword(t.word) && e.isNominal(t.word, true)) {
			run = append(run, t)
			// A possessive ends the phrase it starts ("Peru's ports"): the
			// possessor is a phrase of its own.
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
func (e *Engine) isNominal(word string, modifier bool) bool {
	lemmas := e.an.lex.Lemmas(word)
	if len(lemmas) == 0 {
		return true
	}
	if strings.HasSuffix(word, "ing") || strings.HasSuffix(word, "ed") {
		lemmas = []string{word}
	}
	for _, l := range lemmas {
		if e.an.lex.IsNoun(l) || (modifier && e.an.lex.IsAdjective(l)) {
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
