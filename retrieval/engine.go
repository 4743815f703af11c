// Package retrieval finds the passages that answer a question. It is the
// only package that imports chromem-go, which holds the passages' vectors
// and answers nearest-neighbour queries.
//
// Answering is a pipeline of five stages, each in its own file:
//
//  1. analyze (query.go, analyze.go, soft.go): the question's content words
//     and multi-word lemmas, each with its forms, WordNet relatives and the
//     documents' words nearest in meaning (names get their own forms only);
//  2. gather (candidates.go): the best passages by BM25 and by the
//     embedder's vectors;
//  3. signals (signals.go): each candidate's named, weighted evidence —
//     coverage, lexical, dense — fused into one score;
//  4. decide (decide.go): quote, offer the closest passage, or say the
//     documents do not cover it;
//  5. highlight (highlight.go): the sentences to set in bold.
//
// search.go runs the stages, and explain.go runs them for evaluation,
// reporting every candidate's signals and the decision's reason; tuning.go
// holds every tuning constant, by stage, with its reason; calibrate.go fits the decision's thresholds, and
// thresholds_saved.go keeps them with the index for the embedder they were
// fitted for. A network embedder (embed.go, embed_http.go) is called in
// batches, with retries, through an on-disk cache (embedcache.go); when it
// fails at question time the answer does without the dense signal.
//
// Opening an engine is a pipeline too: each passage is analyzed on its own
// (derive.go: its terms and topic candidates), the corpus-wide structures
// are made from that per-passage data (lexical.go, topics.go), and the
// passages are embedded (vectors.go). A persistent index (persist.go,
// snapshot.go) keeps all of it in one file, so a later process loads it
// without analyzing or embedding anything, and a rebuild analyzes and
// embeds only new passages.
package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	chromem "github.com/philippgille/chromem-go"

	"github.com/quotebot/quotebot/corpus"
	"github.com/quotebot/quotebot/retrieval/colid"
)

// ErrNoPassages is returned by Open for documents that hold no text.
var ErrNoPassages = errors.New("the documents hold no passages")

// collectionName is the chromem-go collection that holds every passage.
const collectionName = "passages"

// Config chooses the embedder and where the index lives.
type Config struct {
	// Embedder embeds passages and questions; nil means NewLocal().
	Embedder Embedder
	// Path is the folder of the persistent index; empty keeps the index in
	// memory only. It must not exist, be empty, or hold a quotebot index:
	// anything else is refused with ErrNotIndex.
	Path string
	// Progress, when set, is told how far building the index has come:
	// for each stage that has passages to do, Done 0, then at most ten
	// times a second, then Done = Total. It is called from one goroutine
	// at a time, never while the engine holds a lock, and not at all when
	// the index is loaded as is.
	Progress func(Progress)
	// OnFallback, when set, is told why a question was answered without
	// the embedder: embedding it failed (a network embedder that is down),
	// so the answer rests on the lexical and coverage signals alone. It is
	// called at most once per fallbackWarnEvery, from the answering
	// goroutine; it must not block.
	OnFallback func(err error)
}

// Source is a set of documents that Open may not need to read. When the
// persistent index was built from a source with the same Key (by the same
// embedder and the same version of quotebot's analysis), Open loads the
// passages from the index and never calls Load.
type Source struct {
	// Key identifies the documents: two sources with one key must give the
	// same documents. Empty means unknown; Load is then always called.
	Key string
	// Load reads the documents. The files it skipped (Result.Skipped) are
	// recorded with the index, so that Stats lists them when it loads.
	Load func() (corpus.Result, error)
}

// Docs is the Source of documents already loaded; its key is a hash of
// everything Open takes from them.
func Docs(docs []corpus.Document) Source {
	h := sha256.New()
	field := func(s string) {
		h.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	num := func(n int) { h.Write(binary.LittleEndian.AppendUint64(nil, uint64(n))) }
	for _, d := range docs {
		field(d.ID)
		field(d.Title)
		field(d.Date)
		field(d.URL)
		num(len(d.Passages))
		for _, p := range d.Passages {
			field(p.ID)
			field(p.DocID)
			field(p.Title)
			field(p.Date)
			num(p.Paragraph)
			num(p.Part)
			field(p.Text)
			field(p.Section)
			field(p.Context)
			field(p.URL)
			num(len(p.Sentences))
			for _, s := range p.Sentences {
				num(s.Start)
				num(s.End)
			}
		}
	}
	return Source{Key: "passages:" + hex.EncodeToString(h.Sum(nil)), Load: func() (corpus.Result, error) { return corpus.Result{Docs: docs}, nil }}
}

// Engine answers questions about a fixed set of passages. It is safe for
// concurrent use.
type Engine struct {
	soft       softVocab
	thresholds Thresholds
	emb        Embedder
	an         *analyzer
	col        *chromem.Collection
	dim        int
	// passages are the passages the engine answers from (see
	// passageTable); toIndex are those being indexed, while Open builds
	// an index, and nil once it answers.
	passages *passageTable
	toIndex  []corpus.Passage
	lex      *lexIndex
	topics   []string
	stats    Stats
	progress func(Progress) // Config.Progress
	// mem is the mapped snapshot a loaded engine's passages, lexical
	// index and vectors point into (see mapping); nil when there is none.
	// Holding it keeps the mapping alive as long as the engine.
	mem *mapping

	// savedThresholds is true when thresholds were saved with the index
	// for this embedder (SaveThresholds), not DefaultThresholds.
	savedThresholds bool
	fallback        fallbackWarner
}

// Stats says how Open got the index.
type Stats struct {
	// Loaded is true when an up-to-date persistent index was loaded (Open)
	// or found (Build) as is.
	Loaded bool
	// Passages is the number of passages indexed.
	Passages int
	// Documents is the number of documents read, and Skipped the files that
	// could not be, as Source.Load said when the index was built.
	Documents int
	Skipped   []corpus.Skipped
	// Embedded counts the passages Open embedded.
	Embedded int
	// Reused counts the vectors Open took from the previous index instead of
	// embedding them again.
	Reused int
	// Analyzed counts the passages whose text Open analyzed; the others'
	// terms and topic candidates came from the previous index.
	Analyzed int
	// Reason says why a persistent index was built rather than loaded
	// ("there is no index yet", "the documents changed: 3 new passages, 1
	// gone"); empty when it was loaded or there is none.
	Reason string
}

// Open builds or loads the index of docs' passages. With cfg.Path set it
// loads the index there when it was built from the same passages with the
// same embedder, and otherwise builds a new one (reusing the analysis and
// vectors of unchanged passages) and swaps it in, so a process killed
// mid-build leaves the previous index usable.
func Open(ctx context.Context, docs []corpus.Document, cfg Config) (*Engine, error) {
	return OpenSource(ctx, Docs(docs), cfg)
}

// OpenSource is Open for documents that are read only when the persistent
// index was not built from them (see Source).
func OpenSource(ctx context.Context, src Source, cfg Config) (*Engine, error) {
	e := newEngine(cfg.Embedder)
	e.progress = cfg.Progress
	e.fallback.notify = cfg.OnFallback
	if cfg.Path != "" {
		return e.openPersistent(ctx, src, cfg.Path)
	}
	res, err := src.Load()
	if err != nil {
		return nil, err
	}
	if err := e.setPassages(res); err != nil {
		return nil, err
	}
	data := make([]passageData, len(e.toIndex))
	all := make([]int, len(data))
	for i := range all {
		all[i] = i
	}
	tb := newTables()
	if err := e.an.analyzeAll(ctx, e.toIndex, all, data, tb, e.progress); err != nil {
		return nil, err
	}
	e.stats.Analyzed = len(data)
	e.derive(tb.terms.finish(data), tb.words.terms, data)
	var vecs []float32
	dim, err := e.streamVectors(ctx, nil, func(i int, vec []float32) error {
		if vecs == nil {
			vecs = make([]float32, len(e.toIndex)*len(vec))
		}
		copy(vecs[i*len(vec):], vec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if e.col, err = e.newCollection(ctx, len(e.toIndex), vecs, dim); err != nil {
		return nil, err
	}
	e.dim = dim
	e.stats.Passages = len(e.toIndex)
	e.passages, e.toIndex = newPassageTable(e.toIndex), nil
	return e, nil
}

// Build brings the persistent index at cfg.Path up to date with src, as
// Open would, without loading it for answering.
func Build(ctx context.Context, src Source, cfg Config) (Stats, error) {
	if cfg.Path == "" {
		return Stats{}, errors.New("build an index: no path given")
	}
	e := newEngine(cfg.Embedder)
	e.progress = cfg.Progress
	return e.buildPersistent(ctx, src, cfg.Path)
}

func newEngine(emb Embedder) *Engine {
	if emb == nil {
		emb = NewLocal()
	}
	return &Engine{emb: emb, an: newAnalyzer(), thresholds: DefaultThresholds}
}

// setPassages takes the passages of the documents read, each ID once.
func (e *Engine) setPassages(res corpus.Result) error {
	e.stats.Documents, e.stats.Skipped = len(res.Docs), res.Skipped
	seen := map[string]bool{}
	for _, d := range res.Docs {
		for _, p := range d.Passages {
			if seen[p.ID] {
				continue
			}
			seen[p.ID] = true
			e.toIndex = append(e.toIndex, p)
		}
	}
	if len(e.toIndex) == 0 {
		return ErrNoPassages
	}
	return nil
}

// derive makes the corpus-wide structures from per-passage data whose
// term ids index terms and topic words index words.
func (e *Engine) derive(terms, words []string, data []passageData) {
	start, docs, tfs := buildPostings(len(terms), data)
	lens := make([]int32, len(data))
	cands := make([]topicCands, len(data))
	for i, d := range data {
		lens[i], cands[i] = d.length, d.topics
	}
	e.lex = newLexIndex(terms, start, docs, tfs, lens)
	e.topics = e.findTopics(cands, words)
}

// Len is the number of passages indexed.
func (e *Engine) Len() int { return e.passages.len() }

// Topics names what the documents cover, in document order, at most
// maxTopics.
func (e *Engine) Topics() []string { return append([]string(nil), e.topics...) }

// Stats says how Open got the index.
func (e *Engine) Stats() Stats { return e.stats }

// EmbedderID is the ID of the embedder the index was built with.
func (e *Engine) EmbedderID() string { return e.emb.ID() }

// Thresholds returns the thresholds the decision uses, and whether they
// were saved with the index for this engine's embedder (by `quotebot
// calibrate --save`, see SaveThresholds) rather than DefaultThresholds.
func (e *Engine) Thresholds() (th Thresholds, saved bool) { return e.thresholds, e.savedThresholds }

// Calibrated reports whether the thresholds in use were calibrated for this
// engine's embedder: saved with the index for it, or DefaultThresholds with
// the built-in embedder they were calibrated for. A network embedder
// without saved thresholds answers with DefaultThresholds, which fit its
// similarity scores only roughly.
func (e *Engine) Calibrated() bool {
	_, local := e.emb.(*Local)
	return e.savedThresholds || local
}

// embedFunc gives chromem-go an explicit embedding function; without one it
// would silently fall back to OpenAI.
func (e *Engine) embedFunc() chromem.EmbeddingFunc {
	return func(ctx context.Context, text string) ([]float32, error) { return e.emb.Embed(ctx, text) }
}

// newCollection puts n passages into a new in-memory chromem-go collection,
// each with its vector, vecs[i*dim:(i+1)*dim], without copying it (the
// vectors are already normalized, see streamVectors). Passages keep their
// text in the engine, so chromem-go holds only IDs and vectors; a
// passage's ID there is its number in decimal (package colid), which
// denseSearch reads back, so the engine needs no table from IDs to
// passages.
func (e *Engine) newCollection(ctx context.Context, n int, vecs []float32, dim int) (*chromem.Collection, error) {
	meta := map[string]string{"embedder": e.emb.ID(), "dim": fmt.Sprint(dim)}
	col, err := chromem.NewDB().CreateCollection(collectionName, meta, e.embedFunc())
	if err != nil {
		return nil, fmt.Errorf("create collection: %w", err)
	}
	// One goroutine: AddDocuments would start one per document, and two
	// that add at once contend for the collection's lock more than they
	// gain.
	for i, id := range colid.IDs(n) {
		v := vecs[i*dim : (i+1)*dim : (i+1)*dim]
		if err := col.AddDocument(ctx, chromem.Document{ID: id, Embedding: v}); err != nil {
			return nil, fmt.Errorf("add passage %d: %w", i, err)
		}
	}
	if col.Count() != n {
		return nil, fmt.Errorf("the collection holds %d passages, want %d", col.Count(), n)
	}
	return col, nil
}
