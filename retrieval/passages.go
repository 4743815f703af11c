package retrieval

import "github.com/quotebot/quotebot/corpus"

// passageTable is the passages an engine answers from, as tables rather
// than one corpus.Passage each: what a passage shares with its document
// once per document, numbers and spans as arrays, strings as string
// tables. A loaded engine's tables are the snapshot's own sections, read
// in place (see readPassages), so its passages cost the heap nothing per
// passage; an engine built in memory has the same tables over the
// passages' own strings (newPassageTable). Answering reads a passage
// through passage, or one field through the accessors below, the same
// way for both.
type passageTable struct {
	// docIDs, titles, dates and urls are each document's, and docOf[i]
	// passage i's document.
	docIDs, titles, dates, urls []string
	docOf                       []uint32
	// para and part are each passage's paragraph and part numbers.
	para, part []uint32
	ids, texts strTable
	// sentStart[i] is passage i's first sentence in spans, which holds
	// each sentence's start and end byte: n+1 entries.
	sentStart []uint32
	spans     []uint32
	sections  strTable
	contexts  strTable
}

// newPassageTable makes the table of ps, whose strings it shares. A run of
// passages with the same document ID, title, date and URL is one
// document.
func newPassageTable(ps []corpus.Passage) *passageTable {
	n := len(ps)
	t := &passageTable{docOf: make([]uint32, n), para: make([]uint32, n), part: make([]uint32, n),
		sentStart: make([]uint32, n+1)}
	ids, texts := make([]string, n), make([]string, n)
	sections, contexts := make([]string, n), make([]string, n)
	for i, p := range ps {
		k := len(t.docIDs) - 1
		if k < 0 || t.docIDs[k] != p.DocID || t.titles[k] != p.Title || t.dates[k] != p.Date || t.urls[k] != p.URL {
			t.docIDs, t.titles = append(t.docIDs, p.DocID), append(t.titles, p.Title)
			t.dates, t.urls = append(t.dates, p.Date), append(t.urls, p.URL)
		}
		t.docOf[i] = uint32(len(t.docIDs) - 1)
		ids[i], texts[i], sections[i], contexts[i] = p.ID, p.Text, p.Section, p.Context
		t.para[i], t.part[i] = uint32(p.Paragraph), uint32(p.Part)
		for _, s := range p.Sentences {
			t.spans = append(t.spans, uint32(s.Start), uint32(s.End))
		}
		t.sentStart[i+1] = uint32(len(t.spans) / 2)
	}
	t.ids, t.texts = strTable{list: ids}, strTable{list: texts}
	t.sections, t.contexts = strTable{list: sections}, strTable{list: contexts}
	return t
}

// len is the number of passages.
func (t *passageTable) len() int {
	if t == nil {
		return 0
	}
	return len(t.docOf)
}

// passage returns passage i whole. Its strings are the table's (in a
// loaded engine's mapping: see Hit.detached); its sentences are its own.
func (t *passageTable) passage(i int) corpus.Passage {
	d := t.docOf[i]
	a, b := t.sentStart[i], t.sentStart[i+1]
	sents := make([]corpus.Span, b-a)
	for k := range sents {
		sents[k] = corpus.Span{Start: int(t.spans[2*(int(a)+k)]), End: int(t.spans[2*(int(a)+k)+1])}
	}
	return corpus.Passage{ID: t.ids.at(i), DocID: t.docIDs[d], Title: t.titles[d], Date: t.dates[d], URL: t.urls[d],
		Paragraph: int(t.para[i]), Part: int(t.part[i]), Text: t.texts.at(i), Sentences: sents,
		Section: t.sections.at(i), Context: t.contexts.at(i)}
}

// docID, paragraph and text are one field of passage i, for walks over
// every passage that need no more.
func (t *passageTable) docID(i int) string  { return t.docIDs[t.docOf[i]] }
func (t *passageTable) paragraph(i int) int { return int(t.para[i]) }
func (t *passageTable) text(i int) string   { return t.texts.at(i) }

// strTable is a table of strings: a slice of them for an engine built in
// memory, or, read in place from a snapshot (secReader.stringTable), the
// offsets of each into one string of them all, so that a loaded table
// costs no string header per entry.
type strTable struct {
	list []string
	offs []uint64
	all  string
}

// len is the number of strings.
func (s strTable) len() int {
	if s.offs == nil {
		return len(s.list)
	}
	return len(s.offs) - 1
}

// at is string i.
func (s strTable) at(i int) string {
	if s.offs == nil {
		return s.list[i]
	}
	return s.all[s.offs[i]:s.offs[i+1]]
}
