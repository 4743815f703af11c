package slackbot

import (
	"context"
	"time"
)

// busyText is the reply to a question that found every answer slot taken.
const busyText = "I'm answering a lot of questions right now; please ask again in a minute."

const (
	// queueWait is how long a mention, direct message or share waits for a
	// free answer slot before the asker is told to ask again.
	queueWait = 10 * time.Second
	// busyTimeout bounds sending a busy reply, which is tried only once: it
	// must stay cheap while Slack or the Answerer is slow.
	busyTimeout = 10 * time.Second
)

// gate bounds the work in flight. At most n questions hold an answer slot
// (they are being answered and their replies delivered), and at most n more
// hold a place in the queue (they wait for a slot, or are being told to ask
// again). Whatever finds both full is turned away at once, so neither
// answers nor busy replies pile up.
type gate struct {
	slots chan struct{} // a token per question being answered
	queue chan struct{} // a token per question waiting or being told it is busy
}

// newGate returns a gate of n answer slots and n places in the queue; n
// must be at least 1.
func newGate(n int) *gate {
	return &gate{slots: make(chan struct{}, n), queue: make(chan struct{}, n)}
}

// tryEnter takes an answer slot if one is free, and reports whether it did.
func (g *gate) tryEnter() bool { return tryTake(g.slots) }

// enter waits for an answer slot until expired is closed, and reports
// whether it got one.
func (g *gate) enter(expired <-chan struct{}) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	case <-expired:
		return false
	}
}

// leave gives back an answer slot.
func (g *gate) leave() { <-g.slots }

// tryQueue takes a place in the queue if one is free, and reports whether
// it did.
func (g *gate) tryQueue() bool { return tryTake(g.queue) }

// leaveQueue gives back a place in the queue.
func (g *gate) leaveQueue() { <-g.queue }

func tryTake(tokens chan struct{}) bool {
	select {
	case tokens <- struct{}{}:
		return true
	default:
		return false
	}
}

// turn is a question that may wait for its turn to be answered: a mention,
// a direct message, or a share.
type turn struct {
	what   string                           // names the work in logs: "event Ev…", "share"
	attrs  []any                            // log attributes saying who asked where: surface, channel, user…
	answer func(ctx context.Context) string // answers and delivers; returns the outcome
	busy   func(ctx context.Context) error  // tells the asker to ask again, once
	finish func(outcome string)             // called once with the outcome, whatever happened
}

// spawnTurn answers t in the background: in a free answer slot, or after
// waiting up to queueWait for one; when none frees up in time, it tells the
// asker to ask again instead (outcome "busy"). It decides at once, without
// blocking, whether t may wait: when the queue is full too, t is dropped
// and logged. A question dropped, or still waiting when the Bot stops, ends
// with outcome "dropped".
func (b *Bot) spawnTurn(t turn) {
	queued := !b.gate.tryEnter()
	if queued && !b.gate.tryQueue() {
		b.log.Warn("slack: too busy to answer or to say so; question dropped",
			append([]any{"max_in_flight", b.cfg.MaxInFlight}, t.attrs...)...)
		t.finish(outcomeDropped)
		return
	}
	started := b.spawn(t.what, func(ctx context.Context) {
		outcome := outcomeUndelivered // if answer or busy panics
		defer func() { t.finish(outcome) }()
		outcome = b.takeTurn(ctx, queued, t)
	})
	if started {
		return
	}
	if queued {
		b.gate.leaveQueue()
	} else {
		b.gate.leave()
	}
	t.finish(outcomeDropped)
}

// takeTurn runs t.answer holding an answer slot, first waiting for one when
// queued is set (it holds a place in the queue then), and gives back what it
// took. When no slot frees up in time it tells the asker to ask again.
func (b *Bot) takeTurn(ctx context.Context, queued bool, t turn) string {
	if queued {
		got := b.awaitSlot(ctx)
		if !got {
			defer b.gate.leaveQueue()
			if ctx.Err() != nil {
				b.log.Info("slack: stopped before answering a waiting question", t.attrs...)
				return outcomeDropped
			}
			return b.tellBusy(ctx, t)
		}
		b.gate.leaveQueue()
	}
	defer b.gate.leave()
	return t.answer(ctx)
}

// awaitSlot waits up to queueWait, with Config.Sleep, for an answer slot
// and reports whether it got one. It gives up when ctx ends, even when a
// slot frees up at that moment (as Stop frees them).
func (b *Bot) awaitSlot(ctx context.Context) bool {
	sleepCtx, cancel := context.WithCancel(ctx)
	expired := make(chan struct{})
	go func() {
		defer close(expired)
		_ = b.cfg.Sleep(sleepCtx, queueWait)
	}()
	got := b.gate.enter(expired)
	cancel()
	<-expired // so that Stop, which waits for the caller, waits for the sleeper too
	if got && ctx.Err() != nil {
		b.gate.leave()
		return false
	}
	return got
}

// tellBusy sends the busy reply where t's answer would have gone, trying
// once within busyTimeout, and logs it once at warn level.
func (b *Bot) tellBusy(ctx context.Context, t turn) string {
	ctx, cancel := context.WithTimeout(ctx, busyTimeout)
	defer cancel()
	attrs := append([]any{"waited", queueWait, "max_in_flight", b.cfg.MaxInFlight}, t.attrs...)
	if err := t.busy(ctx); err != nil {
		b.log.Warn("slack: too busy to answer, and the busy reply was not delivered", append(attrs, "err", err)...)
		return outcomeUndelivered
	}
	b.log.Warn("slack: too busy to answer; asked to ask again", attrs...)
	return outcomeBusy
}
