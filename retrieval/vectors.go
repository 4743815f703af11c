package retrieval

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// oldVectors gives the vectors a previous index holds for some passages.
type oldVectors interface {
	// has reports whether passage i's vector can be reused.
	has(i int) bool
	// read puts passage i's vector into dst, which has the index's
	// dimension, and returns it.
	read(i int, dst []float32) ([]float32, error)
	dim() int
}

// embedWindow bounds how far embedding runs ahead of the passage whose
// vector is handed on next, and so the vectors held waiting.
const embedWindow = 256

// streamVectors hands every passage's vector to put in passage order: the
// old one when old has it, else a new one from the embedder, computed by a
// few goroutines at once (in batches, for an embedder that takes many). Every vector is normalized as chromem-go would
// (so that it keeps them without copying) and has one dimension, which it
// returns. put must not keep v.
func (e *Engine) streamVectors(ctx context.Context, old oldVectors, put func(i int, v []float32) error) (int, error) {
	n := len(e.toIndex)
	var todo []int
	for i := range n {
		if old == nil || !old.has(i) {
			todo = append(todo, i)
		}
	}
	e.stats.Embedded, e.stats.Reused = len(todo), n-len(todo)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i int
		v []float32
	}
	results := make(chan result, embedWindow)
	slots := make(chan struct{}, embedWindow)
	// Work comes in batches: embedBatchSize passages a request for an
	// embedder that takes many (embedBatchSize ≤ embedWindow, so a batch
	// never waits for a slot its own passages hold), one at a time for the
	// built-in one, which is computed here.
	batchEmb, batched := e.emb.(batchEmbedder)
	size, workers := 1, runtime.GOMAXPROCS(0)*2
	if batched {
		size, workers = embedBatchSize, embedRequestsInFlight
	}
	work := make(chan []int)
	errs := make(chan error, 1)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
		cancel()
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		var batch []int
		for k, i := range todo {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			batch = append(batch, i)
			if len(batch) < size && k < len(todo)-1 {
				continue
			}
			select {
			case work <- batch:
				batch = nil
			case <-ctx.Done():
				return
			}
		}
	}()
	for range min(workers, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range work {
				if !batched {
					i := batch[0]
					v, err := e.emb.Embed(ctx, indexText(e.toIndex[i])) // structure: see indextext.go
					if err != nil {
						fail(fmt.Errorf("embed passage %s ¶%d: %w", e.toIndex[i].DocID, e.toIndex[i].Paragraph, err))
						continue
					}
					results <- result{i, v}
					continue
				}
				texts := make([]string, len(batch))
				for k, i := range batch {
					texts[k] = indexText(e.toIndex[i])
				}
				vs, err := batchEmb.EmbedBatch(ctx, texts)
				if err != nil {
					first := e.toIndex[batch[0]]
					fail(fmt.Errorf("embed %d passages from %s ¶%d: %w", len(batch), first.DocID, first.Paragraph, err))
					continue
				}
				for k, i := range batch {
					results <- result{i, vs[k]}
				}
			}
		}()
	}

	dim := 0
	if old != nil {
		dim = old.dim()
	}
	var buf []float32
	pending := map[int][]float32{}
	rep, embedded := newProgressReporter(e.progress, StageEmbed, len(todo)), 0
	for i := range n {
		var v []float32
		if old != nil && old.has(i) {
			if len(buf) != dim {
				buf = make([]float32, dim)
			}
			var err error
			if v, err = old.read(i, buf); err != nil {
				return 0, err
			}
		} else {
			for v == nil {
				if p, ok := pending[i]; ok {
					v = p
					delete(pending, i)
					break
				}
				select {
				case r := <-results:
					pending[r.i] = r.v
				case <-ctx.Done():
					select {
					case err := <-errs:
						return 0, err
					default:
						return 0, ctx.Err()
					}
				}
			}
			<-slots
			embedded++
			rep.report(embedded)
		}
		if dim == 0 {
			dim = len(v)
		}
		if len(v) != dim || dim == 0 {
			return 0, fmt.Errorf("embedder %s returned vectors of %d and %d dimensions", e.emb.ID(), dim, len(v))
		}
		normalizeForChromem(v)
		if err := put(i, v); err != nil {
			return 0, err
		}
	}
	return dim, nil
}

// normalizeForChromem scales v to unit length unless chromem-go already
// deems it normalized, so that chromem-go keeps it as given instead of
// normalizing a copy (chromem-go's isNormalized: the length is within 1e-6
// of 1). The zero vector is left alone.
func normalizeForChromem(v []float32) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	norm := math.Sqrt(sum)
	if norm == 0 || math.Abs(norm-1) < 1e-6 {
		return
	}
	inv := 1 / norm
	for i := range v {
		v[i] = float32(float64(v[i]) * inv)
	}
}
