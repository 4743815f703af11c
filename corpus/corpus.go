// Package corpus turns documents (.txt, .md, .html) into passages: the
// verbatim paragraphs quotebot quotes, with the title, date, section and
// paragraph number it cites and the document's source URL. Markdown is read
// by goldmark with GitHub's extensions (tables become one passage per row,
// code blocks are left out). Headings give passages their Section; an FAQ
// question, a short heading or the line that introduces a list becomes the
// Context of the passage after it, read by search but not quoted (see
// structure.go and docs/documents.md). Scan reads a folder and reports the
// files it could not read instead of failing on them; Parse removes control
// characters, so a document cannot send escape sequences to a terminal or a
// chat. It is pure: no network, no logging.
package corpus

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on.
var (
	// ErrNotUTF8 is returned for a file whose bytes are not valid UTF-8.
	ErrNotUTF8 = errors.New("not valid UTF-8 text")
	// ErrNoDocuments is returned by Scan and Load when a folder holds no
	// document that can be read.
	ErrNoDocuments = errors.New("no .txt, .md or .html documents")
	// ErrTooLarge is the reason a file over MaxDocumentBytes is skipped.
	ErrTooLarge = fmt.Errorf("larger than the %d MiB limit for one document", MaxDocumentBytes>>20)
	// ErrEmpty is the reason a document without paragraphs is skipped.
	ErrEmpty = errors.New("no text: the document has no paragraphs")
	// ErrUnsupportedFormat is the reason a file whose ending is in
	// Unsupported (.pdf, .docx, …) is skipped.
	ErrUnsupportedFormat = errors.New("unsupported format")
	// ErrNotRegular is the reason a document path that names a folder, a
	// named pipe or a device (directly or through a link) is skipped.
	ErrNotRegular = errors.New("not a regular file")
)

// DefaultMaxPassageChars is the passage length above which a paragraph is
// split at sentence boundaries.
const DefaultMaxPassageChars = 1500

// Options tunes how documents are split.
type Options struct {
	// MaxPassageChars is the length in bytes above which a paragraph is cut
	// into several passages at sentence boundaries; 0 means
	// DefaultMaxPassageChars.
	MaxPassageChars int
}

// Span is a half-open byte range [Start, End) of a passage's Text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Document is one loaded file.
type Document struct {
	// ID is the file's path in its folder without the extension, e.g.
	// "china-peru-statement"; stable across runs.
	ID string
	// Title comes from a "Title:" header line, front matter or the page's
	// head, the first heading, or the file name.
	Title string
	// Date comes from a "Date:" header line; empty when the document has none.
	Date string
	// URL is where the document is published: front matter url:,
	// canonical: or source: (Markdown), <link rel=canonical> or og:url
	// (HTML), or a "URL:" header line. Only an absolute http(s) URL without
	// user information is kept; empty otherwise.
	URL string
	// Passages are the body paragraphs in order.
	Passages []Passage
}

// Passage is a verbatim piece of a document: a whole body paragraph, or one
// piece of a paragraph longer than Options.MaxPassageChars.
type Passage struct {
	// ID is derived from the document ID and the passage text, so an
	// unchanged document yields the same IDs on every load.
	ID    string
	DocID string
	Title string
	Date  string
	// Paragraph counts the document's body paragraphs from 1; header lines
	// (Title:, Date:, URL:) and Markdown and HTML headings are not
	// paragraphs. A heading line of a text file and an FAQ question are
	// numbered as paragraphs but yield no passage (they are the Context of
	// the next one), so numbers can skip.
	Paragraph int
	// Part counts the pieces of a split paragraph from 1; it is 1 for a
	// paragraph that was not split.
	Part int
	// Text is the passage exactly as the document says it (markup removed,
	// hard line wraps joined with single spaces).
	Text string
	// Sentences are the byte ranges of Text's sentences, in order.
	Sentences []Span
	// Section is the text of the nearest heading above the passage (the
	// innermost one), without a trailing ":" or "."; empty before the
	// first heading and for a heading that is the document's title.
	Section string
	// Context is what a reader needs to understand the passage but is not
	// part of the quote: the question the passage answers, the heading right
	// above it, or the line ending in ":" that introduces its list. Empty
	// for most passages. Search reads it with Text; quotes show only Text.
	Context string
	// URL is the document's URL (Document.URL).
	URL string
}
