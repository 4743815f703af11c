package retrieval

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// previous is what a rebuild takes from the index it replaces.
type previous struct {
	snap *snapshot
	// index maps each new passage to its number in the old index, or -1.
	index []int
	// vecDim is the old vectors' dimension when they can be reused, else 0.
	vecDim int
	vecOff int64
	// terms, words and data are the old vocabulary, table of topic words
	// and each old passage's analysis, when quotebot's analysis has not
	// changed since.
	terms, words []string
	data         []passageData
	// v1 are the vectors of an index of format 1, by passage ID.
	v1 map[string][]float32
	// block caches old vectors read ahead.
	block      []float32
	blockStart int
	blockLen   int
	oldN       int
}

// openPrevious reads what the index at path can give a rebuild of e's
// passages: vectors when it was built by the same embedder, analysis when by
// the same analysis. It returns nil when there is nothing to reuse, and
// never fails: a damaged index just gives nothing.
func (e *Engine) openPrevious(path string, want wanted) *previous {
	if m, err := readManifest(path); err == nil && m.ours() && m.meta.Format == 1 {
		if m.meta.Embedder != want.embedder {
			return nil
		}
		if vecs := readV1Vectors(path, e.toIndex); len(vecs) > 0 {
			return &previous{v1: vecs, vecDim: m.meta.Dim}
		}
		return nil
	}
	s, err := openSnapshot(filepath.Join(path, snapshotName))
	if err != nil {
		return nil
	}
	p := &previous{snap: s}
	if !p.load(e, want) {
		s.Close()
		return nil
	}
	return p
}

// load reads what p can reuse for e's passages; false when nothing.
func (p *previous) load(e *Engine, want wanted) bool {
	if p.snap.verify() != nil {
		return false
	}
	raw, err := p.snap.readSection(secMeta)
	var meta snapshotMeta
	if err != nil || json.Unmarshal(raw, &meta) != nil {
		return false
	}
	// What p keeps points into the mapping, which p.snap keeps.
	p.snap.mapBytes()
	old, err := readPassages(p.snap, meta.Passages)
	if err != nil {
		return false
	}
	p.oldN = old.len()
	byID := make(map[string]int, p.oldN)
	for j := range p.oldN {
		byID[old.ids.at(j)] = j
	}
	p.index = make([]int, len(e.toIndex))
	for i, np := range e.toIndex {
		j, ok := byID[np.ID]
		if !ok || old.text(j) != np.Text || old.contexts.at(j) != np.Context {
			j = -1
		}
		p.index[i] = j
	}
	if meta.Embedder == want.embedder && meta.Dim > 0 {
		sec := p.snap.secs[secVectors]
		if sec.size == int64(meta.Passages)*int64(meta.Dim)*4 {
			p.vecDim, p.vecOff = meta.Dim, sec.off
		}
	}
	if meta.Analysis == want.analysis {
		lex, err1 := readLexIndex(p.snap, p.oldN)
		cands, words, err2 := readTopicCands(p.snap, p.oldN, func(j int) int { return len(old.text(j)) })
		if err1 == nil {
			err1 = lex.checkPostings()
		}
		if err1 == nil && err2 == nil {
			p.terms, p.words = lex.terms, words
			p.data = lex.passageTerms()
			for j := range p.data {
				p.data[j].topics = cands[j]
			}
		}
	}
	return p.vecDim > 0 || p.data != nil
}

func (p *previous) close() {
	if p != nil && p.snap != nil {
		p.snap.Close()
	}
}

// changes counts the new passages and the old ones gone.
func (p *previous) changes() (added, gone int) {
	kept := 0
	for _, j := range p.index {
		if j < 0 {
			added++
		} else {
			kept++
		}
	}
	return added, p.oldN - kept
}

// vectors returns p's vectors as oldVectors, or nil when it has none.
func (p *previous) vectors(e *Engine) oldVectors {
	switch {
	case p == nil:
		return nil
	case p.v1 != nil:
		return v1Vectors{e: e, vecs: p.v1, d: p.vecDim}
	case p.vecDim > 0:
		return p
	}
	return nil
}

func (p *previous) dim() int       { return p.vecDim }
func (p *previous) has(i int) bool { return p.index[i] >= 0 }

// oldBlock is how many old vectors read reads at once: passages unchanged
// since the last build mostly come in runs.
const oldBlock = 64

func (p *previous) read(i int, dst []float32) ([]float32, error) {
	j := p.index[i]
	if j < p.blockStart || j >= p.blockStart+p.blockLen {
		if p.block == nil {
			p.block = make([]float32, oldBlock*p.vecDim)
		}
		p.blockStart, p.blockLen = j, min(oldBlock, p.oldN-j)
		buf := p.block[:p.blockLen*p.vecDim]
		if _, err := p.snap.f.ReadAt(rawBytes(buf), p.vecOff+int64(j)*int64(p.vecDim)*4); err != nil {
			p.blockLen = 0
			return nil, fmt.Errorf("read the old index's vectors: %w", err)
		}
		if !littleEndian {
			swapBytes(buf)
		}
	}
	k := (j - p.blockStart) * p.vecDim
	copy(dst, p.block[k:k+p.vecDim])
	return dst, nil
}

// analysis fills data with the old analysis of the passages the old index
// has, with ids from tb, and returns the passages left to analyze.
func (p *previous) analysis(data []passageData, tb tables) []int {
	var todo []int
	if p == nil || p.data == nil {
		for i := range data {
			todo = append(todo, i)
		}
		return todo
	}
	terms := renumber(tb.terms, p.terms)
	words := renumber(tb.words, p.words)
	for i, j := range p.index {
		if j < 0 {
			todo = append(todo, i)
			continue
		}
		old := p.data[j]
		d := passageData{terms: make([]uint32, len(old.terms)), tfs: append([]uint16(nil), old.tfs...), length: old.length,
			topics: append(topicCands(nil), old.topics...)}
		for k, t := range old.terms {
			d.terms[k] = terms(t)
		}
		d.topics.mapWords(words)
		data[i] = d
	}
	p.terms, p.words, p.data = nil, nil, nil
	return todo
}

// renumber returns the function that gives the id in v of old[i], adding
// it to v the first time: only strings still used join the new tables.
func renumber(v *vocab, old []string) func(uint32) uint32 {
	ids := make([]uint32, len(old))
	have := make([]bool, len(old))
	return func(i uint32) uint32 {
		if !have[i] {
			ids[i], have[i] = v.id(old[i]), true
		}
		return ids[i]
	}
}

// rebuild writes a new index of e's passages, read from src, to path,
// reusing what the index there has, and swaps it in. The caller holds the
// lock.
func (e *Engine) rebuild(ctx context.Context, src Source, path string, want wanted, reason string) (err error) {
	removeStaleTemps(path)
	prev := e.openPrevious(path, want)
	defer prev.close()
	if prev != nil && prev.index != nil && reason == reasonDocsChanged {
		added, gone := prev.changes()
		reason = fmt.Sprintf("the documents changed: %d new passages, %d gone", added, gone)
	}
	e.stats.Reason = reason

	data := make([]passageData, len(e.toIndex))
	tb := newTables()
	todo := prev.analysis(data, tb)
	if err := e.an.analyzeAll(ctx, e.toIndex, todo, data, tb, e.progress); err != nil {
		return err
	}
	e.stats.Analyzed = len(todo)
	words := tb.words.terms
	e.derive(tb.terms.finish(data), words, data)
	cands := make([]topicCands, len(data))
	for i := range data {
		cands[i] = data[i].topics
	}
	data = nil

	f, err := os.CreateTemp(path, snapshotName+tmpInfix+"*")
	if err != nil {
		return fmt.Errorf("create index file: %w", err)
	}
	// Whatever stops the build (a cancelled context, a full disk) leaves
	// no temporary file behind once the new index is not swapped in.
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// Readable by others, as chromem-go's files were: a server may run as
	// another user than the one who indexed.
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("create index file: %w", err)
	}
	w := newSnapWriter(f)
	e.writeSections(w, cands, words)
	nTerms := len(e.lex.terms)
	// Only the passages' texts are needed from here on.
	cands, words, e.lex = nil, nil, nil
	w.begin(secVectors)
	dim, err := e.streamVectors(ctx, prev.vectors(e), func(_ int, vec []float32) error {
		putRaw(w, vec)
		return w.err
	})
	if err != nil {
		return err
	}
	w.end()
	meta := snapshotMeta{Kind: manifestKind, Format: snapshotFormat, Embedder: want.embedder, Dim: dim,
		Analysis: want.analysis, Source: src.Key, Documents: e.stats.Documents, Skipped: skippedFiles(e.stats.Skipped), Passages: len(e.toIndex),
		Terms: nTerms, Topics: e.topics, Thresholds: savedThresholds(path)}
	raw, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	raw = append(raw, '\n')
	w.begin(secMeta)
	w.Write(raw)
	w.end()
	if err := w.finish(); err != nil {
		return fmt.Errorf("write %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", f.Name(), err)
	}
	if err := os.Rename(f.Name(), filepath.Join(path, snapshotName)); err != nil {
		return fmt.Errorf("move new index in place: %w", err)
	}
	syncDir(path)
	if err := writeFileAtomic(filepath.Join(path, manifestName), raw); err != nil {
		return err
	}
	syncDir(path)
	removeV1Collection(path)
	e.stats.Passages = len(e.toIndex)
	e.toIndex = nil
	return nil
}
