package retrieval

import "github.com/quotebot/quotebot/corpus"

// Answer is the reply to one question, in the shape of the contract's
// `ask --json` object.
type Answer struct {
	Question string `json:"question"`
	// Found is false when the documents do not answer the question;
	// Passages is then empty.
	Found bool `json:"found"`
	// Passages are best first, at most the requested number.
	Passages []Hit `json:"passages"`
	// Closest holds, when Found is false, the passage or two that stand out
	// although the question's wording is not matched well enough to be sure
	// ("The documents don't say that in those words. Closest passage: …").
	// Empty when nothing stands out: the question is not covered.
	Closest []Hit `json:"closest,omitempty"`
	// Topics names what the documents cover; it is set when Found is false,
	// so a "not covered" reply can say what to ask instead.
	Topics []string `json:"topics,omitempty"`
}

// Hit is one quoted passage with its citation.
type Hit struct {
	ID        string  `json:"id"`
	Doc       string  `json:"doc"`
	Title     string  `json:"title"`
	Date      string  `json:"date"`
	Paragraph int     `json:"paragraph"`
	Text      string  `json:"text"`
	Highlight string  `json:"highlight"`
	Score     float64 `json:"score"`
	// Section is the heading the passage sits under (corpus.Passage.Section),
	// for the citation; empty when there is none.
	Section string `json:"section,omitempty"`
	// URL is the document's source, an http(s) URL (corpus.Document.URL);
	// citations link the title to it. Empty when unknown.
	URL string `json:"url,omitempty"`
	// Spans are the byte ranges of Text that make up Highlight (one per
	// highlighted sentence, in order), for renderers that set them in bold.
	Spans []corpus.Span `json:"-"`
}
