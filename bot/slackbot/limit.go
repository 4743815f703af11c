package slackbot

import (
	"context"
	"time"

	"github.com/quotebot/quotebot/bot"
)

const (
	// queueWait is how long a mention, direct message or share waits for a
	// free answer slot before the asker is told to ask again.
	queueWait = bot.DefaultWait
	// busyTimeout bounds sending a busy reply, which is tried only once: it
	// must stay cheap while Slack or the Answerer is slow.
	busyTimeout = 10 * time.Second
)

// turn is a question that may wait for its turn to be answered: a mention,
// a direct message, or a share.
type turn struct {
	what    string                                            // names the work in logs: "event Ev…", "share"
	attrs   []any                                             // log attributes saying who asked where: surface, channel, user…
	q       question                                          // the question
	deliver func(ctx context.Context, reply bot.Reply) string // delivers the reply; returns the outcome
	busy    func(ctx context.Context) error                   // tells the asker to ask again, once
	finish  func(outcome string)                              // called once with the outcome, whatever happened
}

// spawnTurn answers t in the background, holding a turn at the Bot's Gate
// from the question to the delivery of its reply: in a free answer slot,
// or after waiting up to queueWait for one; when none frees up in time, it
// tells the asker to ask again instead (outcome "busy"). It decides at
// once, without blocking, whether t may wait: when the queue is full too,
// t is dropped and logged. A question dropped, or still waiting when the
// Bot stops, ends with OutcomeDropped.
func (b *Bot) spawnTurn(t turn) {
	gt := b.gate.Reserve()
	if gt.Refused() {
		b.log.Warn("slack: too busy to answer or to say so; question dropped",
			append([]any{"max_in_flight", b.cfg.MaxInFlight}, t.attrs...)...)
		t.finish(OutcomeDropped)
		return
	}
	started := b.spawn(t.what, func(ctx context.Context) {
		outcome := OutcomeUndelivered // if deliver or busy panics
		defer func() { t.finish(outcome) }()
		defer gt.Done()
		outcome = b.takeTurn(ctx, gt, t)
	})
	if !started {
		gt.Done()
		t.finish(OutcomeDropped)
	}
}

// takeTurn answers t at gt and delivers the reply, or tells the asker to
// ask again when no slot freed up in time; it returns the outcome.
func (b *Bot) takeTurn(ctx context.Context, gt *bot.Turn, t turn) string {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
	defer cancel()
	reply := b.ask(ctx, t.q, gt, queueWait)
	if reply.Kind != bot.KindBusy {
		return t.deliver(ctx, reply)
	}
	if b.ctx.Err() != nil {
		b.log.Info("slack: stopped before answering a waiting question", t.attrs...)
		return OutcomeDropped
	}
	return b.tellBusy(ctx, t)
}

// tellBusy sends the busy reply where t's answer would have gone, trying
// once within busyTimeout, and logs it once at warn level.
func (b *Bot) tellBusy(ctx context.Context, t turn) string {
	ctx, cancel := context.WithTimeout(ctx, busyTimeout)
	defer cancel()
	attrs := append([]any{"waited", queueWait, "max_in_flight", b.cfg.MaxInFlight}, t.attrs...)
	if err := t.busy(ctx); err != nil {
		b.log.Warn("slack: too busy to answer, and the busy reply was not delivered", append(attrs, "err", err)...)
		return OutcomeUndelivered
	}
	b.log.Warn("slack: too busy to answer; asked to ask again", attrs...)
	return bot.KindBusy.String()
}

// busyMessage is the reply that tells the asker to ask again.
var busyMessage = renderReply(bot.Reply{Kind: bot.KindBusy}, "", "")
