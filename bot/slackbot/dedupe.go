package slackbot

import (
	"sync"
	"time"
)

// dedupe remembers Events API event ids so that one question never gets two
// answers, while letting a redelivery through when the first delivery was
// never answered.
//
// An id is claimed when its answer starts, then either marked answered
// (later deliveries are dropped for ttl) or released (the next delivery is
// answered). Memory is bounded: past max ids the oldest are forgotten first,
// even before ttl.
type dedupe struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	seq   uint64
	seen  map[string]uint64 // id → seq of its live claim
	order []claim           // claims, oldest first; may hold released ids
}

type claim struct {
	id  string
	seq uint64
	at  time.Time
}

func newDedupe(ttl time.Duration, max int, now func() time.Time) *dedupe {
	return &dedupe{ttl: ttl, max: max, now: now, seen: make(map[string]uint64)}
}

// claim reports whether the event id is new (or was released) and should be
// answered; it then holds the id until done. An empty id is always new.
func (d *dedupe) claim(id string) bool {
	if id == "" {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.expire(now)
	if _, ok := d.seen[id]; ok {
		return false
	}
	d.seq++
	d.seen[id] = d.seq
	d.order = append(d.order, claim{id, d.seq, now})
	for len(d.seen) > d.max || len(d.order) > 2*d.max {
		d.drop()
	}
	return true
}

// done ends the claim on id: answered keeps it for ttl, otherwise it is
// released so that Slack's next delivery of the event is answered.
func (d *dedupe) done(id string, answered bool) {
	if id == "" || answered {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.seen, id)
}

func (d *dedupe) expire(now time.Time) {
	for len(d.order) > 0 && now.Sub(d.order[0].at) >= d.ttl {
		d.drop()
	}
}

// drop forgets the oldest claim, unless the id was claimed again since.
func (d *dedupe) drop() {
	c := d.order[0]
	d.order = d.order[1:]
	if seq, ok := d.seen[c.id]; ok && seq == c.seq {
		delete(d.seen, c.id)
	}
}
