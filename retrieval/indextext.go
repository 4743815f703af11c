package retrieval

import "github.com/quotebot/quotebot/corpus"

// indexText is what search reads of a passage: its Context, then its Text.
// The Context is what a reader needs to understand the passage but is not
// quoted — the FAQ question it answers, the heading right above it, the
// line that introduces its list — so "What is the $1,000 contribution?"
// finds the answer paragraph, not the question. The lexical index, the
// coverage of a question and the dense vector all read indexText; quotes and
// highlights read Text alone. corpus makes a passage's ID depend on its
// Context, so a vector built for another context is never reused.
func indexText(p corpus.Passage) string {
	if p.Context == "" {
		return p.Text
	}
	return p.Context + " " + p.Text
}
