package retrieval

import (
	"github.com/quotebot/quotebot/retrieval/wordnet"
)

// maxTerms bounds the terms ContentTerms returns: a question has at most
// MaxQuestionLen characters, and a report that groups questions by their
// terms gains nothing from more than a sentence's worth of them.
const maxTerms = 32

// ContentTerms returns the main terms of a question: its content words
// (the words search uses, without stop words and the framing people put
// around a question, such as "say" or "mention"), lower-cased, each as its
// first WordNet base form when WordNet knows the word ("fisheries" →
// "fishery", "boats" → "boat"), each once, in the order they first occur,
// at most 32 of them. The same text always gives the same terms; text of
// only stop words gives none. It is safe for concurrent use and cheap: a
// lexicon lookup a word.
func ContentTerms(text string) []string {
	lex := wordnet.Default()
	var terms []string
	seen := map[string]bool{}
	for _, t := range tokenize(text) {
		if isStopword(t.word) {
			continue
		}
		term := t.word
		if lemmas := lex.Lemmas(term); len(lemmas) > 0 {
			term = lemmas[0]
		}
		if seen[term] || isStopword(term) {
			continue
		}
		seen[term] = true
		terms = append(terms, term)
		if len(terms) == maxTerms {
			break
		}
	}
	return terms
}
