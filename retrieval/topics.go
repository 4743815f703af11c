package retrieval

import (
	"cmp"
	"slices"
	"strings"
)

// Topics are found in two steps: topicCandidates (topicphrases.go) reads
// each passage's noun phrases, which depend on its text alone and are kept
// with it in the snapshot; findTopics names a document's topics from its
// headings, which every passage keeps as its Section (topicheadings.go),
// and scores the noun phrases against the whole corpus's statistics, which
// change with any document, so that a rebuild re-reads no text.

// maxTopics is how many topics a "not covered" reply names at most.
const maxTopics = 10

// properNameWeight scales the score of a phrase that is all capitalized
// words ("Belt and Road Initiative"): it names one programme, law or body,
// which says less of what a document covers than a phrase of common nouns
// ("fishing industry"), so it wins a passage only by a wide margin.
const properNameWeight = 0.8

// unknownNameWeight scales the weight of a capitalized word WordNet does
// not know: names of people and places say little about what a passage is
// about.
const unknownNameWeight = 0.3

// topic is one candidate topic of the documents.
type topic struct {
	text  string
	score float64
	// order is the passage it comes from, or the first passage of its
	// section.
	order int
	// size is the number of passages of a section topic, 0 for a passage's.
	size    int
	section bool
}

// findTopics names what the documents cover, at most maxTopics, listed in
// document order; cands[i] are passage i's candidate topics, whose words
// are in words.
//
// A document's topics are its sections first: a heading that is a noun
// phrase is a topic as written, without its number ("I. Regional
// Architecture and Security"); a heading that is only a number ("Article
// IV") gives the best noun phrase of the passages under it. Larger sections
// come first. Then come the best noun phrases of the passages under no
// heading, or under one that is no topic ("Frequently Asked Questions", a
// signature), best first (see bestPhrase); a section that is a topic
// stands for all its passages. When there are more topics than
// maxTopics, documents take turns, larger ones first, so that each gets
// its most telling topics named.
func (e *Engine) findTopics(cands []topicCands, words []string) []string {
	sc := e.newPhraseScorer(words)
	best := make([]topic, len(e.toIndex))
	taken := map[string]bool{}
	for i, p := range e.toIndex {
		best[i] = sc.bestPhrase(p.Text, cands[i], taken)
		best[i].order = i
		if best[i].text != "" {
			taken[strings.ToLower(best[i].text)] = true
		}
	}
	var docs [][]topic
	var sizes []int
	for from := 0; from < len(e.toIndex); {
		to := from + 1
		for to < len(e.toIndex) && e.toIndex[to].DocID == e.toIndex[from].DocID {
			to++
		}
		docs = append(docs, e.docTopics(best, from, to))
		sizes = append(sizes, to-from)
		from = to
	}
	picked := takeTurns(docs, sizes, maxTopics)
	out := make([]string, len(picked))
	for i, t := range picked {
		out[i] = t.text
	}
	return out
}

// docTopics ranks the topics of the document whose passages are
// [from, to), given each passage's best phrase: sections first, larger
// first, then the phrases of the passages no section topic stands for,
// best first.
func (e *Engine) docTopics(best []topic, from, to int) []topic {
	type section struct {
		first    int
		passages []int
	}
	byName := map[string]*section{}
	var names []string
	var sections, loose []topic
	for i := from; i < to; i++ {
		name := e.toIndex[i].Section
		if name == "" {
			loose = appendTopic(loose, best[i])
			continue
		}
		s := byName[name]
		if s == nil {
			s = &section{first: i}
			byName[name] = s
			names = append(names, name)
		}
		s.passages = append(s.passages, i)
	}
	for _, name := range names {
		s := byName[name]
		text, kind := e.an.headingTopic(name)
		switch kind {
		case headingNamed:
			sections = append(sections, topic{text: text, order: s.first, size: len(s.passages), section: true})
		case headingNumbered:
			var top topic
			for _, i := range s.passages {
				if best[i].text != "" && (top.text == "" || best[i].score > top.score) {
					top = best[i]
				}
			}
			if top.text != "" {
				top.size, top.section = len(s.passages), true
				sections = append(sections, top)
			}
		default:
			for _, i := range s.passages {
				loose = appendTopic(loose, best[i])
			}
		}
	}
	slices.SortStableFunc(sections, func(a, b topic) int { return cmp.Compare(b.size, a.size) })
	slices.SortStableFunc(loose, func(a, b topic) int { return cmp.Compare(b.score, a.score) })
	return append(sections, loose...)
}

func appendTopic(ts []topic, t topic) []topic {
	if t.text == "" {
		return ts
	}
	return append(ts, t)
}

// takeTurns picks at most n topics from docs (each ranked best first, the
// document of sizes[d] passages): the documents take turns, larger ones
// first, each giving its next topic not yet picked (compared without case).
// The topics come back in document order.
func takeTurns(docs [][]topic, sizes []int, n int) []topic {
	turn := make([]int, len(docs))
	for d := range turn {
		turn[d] = d
	}
	slices.SortStableFunc(turn, func(a, b int) int { return cmp.Compare(sizes[b], sizes[a]) })
	next := make([]int, len(docs))
	seen := map[string]bool{}
	var picked []topic
	for more := true; more && len(picked) < n; {
		more = false
		for _, d := range turn {
			for len(picked) < n && next[d] < len(docs[d]) {
				t := docs[d][next[d]]
				next[d]++
				if key := strings.ToLower(t.text); !seen[key] {
					seen[key] = true
					picked = append(picked, t)
					more = true
					break
				}
			}
		}
	}
	slices.SortStableFunc(picked, func(a, b topic) int { return cmp.Compare(a.order, b.order) })
	return picked
}

// phraseScorer scores candidate topics against the corpus's statistics.
type phraseScorer struct {
	e     *Engine
	words []string
	facts []wordFacts
	done  []bool
}

// wordFacts is what scoring a phrase needs of one of its words.
type wordFacts struct {
	weight float64 // before the name factor
	known  bool    // WordNet knows it
	name   bool    // WordNet names one place, person or body with it
}

func (e *Engine) newPhraseScorer(words []string) *phraseScorer {
	return &phraseScorer{e: e, words: words, facts: make([]wordFacts, len(words)), done: make([]bool, len(words))}
}

// word returns the facts of words[id]: its weight is its idf times its
// specificity in general English; numbers and words in more than a quarter
// of the passages weigh nothing.
func (s *phraseScorer) word(id uint32) wordFacts {
	if s.done[id] {
		return s.facts[id]
	}
	e, word := s.e, s.words[id]
	lemmas := e.an.lex.Lemmas(word)
	f := wordFacts{known: len(lemmas) > 0}
	for _, l := range lemmas {
		f.name = f.name || e.an.lex.IsName(l)
	}
	if !isNumber(word) {
		wi := e.an.info(word)
		df := 0
		for _, form := range wi.forms {
			df = max(df, e.lex.df(form))
		}
		if limitDF := max(1, e.lex.N()/4); df > 0 && (df <= limitDF || e.lex.N() <= 3) {
			f.weight = e.lex.idf(df) * wi.specificity
		}
	}
	s.facts[id], s.done[id] = f, true
	return f
}

// bestPhrase returns the best of a passage's candidate topics cands, quoted
// as text spells it, skipping those taken (lower-cased); its text is empty
// when none is a topic.
//
// A phrase scores its most informative word plus a quarter of the others,
// raised by a quarter for each word up to three (a phrase says more than a
// lone rare word); capitalized words WordNet does not know weigh
// unknownNameWeight, and a phrase of capitalized words properNameWeight. A
// phrase with no weight, none of whose words WordNet knows, or that is a
// proper name of a person or place (see isPersonOrPlace), is no topic.
func (s *phraseScorer) bestPhrase(text string, cands topicCands, taken map[string]bool) topic {
	var best topic
	cands.each(func(start, end int, ws []uint32) {
		var sum, top float64
		known := false
		proper := isCapitalized(text[start:])
		for k, w := range ws {
			f := s.word(w >> 1)
			x := f.weight
			if !f.known && w&1 == 1 {
				x *= unknownNameWeight
			}
			sum += x
			top = max(top, x)
			known = known || f.known
			if word := s.words[w>>1]; k > 0 && w&1 == 0 && !isConnector(word) && !startsWithDigit(word) {
				proper = false
			}
		}
		// A lone word that starts a sentence may or may not be a name.
		proper = proper && (len(ws) > 1 || ws[0]&1 == 1)
		if top == 0 || !known || proper && s.isPersonOrPlace(ws) {
			return
		}
		score := (top + 0.25*(sum-top)) * (1 + 0.25*float64(min(len(ws), 3)-1))
		if proper {
			score *= properNameWeight
		}
		phrase := text[start:end]
		if score > best.score && !taken[strings.ToLower(phrase)] {
			best = topic{text: phrase, score: score}
		}
	})
	return best
}

// isPersonOrPlace reports whether a phrase of capitalized words ws is the
// name of a person or a place rather than of a programme or a body: its
// last word is a name in WordNet or unknown to it ("Chinese President Xi",
// "Interior Deb Haaland", "Britain and Northern Ireland"), its first word
// is a name ("Michael and Susan Dell"), or the whole phrase is.
func (s *phraseScorer) isPersonOrPlace(ws []uint32) bool {
	last := s.word(ws[len(ws)-1] >> 1)
	if last.name || !last.known || len(ws) > 1 && s.word(ws[0]>>1).name {
		return true
	}
	phrase := make([]string, len(ws))
	for k, w := range ws {
		phrase[k] = s.words[w>>1]
	}
	return s.e.an.lex.IsName(strings.Join(phrase, " "))
}

// isConnector reports whether word may join the capitalized words of a
// name ("Belt and Road Initiative").
func isConnector(word string) bool { return word == "and" || word == "of" || word == "the" }

// startsWithDigit reports whether a word starts with a digit, so that it is
// neither capitalized nor lower-case ("MQ-9B").
func startsWithDigit(word string) bool { return word != "" && word[0] >= '0' && word[0] <= '9' }
