package retrieval

import (
	"context"
	"errors"
	"fmt"

	chromem "github.com/philippgille/chromem-go"
)

// Writing and reading the snapshot's sections (see snapshot.go). Reading
// checks every number that indexes something, so a damaged file is an
// error, never a crash.

// writeSections writes the documents, passages, vocabulary, postings and
// topic candidates (cands[i] are passage i's, their words numbered in
// words).
func (e *Engine) writeSections(w *snapWriter, cands []topicCands, words []string) {
	t := newPassageTable(e.toIndex)
	n := t.len()
	w.begin(secDocs)
	w.strings(t.docIDs)
	w.strings(t.titles)
	w.strings(t.dates)
	w.strings(t.urls)
	w.end()

	w.begin(secPassages)
	w.u32(uint32(n))
	w.strTable(t.ids)
	putRaw(w, t.docOf)
	putRaw(w, t.para)
	putRaw(w, t.part)
	w.strTable(t.texts)
	putRaw(w, t.sentStart)
	putRaw(w, t.spans)
	w.strTable(t.sections)
	w.strTable(t.contexts)
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

	writeTopicCands(w, cands, words)
}

// writeTopicCands writes the passages' candidate topics: u32 n, the
// offsets of each passage's packed candidates (n+1), the candidates, then
// the table of their words. Words are renumbered in order of first use, so
// the same passages always give the same bytes.
func writeTopicCands(w *snapWriter, cands []topicCands, words []string) {
	off := make([]uint32, len(cands)+1)
	for i, c := range cands {
		off[i+1] = off[i] + uint32(len(c))
	}
	renum := make([]uint32, len(words))
	var table []string
	w.begin(secTopics)
	w.u32(uint32(len(cands)))
	putRaw(w, off)
	var buf topicCands
	w.pad(rawAlign)
	for _, c := range cands {
		buf = append(buf[:0], c...)
		buf.mapWords(func(id uint32) uint32 {
			if renum[id] == 0 {
				table = append(table, words[id])
				renum[id] = uint32(len(table))
			}
			return renum[id] - 1
		})
		appendRaw(w, buf)
	}
	w.strings(table)
	w.end()
}

// damaged is the error for a section whose contents do not fit together.
func damaged(section, why string) error {
	return fmt.Errorf("%w: %s section: %s", errDamaged, section, why)
}

// readPassages reads the documents and passages sections: n passages,
// whose tables are the sections' own bytes (see getRaw and
// secReader.stringTable), so that they cost the heap nothing per passage.
func readPassages(s *snapshot, n int) (*passageTable, error) {
	r := s.section(secDocs)
	t := &passageTable{docIDs: r.strings(), titles: r.strings(), dates: r.strings(), urls: r.strings()}
	if err := r.close(); err != nil {
		return nil, err
	}
	if nd := len(t.docIDs); len(t.titles) != nd || len(t.dates) != nd || len(t.urls) != nd {
		return nil, damaged("documents", "tables of different lengths")
	}

	r = s.section(secPassages)
	if got := r.count(1); got != n && r.err == nil {
		return nil, damaged("passages", fmt.Sprintf("%d passages, the manifest says %d", got, n))
	}
	t.ids = r.stringTable()
	t.docOf = getRaw[uint32](r, n)
	t.para = getRaw[uint32](r, n)
	t.part = getRaw[uint32](r, n)
	t.texts = r.stringTable()
	t.sentStart = getRaw[uint32](r, n+1)
	if r.err == nil {
		t.spans = getRaw[uint32](r, 2*int(t.sentStart[n]))
	}
	t.sections, t.contexts = r.stringTable(), r.stringTable()
	if err := r.close(); err != nil {
		return nil, err
	}
	if t.ids.len() != n || t.texts.len() != n || t.sections.len() != n || t.contexts.len() != n || t.sentStart[0] != 0 {
		return nil, damaged("passages", "tables of different lengths")
	}
	for i := range n {
		a, b := t.sentStart[i], t.sentStart[i+1]
		if int(t.docOf[i]) >= len(t.docIDs) || a > b || b > t.sentStart[n] {
			return nil, damaged("passages", "a number out of range")
		}
		size := uint32(len(t.texts.at(i)))
		for k := 2 * a; k < 2*b; k += 2 {
			if t.spans[k] > t.spans[k+1] || t.spans[k+1] > size {
				return nil, damaged("passages", "a sentence out of range")
			}
		}
	}
	return t, nil
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
		if a, b := start[t], start[t+1]; a > b || int(b) > np {
			return nil, damaged("postings", "a number out of range")
		}
	}
	// The passages in the postings are not checked here, which would make
	// all of them resident: lexIndex.score skips one out of range, and a
	// rebuild, which needs them in order, checks them (checkPostings).
	return newLexIndex(terms, start, docs, tfs, lens), nil
}

// checkPostings reports whether every posting list of ix names passages
// of its index in ascending order, as passageTerms needs.
func (ix *lexIndex) checkPostings() error {
	n := int32(len(ix.lens))
	for t := range len(ix.terms) {
		prev := int32(-1)
		for _, d := range ix.docs[ix.start[t]:ix.start[t+1]] {
			if d <= prev || d >= n {
				return damaged("postings", "a passage out of range or order")
			}
			prev = d
		}
	}
	return nil
}

// readTopicCands reads the candidate topics of n passages whose texts
// have the lengths textLen gives, and the table of their words.
func readTopicCands(s *snapshot, n int, textLen func(i int) int) ([]topicCands, []string, error) {
	r := s.section(secTopics)
	if got := r.count(4); got != n && r.err == nil {
		return nil, nil, damaged("topics", "wrong number of passages")
	}
	off := getRaw[uint32](r, n+1)
	var packed []uint32
	if r.err == nil {
		packed = getRaw[uint32](r, int(off[n]))
	}
	words := r.strings()
	if err := r.close(); err != nil {
		return nil, nil, err
	}
	out := make([]topicCands, n)
	for i := range out {
		a, b := off[i], off[i+1]
		if a > b || int(b) > len(packed) {
			return nil, nil, damaged("topics", "a number out of range")
		}
		out[i] = topicCands(packed[a:b:b])
		if !out[i].valid(textLen(i), len(words)) {
			return nil, nil, damaged("topics", "a candidate out of range")
		}
	}
	return out, words, nil
}

// load loads the index at path when it was built as wanted: its passages,
// lexical index, topics and vectors. The snapshot is mapped into memory
// whole where the system allows (see mapping), and the engine reads its
// strings, arrays and vectors in place: they load without a copy, outside
// the heap the garbage collector paces itself by, and only the pages that
// answering touches take memory. chromem-go fills its collection from the
// vectors while the rest is read and the checksums are verified.
func (e *Engine) load(path string, want wanted) error {
	s, meta, err := openIndex(path, want)
	if err != nil {
		return err
	}
	defer s.Close()
	s.mapBytes()
	if err := e.loadFrom(s, meta); err != nil {
		return err
	}
	e.useThresholds(meta.Thresholds)
	return nil
}

// loadFrom loads the snapshot s whose meta section is meta. Every
// section's checksum is verified through the file (verifySection), not
// through the mapping, so that verifying does not make the whole file
// resident; reading checks every number that indexes something, so the
// two can run at once.
func (e *Engine) loadFrom(s *snapshot, meta snapshotMeta) error {
	if meta.Dim <= 0 || meta.Passages <= 0 {
		return damaged("meta", "no dimension or no passages")
	}
	check := make(chan error, 1)
	go func() { check <- s.verify() }()
	passages, err := readPassages(s, meta.Passages)
	var vecs []float32
	if err == nil {
		vecs, err = s.vectors(meta.Passages * meta.Dim)
	}
	if err != nil {
		return errors.Join(err, <-check)
	}
	type filled struct {
		col *chromem.Collection
		err error
	}
	fill := make(chan filled, 1)
	go func() {
		col, err := e.newCollection(context.Background(), passages.len(), vecs, meta.Dim)
		fill <- filled{col, err}
	}()
	var lex *lexIndex
	if err == nil {
		lex, err = readLexIndex(s, passages.len())
	}
	f := <-fill
	if err = errors.Join(err, f.err, <-check); err != nil {
		return err
	}
	e.passages, e.lex, e.topics, e.col, e.dim = passages, lex, meta.Topics, f.col, meta.Dim
	// Everything above may point into the mapping: the engine keeps it.
	e.mem = s.mem
	e.stats = meta.stats()
	return nil
}

// vectors returns the n values of the vectors section, in place (see
// getRaw).
func (s *snapshot) vectors(n int) ([]float32, error) {
	sec, ok := s.secs[secVectors]
	if !ok || sec.size != int64(n)*4 {
		return nil, damaged("vectors", "not the size of the passages' vectors")
	}
	r := s.section(secVectors)
	v := getRaw[float32](r, n)
	if err := r.close(); err != nil {
		return nil, err
	}
	return v, nil
}
