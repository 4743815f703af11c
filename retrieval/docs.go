package retrieval

import "github.com/quotebot/quotebot/corpus"

// DocInfo describes one document the engine holds, for listings such as the
// page's list of loaded documents.
type DocInfo struct {
	// ID is the document's ID (corpus.Document.ID), the one Hit.Doc names.
	ID string
	// Title, Date and URL are the document's (corpus.Document); Date and
	// URL may be empty.
	Title, Date, URL string
	// Passages counts the document's passages the engine searches.
	Passages int
}

// Doc is one document as the engine holds it: its description and its
// passages in document order, for showing the whole document.
type Doc struct {
	DocInfo
	// Passages are the document's passages, in order; a paragraph longer
	// than the passage limit is several passages with the same Paragraph
	// (Part 1, 2, …). Callers must not modify them.
	Passages []corpus.Passage
}

// Documents lists the documents the engine holds, in the order Open was
// given them, each once. It walks the passages (Open keeps each document's
// passages together, in order), so it costs one comparison per passage and
// one allocation per document.
func (e *Engine) Documents() []DocInfo {
	var out []DocInfo
	for _, r := range e.docRanges() {
		out = append(out, r.info)
	}
	return out
}

// Document returns the document whose ID is id, with its passages, or
// false when the engine holds no such document. Like Documents, it walks
// the passages once.
func (e *Engine) Document(id string) (Doc, bool) {
	for _, r := range e.docRanges() {
		if r.info.ID == id {
			return Doc{DocInfo: r.info, Passages: e.passages[r.start:r.end:r.end]}, true
		}
	}
	return Doc{}, false
}

// docRange is one document's run of e.passages, [start, end).
type docRange struct {
	info       DocInfo
	start, end int
}

// docRanges cuts e.passages into one run per document. A document whose
// passages were not contiguous (which Open does not produce) would count
// once per run, never merge with another document.
func (e *Engine) docRanges() []docRange {
	var out []docRange
	for i, p := range e.passages {
		if n := len(out); n > 0 && out[n-1].info.ID == p.DocID {
			out[n-1].end = i + 1
			out[n-1].info.Passages++
			continue
		}
		out = append(out, docRange{
			info:  DocInfo{ID: p.DocID, Title: p.Title, Date: p.Date, URL: p.URL, Passages: 1},
			start: i, end: i + 1,
		})
	}
	return out
}
