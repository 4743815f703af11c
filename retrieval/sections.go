package retrieval

import (
	"context"
	"fmt"

	"github.com/quotebot/quotebot/corpus"
)

// Writing and reading the snapshot's sections (see snapshot.go). Reading
// checks every number that indexes something, so a damaged file is an
// error, never a crash.

// writeSections writes the documents, passages, vocabulary, postings and
// topic candidates (cands[i] are passage i's); it returns the number of
// documents.
func (e *Engine) writeSections(w *snapWriter, cands [][]topicCand) int {
	n := len(e.passages)
	var docIDs, titles, dates []string
	docOf := make([]uint32, n)
	for i, p := range e.passages {
		k := len(docIDs) - 1
		if k < 0 || docIDs[k] != p.DocID || titles[k] != p.Title || dates[k] != p.Date {
			docIDs, titles, dates = append(docIDs, p.DocID), append(titles, p.Title), append(dates, p.Date)
		}
		docOf[i] = uint32(len(docIDs) - 1)
	}
	w.begin(secDocs)
	w.strings(docIDs)
	w.strings(titles)
	w.strings(dates)
	w.end()

	ids, texts := make([]string, n), make([]string, n)
	para, part := make([]uint32, n), make([]uint32, n)
	sentStart := make([]uint32, n+1)
	var spans []uint32
	for i, p := range e.passages {
		ids[i], texts[i] = p.ID, p.Text
		para[i], part[i] = uint32(p.Paragraph), uint32(p.Part)
		for _, s := range p.Sentences {
			spans = append(spans, uint32(s.Start), uint32(s.End))
		}
		sentStart[i+1] = uint32(len(spans) / 2)
	}
	w.begin(secPassages)
	w.u32(uint32(n))
	w.strings(ids)
	putRaw(w, docOf)
	putRaw(w, para)
	putRaw(w, part)
	w.strings(texts)
	putRaw(w, sentStart)
	putRaw(w, spans)
	w.end()

	ix := e.lex
	w.begin(secTerms)
	w.strings(ix.terms)
	w.end()
	w.begin(secPostings)
	w.u32(uint32(len(ix.terms)))
	putRaw(w, ix.start)
	w.u32(uint32(len(ix.docs)))
	putRaw(w, ix.docs)
	putRaw(w, ix.tfs)
	w.u32(uint32(n))
	putRaw(w, ix.lens)
	w.end()

	writeTopicCands(w, cands)
	return len(docIDs)
}

// writeTopicCands writes a table of the candidates' distinct words, then
// per passage the range of its candidates, per candidate its byte range and
// the range of its words, and per word its entry in the table times two,
// plus one when it is capitalized.
func writeTopicCands(w *snapWriter, cands [][]topicCand) {
	var words []string
	wordID := map[string]uint32{}
	cStart := make([]uint32, len(cands)+1)
	var spans []int32
	wStart := []uint32{0}
	var cw []uint32
	for i, cs := range cands {
		for _, c := range cs {
			spans = append(spans, c.start, c.end)
			for _, word := range c.words {
				id, ok := wordID[word.word]
				if !ok {
					id = uint32(len(words))
					wordID[word.word] = id
					words = append(words, word.word)
				}
				x := id << 1
				if word.capital {
					x |= 1
				}
				cw = append(cw, x)
			}
			wStart = append(wStart, uint32(len(cw)))
		}
		cStart[i+1] = uint32(len(wStart) - 1)
	}
	w.begin(secTopics)
	w.strings(words)
	w.u32(uint32(len(cands)))
	putRaw(w, cStart)
	putRaw(w, spans)
	putRaw(w, wStart)
	putRaw(w, cw)
	w.end()
}

// damaged is the error for a section whose contents do not fit together.
func damaged(section, why string) error {
	return fmt.Errorf("%w: %s section: %s", errDamaged, section, why)
}

// readPassages reads the documents and passages sections: n passages.
func readPassages(s *snapshot, n int) ([]corpus.Passage, error) {
	r := s.section(secDocs)
	docIDs, titles, dates := r.strings(), r.strings(), r.strings()
	if err := r.close(); err != nil {
		return nil, err
	}
	if len(titles) != len(docIDs) || len(dates) != len(docIDs) {
		return nil, damaged("documents", "tables of different lengths")
	}

	r = s.section(secPassages)
	if got := r.count(1); got != n && r.err == nil {
		return nil, damaged("passages", fmt.Sprintf("%d passages, the manifest says %d", got, n))
	}
	ids := r.strings()
	docOf := getRaw[uint32](r, n)
	para := getRaw[uint32](r, n)
	part := getRaw[uint32](r, n)
	texts := r.strings()
	sentStart := getRaw[uint32](r, n+1)
	var spans []uint32
	if r.err == nil {
		spans = getRaw[uint32](r, 2*int(sentStart[n]))
	}
	if err := r.close(); err != nil {
		return nil, err
	}
	if len(ids) != n || len(texts) != n || sentStart[0] != 0 {
		return nil, damaged("passages", "tables of different lengths")
	}
	sents := make([]corpus.Span, sentStart[n])
	for k := range sents {
		sents[k] = corpus.Span{Start: int(spans[2*k]), End: int(spans[2*k+1])}
	}
	out := make([]corpus.Passage, n)
	for i := range out {
		d := docOf[i]
		a, b := sentStart[i], sentStart[i+1]
		if int(d) >= len(docIDs) || a > b || b > sentStart[n] {
			return nil, damaged("passages", "a number out of range")
		}
		ss := sents[a:b:b]
		for _, sp := range ss {
			if sp.Start > sp.End || sp.End > len(texts[i]) {
				return nil, damaged("passages", "a sentence out of range")
			}
		}
		out[i] = corpus.Passage{ID: ids[i], DocID: docIDs[d], Title: titles[d], Date: dates[d],
			Paragraph: int(para[i]), Part: int(part[i]), Text: texts[i], Sentences: ss}
	}
	return out, nil
}

// readLexIndex reads the vocabulary and postings of n passages.
func readLexIndex(s *snapshot, n int) (*lexIndex, error) {
	r := s.section(secTerms)
	terms := r.strings()
	if err := r.close(); err != nil {
		return nil, err
	}
	r = s.section(secPostings)
	nt := r.count(4)
	start := getRaw[uint32](r, nt+1)
	np := r.count(6)
	docs := getRaw[int32](r, np)
	tfs := getRaw[uint16](r, np)
	nl := r.count(4)
	lens := getRaw[int32](r, nl)
	if err := r.close(); err != nil {
		return nil, err
	}
	if nt != len(terms) || nl != n || start[0] != 0 || int(start[nt]) != np {
		return nil, damaged("postings", "tables of different lengths")
	}
	for t := range nt {
		a, b := start[t], start[t+1]
		if a > b || int(b) > np {
			return nil, damaged("postings", "a number out of range")
		}
		prev := int32(-1)
		for _, d := range docs[a:b] {
			if d <= prev || int(d) >= n {
				return nil, damaged("postings", "a passage out of range or order")
			}
			prev = d
		}
	}
	return newLexIndex(terms, start, docs, tfs, lens), nil
}

// readTopicCands reads the topic candidates of n passages whose texts have
// the lengths textLen gives.
func readTopicCands(s *snapshot, n int, textLen func(i int) int) ([][]topicCand, error) {
	r := s.section(secTopics)
	words := r.strings()
	if got := r.count(4); got != n && r.err == nil {
		return nil, damaged("topics", "wrong number of passages")
	}
	cStart := getRaw[uint32](r, n+1)
	var spans []int32
	var wStart, cw []uint32
	if r.err == nil {
		nc := int(cStart[n])
		spans = getRaw[int32](r, 2*nc)
		wStart = getRaw[uint32](r, nc+1)
		if r.err == nil {
			cw = getRaw[uint32](r, int(wStart[nc]))
		}
	}
	if err := r.close(); err != nil {
		return nil, err
	}
	nc := int(cStart[n])
	all := make([]topicCand, nc)
	cws := make([]candWord, len(cw))
	for k, x := range cw {
		if int(x>>1) >= len(words) {
			return nil, damaged("topics", "a word out of range")
		}
		cws[k] = candWord{word: words[x>>1], capital: x&1 == 1}
	}
	out := make([][]topicCand, n)
	for i := range out {
		a, b := cStart[i], cStart[i+1]
		if a > b || int(b) > nc {
			return nil, damaged("topics", "a number out of range")
		}
		for c := a; c < b; c++ {
			s, e, wa, wb := spans[2*c], spans[2*c+1], wStart[c], wStart[c+1]
			if s < 0 || s > e || int(e) > textLen(i) || wa > wb || int(wb) > len(cws) {
				return nil, damaged("topics", "a candidate out of range")
			}
			all[c] = topicCand{start: s, end: e, words: cws[wa:wb:wb]}
		}
		out[i] = all[a:b:b]
	}
	return out, nil
}

// load loads the index at path when it was built as wanted: its passages,
// lexical index, topics and vectors.
func (e *Engine) load(path string, want wanted) error {
	s, meta, err := openIndex(path, want)
	if err != nil {
		return err
	}
	defer s.Close()
	passages, err := readPassages(s, meta.Passages)
	if err != nil {
		return err
	}
	byID := make(map[string]int, len(passages))
	for i, p := range passages {
		if _, dup := byID[p.ID]; dup {
			return damaged("passages", "a passage ID twice")
		}
		byID[p.ID] = i
	}
	lex, err := readLexIndex(s, len(passages))
	if err != nil {
		return err
	}
	if meta.Dim <= 0 {
		return damaged("meta", "no dimension")
	}
	r := s.section(secVectors)
	vecs := getRaw[float32](r, meta.Passages*meta.Dim)
	if err := r.close(); err != nil {
		return err
	}
	e.passages, e.byID, e.lex, e.topics = passages, byID, lex, meta.Topics
	if err := e.fillCollection(context.Background(), vecs, meta.Dim); err != nil {
		return err
	}
	e.stats = Stats{Loaded: true, Passages: len(passages)}
	return nil
}
