package bot

import (
	"context"
	"time"
)

// Gate bounds the questions in flight on a surface. At most n questions
// hold an answer slot, and at most n more hold a place in its queue,
// waiting for a slot; a question that finds both full is turned away at
// once, so neither answers nor waiting questions pile up. A question takes
// its Turn with Reserve, waits for its slot with Turn.Await (Respond does
// that), and gives back what it holds with Turn.Done.
type Gate struct {
	slots chan struct{} // a token per question holding an answer slot
	queue chan struct{} // a token per question waiting for one
	sleep func(ctx context.Context, d time.Duration) error
}

// NewGate returns a Gate of n answer slots (at least 1) and as many places
// in its queue. sleep is the clock of Turn.Await: it waits d, or returns
// ctx's error promptly when ctx ends first; nil means Sleep. Tests pass one
// they control.
func NewGate(n int, sleep func(ctx context.Context, d time.Duration) error) *Gate {
	n = max(n, 1)
	if sleep == nil {
		sleep = Sleep
	}
	return &Gate{slots: make(chan struct{}, n), queue: make(chan struct{}, n), sleep: sleep}
}

// Size is the Gate's number of answer slots.
func (g *Gate) Size() int { return cap(g.slots) }

// Sleep waits d, or less when ctx ends first, and then returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// turnState is what a Turn holds.
type turnState int

const (
	turnNone   turnState = iota // nothing: refused, or done
	turnQueued                  // a place in the queue
	turnSlot                    // an answer slot
)

// Turn is one question's place at a Gate. A Turn is used by one goroutine
// at a time (it may be handed to another one).
type Turn struct {
	g     *Gate
	state turnState
}

// Reserve takes, without waiting, an answer slot when one is free, else a
// place in the queue. When both are full the Turn holds nothing: Refused
// reports it, and Await fails at once.
func (g *Gate) Reserve() *Turn {
	t := &Turn{g: g}
	switch {
	case tryTake(g.slots):
		t.state = turnSlot
	case tryTake(g.queue):
		t.state = turnQueued
	}
	return t
}

// Refused reports whether Reserve found every slot and every place in the
// queue taken.
func (t *Turn) Refused() bool { return t.state == turnNone }

// Await reports whether the Turn holds an answer slot, waiting up to wait
// for one when it holds a place in the queue (a wait of 0 or less does not
// wait). When it fails the Turn gives back its place and holds nothing. It
// gives up when ctx ends, even when a slot frees up at that moment.
func (t *Turn) Await(ctx context.Context, wait time.Duration) bool {
	switch t.state {
	case turnSlot:
		return true
	case turnNone:
		return false
	}
	got := ctx.Err() == nil && (tryTake(t.g.slots) || (wait > 0 && t.g.awaitSlot(ctx, wait)))
	<-t.g.queue
	t.state = turnNone
	if got {
		t.state = turnSlot
	}
	return got
}

// awaitSlot waits up to wait, on the Gate's clock, for an answer slot and
// reports whether it took one.
func (g *Gate) awaitSlot(ctx context.Context, wait time.Duration) bool {
	sleepCtx, cancel := context.WithCancel(ctx)
	expired := make(chan struct{})
	go func() {
		defer close(expired)
		_ = g.sleep(sleepCtx, wait)
	}()
	var got bool
	select {
	case g.slots <- struct{}{}:
		got = true
	case <-expired:
	}
	cancel()
	<-expired // so that whoever waits for the caller waits for the sleeper too
	if got && ctx.Err() != nil {
		<-g.slots
		return false
	}
	return got
}

// Done gives back what the Turn holds. It may be called more than once.
func (t *Turn) Done() {
	switch t.state {
	case turnSlot:
		<-t.g.slots
	case turnQueued:
		<-t.g.queue
	}
	t.state = turnNone
}

func tryTake(tokens chan struct{}) bool {
	select {
	case tokens <- struct{}{}:
		return true
	default:
		return false
	}
}
