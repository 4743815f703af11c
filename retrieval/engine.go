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
// search.go runs the stages; tuning.go holds every tuning constant, by
// stage, with its reason; calibrate.go fits the decision's thresholds.
package retrieval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	chromem "github.com/philippgille/chromem-go"

	"github.com/quotebot/quotebot/corpus"
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
	// memory only.
	Path string
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
	passages   []corpus.Passage
	byID       map[string]int
	lex        *lexIndex
	topics     []string
	stats      Stats
}

// Stats says how Open got the index.
type Stats struct {
	// Loaded is true when an up-to-date persistent index was loaded as is.
	Loaded bool
	// Embedded counts the passages Open embedded.
	Embedded int
	// Reused counts the vectors Open took from the previous index instead of
	// embedding them again.
	Reused int
}

// Open builds or loads the index of docs' passages. With cfg.Path set it
// loads the index there when it was built from the same passages with the
// same embedder, and otherwise builds a new one beside it (reusing the
// vectors of unchanged passages) and swaps it in, so a process killed
// mid-build leaves the previous index usable.
func Open(ctx context.Context, docs []corpus.Document, cfg Config) (*Engine, error) {
	e := &Engine{emb: cfg.Embedder, an: newAnalyzer(), byID: map[string]int{}, thresholds: DefaultThresholds}
	if e.emb == nil {
		e.emb = NewLocal()
	}
	for _, d := range docs {
		for _, p := range d.Passages {
			if _, dup := e.byID[p.ID]; dup {
				continue
			}
			e.byID[p.ID] = len(e.passages)
			e.passages = append(e.passages, p)
		}
	}
	if len(e.passages) == 0 {
		return nil, ErrNoPassages
	}
	texts := make([]string, len(e.passages))
	for i, p := range e.passages {
		texts[i] = indexText(p) // structure: Context + Text, see indextext.go
	}
	e.lex = newLexIndex(e.an, texts)
	e.topics = e.findTopics()

	var err error
	if cfg.Path == "" {
		e.col, e.dim, err = e.buildCollection(ctx, chromem.NewDB(), nil)
	} else {
		err = e.openPersistent(ctx, cfg.Path)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Len is the number of passages indexed.
func (e *Engine) Len() int { return len(e.passages) }

// Topics names what the documents cover, in document order, at most
// maxTopics.
func (e *Engine) Topics() []string { return append([]string(nil), e.topics...) }

// Stats says how Open got the index.
func (e *Engine) Stats() Stats { return e.stats }

// EmbedderID is the ID of the embedder the index was built with.
func (e *Engine) EmbedderID() string { return e.emb.ID() }

// embedFunc gives chromem-go an explicit embedding function; without one it
// would silently fall back to OpenAI.
func (e *Engine) embedFunc() chromem.EmbeddingFunc {
	return func(ctx context.Context, text string) ([]float32, error) { return e.emb.Embed(ctx, text) }
}

// buildCollection embeds every passage (taking vectors from reuse when it has
// the passage's ID) into a new collection of db, whose metadata records the
// embedder's ID and dimension.
func (e *Engine) buildCollection(ctx context.Context, db *chromem.DB, reuse map[string][]float32) (*chromem.Collection, int, error) {
	vecs := make([][]float32, len(e.passages))
	var todo []int
	for i, p := range e.passages {
		if v, ok := reuse[p.ID]; ok {
			vecs[i] = v
			e.stats.Reused++
			continue
		}
		todo = append(todo, i)
	}
	e.stats.Embedded = len(todo)
	if err := e.embedAll(ctx, todo, vecs); err != nil {
		return nil, 0, err
	}
	dim := len(vecs[0])
	meta := map[string]string{"embedder": e.emb.ID(), "dim": fmt.Sprint(dim)}
	col, err := db.CreateCollection(collectionName, meta, e.embedFunc())
	if err != nil {
		return nil, 0, fmt.Errorf("create collection: %w", err)
	}
	cdocs := make([]chromem.Document, len(e.passages))
	for i, p := range e.passages {
		if len(vecs[i]) != dim || dim == 0 {
			return nil, 0, fmt.Errorf("embedder %s returned vectors of %d and %d dimensions", e.emb.ID(), dim, len(vecs[i]))
		}
		cdocs[i] = chromem.Document{ID: p.ID, Embedding: vecs[i], Content: p.Text, Metadata: passageMetadata(p)}
	}
	if err := col.AddDocuments(ctx, cdocs, runtime.GOMAXPROCS(0)); err != nil {
		return nil, 0, fmt.Errorf("add passages: %w", err)
	}
	return col, dim, nil
}

// embedAll embeds the passages numbered in todo into vecs, a few at a time.
func (e *Engine) embedAll(ctx context.Context, todo []int, vecs [][]float32) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0)*2, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				v, err := e.emb.Embed(ctx, indexText(e.passages[i])) // structure: see indextext.go
				if err != nil {
					select {
					case errs <- fmt.Errorf("embed passage %s ¶%d: %w", e.passages[i].DocID, e.passages[i].Paragraph, err):
					default:
					}
					cancel()
					continue
				}
				vecs[i] = v
			}
		}()
	}
feed:
	for _, i := range todo {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	return ctx.Err()
}

func passageMetadata(p corpus.Passage) map[string]string {
	return map[string]string{
		"doc":       p.DocID,
		"title":     p.Title,
		"date":      p.Date,
		"paragraph": fmt.Sprint(p.Paragraph),
		"part":      fmt.Sprint(p.Part),
	}
}
