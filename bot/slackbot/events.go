package slackbot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/quotebot/quotebot/bot"
)

// event is a message event the Bot answers.
type event struct {
	id      string // event_id, for deduplication
	retry   int    // Slack's retry number, 0 for the first delivery
	q       question
	channel string
	thread  string // ts to reply under, or "" for the channel itself
}

// onEvent handles one Events API callback, already acknowledged: it decides
// at once whether to answer (so a duplicate is dropped before the next
// delivery is read) and answers in the background, in its turn (see
// spawnTurn). A busy reply counts as an answer, so a redelivery of the
// event does not get a second reply; an event whose reply was not
// delivered is forgotten, so Slack's redelivery of it is answered.
func (b *Bot) onEvent(ev slackevents.EventsAPIEvent, retry int) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		return
	}
	e, ok := b.toEvent(ev.InnerEvent)
	if !ok {
		return
	}
	e.id, e.retry, e.q.id = cb.EventID, retry, cb.EventID
	key := dedupeKey(e.id)
	if !b.claim(key, "event_id", e.id, "retry", retry) {
		b.log.Info("slack: duplicate event dropped", "event_id", e.id, "retry", retry)
		b.cfg.OnReject("duplicate")
		return
	}
	b.spawnTurn(turn{
		what:    "event " + e.id,
		attrs:   []any{"surface", e.q.surface, "channel", e.channel, "user", e.q.user, "event_id", e.id},
		q:       e.q,
		deliver: func(ctx context.Context, r bot.Reply) string { return b.answerEvent(ctx, e, r) },
		busy: func(ctx context.Context) error {
			return b.postOnce(ctx, e.channel, e.thread, busyMessage)
		},
		finish: func(outcome string) {
			if !delivered(outcome) {
				b.release(key)
			}
			b.cfg.OnReply(e.q.surface, outcome)
		},
	})
}

// dedupeKey is the Deduper key of an event id; "" (always new) for none.
func dedupeKey(eventID string) string {
	if eventID == "" {
		return ""
	}
	return "slack:event:" + eventID
}

// claim asks the Deduper whether key is new; when the Deduper fails it
// logs why and answers anyway, since a second answer is better than none.
func (b *Bot) claim(key string, attrs ...any) bool {
	first, err := b.dedupe.Claim(b.ctx, key)
	if err != nil {
		b.log.Warn("slack: deduplication failed; answering", append(attrs, "err", err)...)
		return true
	}
	return first
}

// release forgets key, logging a failure.
func (b *Bot) release(key string) {
	if key == "" {
		return
	}
	if err := b.dedupe.Release(context.WithoutCancel(b.ctx), key); err != nil {
		b.log.Warn("slack: deduplication: could not forget an undelivered event", "key", key, "err", err)
	}
}

// toEvent picks out the events to answer: a mention in a channel, a direct
// message; not bots (itself included), edits, joins or other subtypes.
func (b *Bot) toEvent(inner slackevents.EventsAPIInnerEvent) (event, bool) {
	usage := "<@" + b.userID + ">"
	switch m := inner.Data.(type) {
	case *slackevents.AppMentionEvent:
		// In a DM the message.im event answers; the mention would repeat it.
		if m.BotID != "" || m.User == "" || m.User == b.userID || m.Edited != nil || strings.HasPrefix(m.Channel, "D") {
			return event{}, false
		}
		thread := m.ThreadTimeStamp
		if thread == "" {
			thread = m.TimeStamp
		}
		return event{
			q:       question{surface: SurfaceMention, text: unescape(m.Text), user: m.User, usage: usage},
			channel: m.Channel, thread: thread,
		}, true
	case *slackevents.MessageEvent:
		if m.ChannelType != "im" || m.SubType != "" || m.BotID != "" || m.User == "" || m.User == b.userID {
			return event{}, false
		}
		return event{
			q:       question{surface: SurfaceDM, text: unescape(m.Text), user: m.User, usage: usage},
			channel: m.Channel, thread: m.ThreadTimeStamp,
		}, true
	}
	return event{}, false
}

// answerEvent delivers the reply to e where it was asked and returns the
// outcome, OutcomeUndelivered when Slack did not take it.
func (b *Bot) answerEvent(ctx context.Context, e event, r bot.Reply) string {
	err := b.post(ctx, e.channel, e.thread, render(r, e.q))
	if err == nil {
		return r.Kind.String()
	}
	b.log.Error("slack: reply not delivered", "surface", e.q.surface, "channel", e.channel,
		"user", e.q.user, "event_id", e.id, "retry", e.retry, "err", err)
	switch code := slackError(err); code {
	case "not_in_channel", "channel_not_found", "is_archived":
		// Tell the asker directly, since the channel is closed to us.
		note := renderText("Sorry, I could not reply in <#" + e.channel + ">: Slack says `" + code +
			"`. Invite me to the channel with `/invite " + e.q.usage + "` and ask again.")
		if err := b.post(ctx, e.q.user, "", note); err != nil {
			b.log.Error("slack: apology not delivered", "user", e.q.user, "err", err)
		}
	}
	return OutcomeUndelivered
}

// command answers a slash command. It waits up to Config.InlineBudget and
// returns the ephemeral reply when it is ready by then; otherwise it
// returns ok=false and the reply goes to the command's response_url when
// ready. A command does not wait for an answer slot: Slack's 3 seconds
// leave no time to, so when Config.MaxInFlight questions are being
// answered its reply is the busy one, at once.
func (b *Bot) command(cmd slack.SlashCommand) (reply message, ok bool) {
	name := cmd.Command
	if name == "" {
		name = b.cfg.Command
	}
	q := question{surface: SurfaceCommand, text: unescape(cmd.Text), user: cmd.UserID, usage: name, share: true}
	gt := b.gate.Reserve()
	ready := make(chan message) // unbuffered: the handoff and the timeout cannot both happen
	late := make(chan struct{})
	started := b.spawn("command "+name, func(ctx context.Context) {
		outcome := OutcomeUndelivered // if answerCommand panics
		defer func() { b.cfg.OnReply(q.surface, outcome) }()
		defer gt.Done()
		outcome = b.answerCommand(ctx, cmd, q, gt, ready, late)
	})
	if !started {
		gt.Done()
		return message{}, false
	}
	timer := time.NewTimer(b.cfg.InlineBudget)
	defer timer.Stop()
	select {
	case msg := <-ready:
		return msg, true
	case <-timer.C:
		close(late)
		return message{}, false
	case <-b.ctx.Done():
		close(late)
		return message{}, false
	}
}

// answerCommand answers a slash command at gt, without waiting for a slot,
// and hands the reply to command through ready or, once late is closed,
// posts it to the response_url; it returns the outcome.
func (b *Bot) answerCommand(ctx context.Context, cmd slack.SlashCommand, q question, gt *bot.Turn, ready chan<- message, late <-chan struct{}) string {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
	defer cancel()
	r := b.ask(ctx, q, gt, 0)
	if r.Kind == bot.KindBusy {
		b.log.Warn("slack: too busy to answer; asked to ask again", "max_in_flight", b.cfg.MaxInFlight,
			"surface", SurfaceCommand, "channel", cmd.ChannelID, "user", cmd.UserID)
	}
	msg := render(r, q)
	select {
	case ready <- msg:
		return r.Kind.String()
	case <-late:
	}
	if err := b.respond(ctx, cmd.ResponseURL, slack.ResponseTypeEphemeral, msg); err != nil {
		b.log.Error("slack: command reply not delivered", "command", q.usage, "user", cmd.UserID,
			"channel", cmd.ChannelID, "err", err)
		return OutcomeUndelivered
	}
	return r.Kind.String()
}

// deliverLate sends a reply that could not go inline after all (Socket Mode
// refuses ack payloads of 20 KB or more) to the response_url.
func (b *Bot) deliverLate(cmd slack.SlashCommand, msg message) {
	b.spawn("command reply", func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
		defer cancel()
		if err := b.respond(ctx, cmd.ResponseURL, slack.ResponseTypeEphemeral, msg); err != nil {
			b.log.Error("slack: command reply not delivered", "user", cmd.UserID, "channel", cmd.ChannelID, "err", err)
		}
	})
}

// onInteraction handles a click, already acknowledged: "Share in channel"
// answers the button's question again, in its turn (see spawnTurn).
func (b *Bot) onInteraction(ic slack.InteractionCallback) {
	if ic.Type != slack.InteractionTypeBlockActions {
		return
	}
	for _, a := range ic.ActionCallback.BlockActions {
		if a == nil || a.ActionID != shareActionID {
			continue
		}
		s := share{user: ic.User.ID, channel: ic.Channel.ID, url: ic.ResponseURL}
		q := question{surface: SurfaceShare, text: a.Value, user: s.user, usage: b.cfg.Command,
			header: "<@" + s.user + "> asked: " + escape(truncate(a.Value, 500))}
		b.spawnTurn(turn{
			what:    "share",
			attrs:   []any{"surface", SurfaceShare, "channel", s.channel, "user", s.user},
			q:       q,
			deliver: func(ctx context.Context, r bot.Reply) string { return b.answerShare(ctx, s, q, r) },
			busy: func(ctx context.Context) error {
				return b.respondOnce(ctx, s.url, slack.ResponseTypeEphemeral, busyMessage)
			},
			finish: func(outcome string) { b.cfg.OnReply(SurfaceShare, outcome) },
		})
		return
	}
}

// share is a "Share in channel" click.
type share struct {
	user, channel string
	url           string // the click's response_url
}

// answerShare posts the reply to q, the question of s, for everyone under the
// asker's name, then removes the ephemeral original; a reply that is no
// answer for everyone (an apology, a refusal) goes to the asker alone. It
// returns the outcome.
func (b *Bot) answerShare(ctx context.Context, s share, q question, r bot.Reply) string {
	kind := slack.ResponseTypeInChannel
	switch r.Kind {
	case bot.KindError, bot.KindTooLong, bot.KindRateLimited:
		kind = slack.ResponseTypeEphemeral // tell the asker only
	}
	if err := b.respond(ctx, s.url, kind, render(r, q)); err != nil {
		b.log.Error("slack: share not delivered", "user", s.user, "channel", s.channel, "err", err)
		return OutcomeUndelivered
	}
	if kind == slack.ResponseTypeInChannel {
		err := b.retry(ctx, "response_url delete", func() error {
			_, _, err := b.api.PostMessageContext(ctx, "", slack.MsgOptionDeleteOriginal(s.url))
			return err
		})
		if err != nil {
			b.log.Warn("slack: ephemeral original not removed", "user", s.user, "err", err)
		}
	}
	return r.Kind.String()
}
