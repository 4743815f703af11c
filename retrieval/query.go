package retrieval

import (
	"unicode"

	"context"
	"slices"
	"strings"
	"unicode/utf8"
)

// variant is one term that answers for a word of the question.
type variant struct {
	term string
	// weight is 1 for the word's own forms, relatedWeight × the WordNet
	// relation's weight for a related lemma.
	weight float64
	// credit is how much of the word a passage containing term covers: 1 for
	// the word's own forms, the relation's weight for a related lemma.
	credit float64
	exact  bool
	// soft marks a match that ranks a passage but does not prove it
	// answers (decide reads hard coverage only): a word of the documents
	// near in meaning (word vectors), or a WordNet hypernym or hyponym.
	soft bool
}

// slot is one content word (or multi-word lemma) of the question.
type slot struct {
	word     string
	variants []variant
	// imp is how informative the word is: the idf of its most common exact
	// form in this corpus (the largest idf when no passage has any form),
	// times its specificity in general English.
	imp float64
	// exactIDF caps the idf of the slot's related lemmas, so a related word
	// never scores above the word itself.
	exactIDF float64
	// phrase slots (multi-word lemmas and the initials of names) add to the
	// ranking, and to coverage only through their words' slots, parts.
	phrase bool
	// parts are, for a phrase slot, the indexes of its words' slots: a
	// passage that holds the phrase's concept (the lemma or a relative, as
	// "aviation" for "air travel") covers each of them as well.
	parts []int
	// name marks the slot of a name's initials, whose absence says nothing
	// about its words: a passage with "Biden" but not "President Biden" is
	// still about Biden.
	name bool
	// proper marks a word the question writes as a name ("Peru", "NATO"):
	// it is matched only by its own forms, never through synonyms or word
	// vectors, since names of places, people and organisations must not
	// stand in for each other; and a question naming something the
	// documents never mention is not covered (see decide).
	proper bool
}

// query is an analyzed question.
type query struct {
	text  string
	slots []slot
	// vec is the embedder's vector of text when the caller has it already
	// (Calibrate embeds every question in batches); nil means ask the
	// embedder.
	vec []float32
}

// missingName returns a name the question asks about that no passage
// mentions, if there is one.
//
// A word of a multi-word name whose initials the documents use ("Federal
// Aviation Administration" where they say "FAA") is not missing.
func (q query) missingName(df func(term string) int) (string, bool) {
	for k, s := range q.slots {
		if !s.proper || q.initialsPresent(k, df) {
			continue
		}
		found := false
		for _, v := range s.variants {
			if v.exact && df(v.term) > 0 {
				found = true
				break
			}
		}
		if !found {
			return s.word, true
		}
	}
	return "", false
}

// initialsPresent reports whether slot k is a word of a name whose
// initials the documents use.
func (q query) initialsPresent(k int, df func(term string) int) bool {
	for _, s := range q.slots {
		if s.name && slices.Contains(s.parts, k) && df(s.word) > 0 {
			return true
		}
	}
	return false
}

// newQuery analyzes a normalized question against the index's statistics,
// keeping its first maxQueryWords distinct content words and at most
// maxQuerySlots terms in all. The error is ctx's when it ended first.
//
// A word written with a capital letter where a sentence does not start is a
// name (see slot.proper); so is the first word when the framing before it
// was removed (framed is true: "what about Peru" gave "Peru").
func (e *Engine) newQuery(ctx context.Context, text string, framed bool) (query, error) {
	toks := tokenize(text)
	q := query{text: text}
	slotOf := map[string]int{}
	sp := e.newSpeller(ctx)
	for i, t := range toks {
		if isStopword(t.word) {
			continue
		}
		if _, ok := slotOf[t.word]; ok {
			continue
		}
		if len(q.slots) == maxQueryWords {
			toks = toks[:i]
			break
		}
		if err := ctx.Err(); err != nil {
			return query{}, err
		}
		slotOf[t.word] = len(q.slots)
		wi := e.an.info(t.word)
		forms := wi.forms
		if term, ok := e.acronymOf(text[t.start:t.end], t.word, forms); ok {
			forms = append(forms[:len(forms):len(forms)], term)
		} else if c, ok, err := sp.correct(t.word, forms); err != nil {
			return query{}, err
		} else if ok {
			wi = e.an.info(c)
			forms = wi.forms
		}
		proper := isProperName(text, t, framed) || e.an.isName(wi.forms)
		s := e.makeSlot(t.word, forms, wi.specificity, false, proper)
		q.slots = append(q.slots, s)
	}
	// A numbered reference of a kind the documents use ("Article 19") is a
	// word of the question: a passage without it does not answer.
	numberedRefs(text, toks, func(term string, at int) {
		if len(q.slots) >= maxQueryWords {
			return
		}
		term, ok := e.lex.usedRef(term)
		if _, dup := slotOf[term]; !ok || dup {
			return
		}
		slotOf[term] = len(q.slots)
		s := e.makeSlot(term, []string{term}, 1, false, false)
		// The reference covers its word, however the documents spell it.
		s.parts = partSlots(toks[at-1:at], slotOf)
		q.slots = append(q.slots, s)
	})
	seenPhrase := map[string]bool{}
	for _, p := range e.an.phrases(text, toks) {
		if len(q.slots) >= maxQuerySlots {
			break
		}
		if seenPhrase[p.text] {
			continue
		}
		seenPhrase[p.text] = true
		s := e.makeSlot(p.text, []string{p.text}, e.an.specificity([]string{p.text}), true, false)
		s.parts = partSlots(toks[p.from:p.to], slotOf)
		q.slots = append(q.slots, s)
	}
	// A name in the question ("Federal Aviation Administration") also
	// stands for its initials, which the documents may use instead.
	nameInitials(text, toks, func(term string, from, to int) {
		if len(q.slots) >= maxQuerySlots || seenPhrase[term] || e.lex.df(term) == 0 {
			return
		}
		seenPhrase[term] = true
		s := e.makeSlot(term, []string{term}, 1, true, false)
		s.parts = partSlots(toks[from:to], slotOf)
		s.name = true
		q.slots = append(q.slots, s)
	})
	return q, ctx.Err()
}

// partSlots returns the indexes of the word slots of toks, once each.
func partSlots(toks []token, slotOf map[string]int) []int {
	var parts []int
	for _, t := range toks {
		if k, ok := slotOf[t.word]; ok && !slices.Contains(parts, k) {
			parts = append(parts, k)
		}
	}
	return parts
}

// acronymOf returns the initials term a question word stands for: the word
// written as an acronym ("OMB"), or typed in lower case ("omb") when the
// documents never use the word but have a name with those initials.
func (e *Engine) acronymOf(orig, word string, forms []string) (string, bool) {
	if term, ok := acronymTerm(orig); ok {
		return term, true
	}
	n := utf8.RuneCountInString(word)
	if n < minInitials || n > maxInitials {
		return "", false
	}
	for _, f := range forms {
		if e.lex.df(f) > 0 {
			return "", false
		}
	}
	term := acronymPrefix + word
	return term, e.lex.df(term) > 0
}

// makeSlot builds the slot of one question word (or phrase) from its exact
// forms: the forms themselves, then, unless it is a name, the lemmas WordNet
// relates to them and the documents' words nearest in meaning.
func (e *Engine) makeSlot(word string, forms []string, specificity float64, isPhrase, proper bool) slot {
	s := slot{word: word, phrase: isPhrase, proper: proper}
	have := map[string]int{}
	maxDF := 0
	for _, f := range forms {
		if _, ok := have[f]; ok {
			continue
		}
		have[f] = len(s.variants)
		s.variants = append(s.variants, variant{term: f, weight: 1, credit: 1, exact: true})
		maxDF = max(maxDF, e.lex.df(f))
	}
	s.exactIDF = e.lex.idf(maxDF)
	s.imp = s.exactIDF * specificity
	if proper {
		return s
	}
	for _, f := range forms {
		if strings.HasPrefix(f, stemPrefix) {
			continue
		}
		for _, r := range e.an.lex.Related(f) {
			v := variant{term: r.Lemma, weight: relatedWeight * float64(r.Weight), credit: float64(r.Weight)}
			// A broader or narrower word ranks but does not prove: a
			// passage about "personnel" may or may not answer a question
			// about "troops" (see tuning.go, relatedWeight).
			v.soft = r.Kind.Taxonomic()
			if i, ok := have[r.Lemma]; ok {
				if !s.variants[i].exact && v.weight > s.variants[i].weight {
					s.variants[i] = v
				}
				continue
			}
			have[r.Lemma] = len(s.variants)
			s.variants = append(s.variants, v)
		}
	}
	if !isPhrase {
		for _, nb := range e.softNeighbours(forms) {
			c := softCreditScale * float64(nb.cos)
			v := variant{term: nb.term, weight: relatedWeight * c, credit: c, soft: true}
			if i, ok := have[nb.term]; ok {
				// A broader or narrower word is soft too: the nearer
				// meaning's larger credit wins.
				if s.variants[i].soft && v.weight > s.variants[i].weight {
					s.variants[i] = v
				}
				continue
			}
			have[nb.term] = len(s.variants)
			s.variants = append(s.variants, v)
		}
	}
	return s
}

// lexicalScores ranks passages by the sum over slots of the best variant's
// BM25 contribution: its total holds the score of every passage (indexed by
// passage) and its touched the passages with a score above zero. The caller
// gives it back to e.lex when done with it. The error is ctx's when it
// ended first.
func (e *Engine) lexicalScores(ctx context.Context, q query) (*lexScores, error) {
	ls := e.lex.takeScores()
	for _, s := range q.slots {
		if err := ctx.Err(); err != nil {
			e.lex.giveBack(ls)
			return nil, err
		}
		ls.slotTouched = ls.slotTouched[:0]
		for _, v := range s.variants {
			df := e.lex.df(v.term)
			if df == 0 {
				continue
			}
			idf := e.lex.idf(df)
			if !v.exact {
				idf = min(idf, s.exactIDF)
			}
			e.lex.score(v.term, v.weight, idf, ls.slot, &ls.slotTouched)
		}
		for _, d := range ls.slotTouched {
			if ls.total[d] == 0 {
				ls.touched = append(ls.touched, d)
			}
			ls.total[d] += ls.slot[d]
			ls.slot[d] = 0
		}
		ls.slotTouched = ls.slotTouched[:0]
	}
	return ls, nil
}

// credits is each slot's credit in a text (see slotCredit), where the words
// of a multi-word lemma are credited as one: with the lemma's credit when the
// text holds it or a relative ("aviation" for "air travel"), and at most
// partCredit each when it does not, since the words apart are usually about
// something else ("shared interest" and "a lower rate" are not about
// interest rates). The words of a name get its credit, and no cap.
func (q query) credits(has func(term string) bool) []float64 {
	return q.creditsOf(has, true)
}

// hardCredits is credits without soft matches.
func (q query) hardCredits(has func(term string) bool) []float64 {
	return q.creditsOf(has, false)
}

func (q query) creditsOf(has func(term string) bool, soft bool) []float64 {
	out := make([]float64, len(q.slots))
	for k, s := range q.slots {
		out[k] = slotCredit(s, has, soft)
	}
	// Caps first, then the lemmas present, so that of two overlapping
	// lemmas ("free trade", "trade agreement") the one present counts.
	for k, s := range q.slots {
		if out[k] == 0 && !s.name {
			for _, w := range s.parts {
				out[w] = min(out[w], partCredit)
			}
		}
	}
	for k, s := range q.slots {
		if out[k] > 0 {
			for _, w := range s.parts {
				out[w] = max(out[w], out[k])
			}
		}
	}
	return out
}

func slotCredit(s slot, has func(term string) bool, soft bool) float64 {
	best := 0.0
	for _, v := range s.variants {
		if v.credit > best && (soft || !v.soft) && has(v.term) {
			best = v.credit
		}
	}
	return best
}

// termSet is the set of exact terms of text.
func (a *analyzer) termSet(text string) map[string]bool {
	set := map[string]bool{}
	a.exactTerms(text, func(t string) { set[t] = true })
	return set
}

// isProperName reports whether token t of text is written as a name: it
// starts with an upper-case letter and is not the first word of a sentence
// (unless framed: the question's framing was removed before it), or it is
// all upper case, like an acronym. A question typed all in capitals has no
// names by this rule.
func isProperName(text string, t token, framed bool) bool {
	word := text[t.start:t.end]
	r, _ := utf8.DecodeRuneInString(word)
	if !unicode.IsUpper(r) || strings.ToUpper(text) == text {
		return false
	}
	if strings.ToUpper(word) == word && utf8.RuneCountInString(word) > 1 {
		return true
	}
	before := strings.TrimRightFunc(text[:t.start], unicode.IsSpace)
	if before == "" {
		return framed
	}
	last, _ := utf8.DecodeLastRuneInString(before)
	return !strings.ContainsRune(".?!:;\"“(", last)
}
