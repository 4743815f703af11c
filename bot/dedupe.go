package bot

import (
	"context"
	"sync"
	"time"
)

// Deduper remembers the events a chat adapter has taken on, so that an
// event delivered twice (Slack retries an event it thinks went unanswered;
// a gateway may replay one) gets one answer. Its semantics are those of
// Redis's SET key value NX EX ttl and DEL key, so that a store shared by
// several replicas can replace the in-memory one.
type Deduper interface {
	// Claim records key and reports whether it is new: true the first
	// time within the store's time to live, or after Release; false while
	// the key is remembered. An error means the store failed; callers then
	// answer (a duplicate answer is better than none) and log it.
	Claim(ctx context.Context, key string) (bool, error)
	// Release forgets key, so that the next delivery of its event is
	// answered: for an event whose reply could not be delivered.
	Release(ctx context.Context, key string) error
}

// Defaults of the in-memory Deduper.
const (
	// DefaultDedupeTTL is how long a key is remembered: Slack gives up
	// retrying an event within minutes, and an interaction token lives 15.
	DefaultDedupeTTL = time.Hour
	// DefaultDedupeMax bounds the keys remembered, about 100 bytes each.
	DefaultDedupeMax = 50_000
)

// MemoryDeduper is a Deduper in this process's memory. Memory is bounded:
// past max keys the oldest are forgotten first, even before their time to
// live. An empty key is always new. It is safe for concurrent use.
type MemoryDeduper struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	seq   uint64
	seen  map[string]uint64 // key → seq of its live claim
	order []claim           // claims, oldest first; may hold released keys
}

type claim struct {
	key string
	seq uint64
	at  time.Time
}

// NewMemoryDeduper returns a MemoryDeduper that remembers a key for ttl
// (DefaultDedupeTTL when 0 or less), at most max keys (DefaultDedupeMax
// when 0 or less), reading the time from now (time.Now when nil).
func NewMemoryDeduper(ttl time.Duration, max int, now func() time.Time) *MemoryDeduper {
	if ttl <= 0 {
		ttl = DefaultDedupeTTL
	}
	if max <= 0 {
		max = DefaultDedupeMax
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryDeduper{ttl: ttl, max: max, now: now, seen: make(map[string]uint64)}
}

// Claim implements Deduper; it never fails.
func (d *MemoryDeduper) Claim(_ context.Context, key string) (bool, error) {
	if key == "" {
		return true, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.expire(now)
	if _, ok := d.seen[key]; ok {
		return false, nil
	}
	d.seq++
	d.seen[key] = d.seq
	d.order = append(d.order, claim{key, d.seq, now})
	for len(d.seen) > d.max || len(d.order) > 2*d.max {
		d.drop()
	}
	return true, nil
}

// Release implements Deduper; it never fails.
func (d *MemoryDeduper) Release(_ context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.seen, key)
	return nil
}

func (d *MemoryDeduper) expire(now time.Time) {
	for len(d.order) > 0 && now.Sub(d.order[0].at) >= d.ttl {
		d.drop()
	}
}

// drop forgets the oldest claim, unless its key was claimed again since.
func (d *MemoryDeduper) drop() {
	c := d.order[0]
	d.order = d.order[1:]
	if seq, ok := d.seen[c.key]; ok && seq == c.seq {
		delete(d.seen, c.key)
	}
}
