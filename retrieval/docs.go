package retrieval

import (
	"runtime"
	"slices"
	"strings"

	"github.com/quotebot/quotebot/corpus"
)

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
	// (Part 1, 2, …). They are copies, valid after the engine is dropped.
	Passages []corpus.Passage
}

// Documents lists the documents the engine holds, in the order Open was
// given them, each once. It walks the passages (Open keeps each document's
// passages together, in order), so it costs one comparison per passage and
// one allocation per document.
func (e *Engine) Documents() []DocInfo {
	var out []DocInfo
	for _, r := range e.docRanges() {
		out = append(out, r.info.detached())
	}
	runtime.KeepAlive(e)
	return out
}

// Document returns the document whose ID is id, with its passages, or
// false when the engine holds no such document. Like Documents, it walks
// the passages once.
func (e *Engine) Document(id string) (Doc, bool) {
	defer runtime.KeepAlive(e)
	for _, r := range e.docRanges() {
		if r.info.ID == id {
			ps := make([]corpus.Passage, r.end-r.start)
			for i := range ps {
				ps[i] = detachedPassage(e.passages.passage(r.start + i))
			}
			return Doc{DocInfo: r.info.detached(), Passages: ps}, true
		}
	}
	return Doc{}, false
}

// docRange is one document's run of e.passages, [start, end).
type docRange struct {
	info       DocInfo
	start, end int
}

// docRanges cuts e.passages into one run per document of the passage
// table (docOf). A document whose passages were not contiguous (which Open
// does not produce) would count once per run, never merge with another
// document.
func (e *Engine) docRanges() []docRange {
	var out []docRange
	t := e.passages
	for i := range t.len() {
		d := t.docOf[i]
		if n := len(out); n > 0 && t.docOf[i-1] == d {
			out[n-1].end = i + 1
			out[n-1].info.Passages++
			continue
		}
		out = append(out, docRange{
			info:  DocInfo{ID: t.docIDs[d], Title: t.titles[d], Date: t.dates[d], URL: t.urls[d], Passages: 1},
			start: i, end: i + 1,
		})
	}
	return out
}

// A loaded engine's strings point into its mapped snapshot, which lives as
// long as the engine (see mapping); what the engine returns is copied, so
// that it stays valid after the engine is dropped, as serve does on reload.

// detached returns h with strings of its own.
func (h Hit) detached() Hit {
	h.ID, h.Doc, h.Title, h.Date = strings.Clone(h.ID), strings.Clone(h.Doc), strings.Clone(h.Title), strings.Clone(h.Date)
	h.Text, h.Highlight, h.Section, h.URL = strings.Clone(h.Text), strings.Clone(h.Highlight), strings.Clone(h.Section), strings.Clone(h.URL)
	return h
}

// detached returns a with strings of its own (see Hit.detached).
func (a Answer) detached() Answer {
	for _, hs := range [][]Hit{a.Passages, a.Closest} {
		for i := range hs {
			hs[i] = hs[i].detached()
		}
	}
	return a
}

// detached returns d with strings of its own.
func (d DocInfo) detached() DocInfo {
	d.ID, d.Title, d.Date, d.URL = strings.Clone(d.ID), strings.Clone(d.Title), strings.Clone(d.Date), strings.Clone(d.URL)
	return d
}

// detachedPassage returns p with strings and sentences of its own.
func detachedPassage(p corpus.Passage) corpus.Passage {
	p.ID, p.DocID, p.Title, p.Date, p.URL = strings.Clone(p.ID), strings.Clone(p.DocID), strings.Clone(p.Title), strings.Clone(p.Date), strings.Clone(p.URL)
	p.Text, p.Section, p.Context = strings.Clone(p.Text), strings.Clone(p.Section), strings.Clone(p.Context)
	p.Sentences = slices.Clone(p.Sentences)
	return p
}
