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
// few goroutines at once. Every vector is normalized as chromem-go would
// (so that it keeps them without copying) and has one dimension, which it
// returns. put must not keep v.
func (e *Engine) streamVectors(ctx context.Context, old oldVectors, put func(i int, v []float32) error) (int, error) {
	n := len(e.passages)
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
	work := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		for _, i := range todo {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case work <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
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
				results <- result{i, v}
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
