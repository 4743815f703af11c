package slackbot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
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
// event does not get a second reply.
func (b *Bot) onEvent(ev slackevents.EventsAPIEvent, retry int) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		return
	}
	e, ok := b.toEvent(ev.InnerEvent)
	if !ok {
		return
	}
	e.id, e.retry = cb.EventID, retry
	if !b.seen.claim(e.id) {
		b.log.Info("slack: duplicate event dropped", "event_id", e.id, "retry", retry)
		b.cfg.OnReject("duplicate")
		return
	}
	b.spawnTurn(turn{
		what:   "event " + e.id,
		attrs:  []any{"surface", e.q.surface, "channel", e.channel, "user", e.q.user, "event_id", e.id},
		answer: func(ctx context.Context) string { return b.answerEvent(ctx, e) },
		busy: func(ctx context.Context) error {
			return b.postOnce(ctx, e.channel, e.thread, renderText(busyText))
		},
		finish: func(outcome string) {
			b.seen.done(e.id, delivered(outcome))
			b.cfg.OnReply(e.q.surface, outcome)
		},
	})
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
			q:       question{surface: surfaceMention, text: unescape(m.Text), user: m.User, usage: usage},
			channel: m.Channel, thread: thread,
		}, true
	case *slackevents.MessageEvent:
		if m.ChannelType != "im" || m.SubType != "" || m.BotID != "" || m.User == "" || m.User == b.userID {
			return event{}, false
		}
		return event{
			q:       question{surface: surfaceDM, text: unescape(m.Text), user: m.User, usage: usage},
			channel: m.Channel, thread: m.ThreadTimeStamp,
		}, true
	}
	return event{}, false
}

// answerEvent answers e where it was asked and returns the outcome,
// outcomeUndelivered when Slack did not take the reply.
func (b *Bot) answerEvent(ctx context.Context, e event) string {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
	defer cancel()
	msg, outcome := b.compose(ctx, e.q)
	err := b.post(ctx, e.channel, e.thread, msg)
	if err == nil {
		return outcome
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
	return outcomeUndelivered
}

// command answers a slash command. It waits up to Config.InlineBudget and
// returns the ephemeral reply when it is ready by then; otherwise it
// returns ok=false and the reply goes to the command's response_url when
// ready. When Config.MaxInFlight questions are being answered it returns
// the busy reply at once: Slack's 3 seconds leave no time to wait for a
// turn.
func (b *Bot) command(cmd slack.SlashCommand) (reply message, ok bool) {
	name := cmd.Command
	if name == "" {
		name = b.cfg.Command
	}
	if !b.gate.tryEnter() {
		b.log.Warn("slack: too busy to answer; asked to ask again", "max_in_flight", b.cfg.MaxInFlight,
			"surface", surfaceCommand, "channel", cmd.ChannelID, "user", cmd.UserID)
		b.cfg.OnReply(surfaceCommand, outcomeBusy)
		return renderText(busyText), true
	}
	q := question{surface: surfaceCommand, text: unescape(cmd.Text), user: cmd.UserID, usage: name, share: true}
	ready := make(chan message) // unbuffered: the handoff and the timeout cannot both happen
	late := make(chan struct{})
	started := b.spawn("command "+name, func(ctx context.Context) {
		outcome := outcomeUndelivered // if answerCommand panics
		defer func() { b.cfg.OnReply(q.surface, outcome) }()
		defer b.gate.leave()
		outcome = b.answerCommand(ctx, cmd, q, ready, late)
	})
	if !started {
		b.gate.leave()
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

// answerCommand answers a slash command and hands the reply to command
// through ready or, once late is closed, posts it to the response_url; it
// returns the outcome.
func (b *Bot) answerCommand(ctx context.Context, cmd slack.SlashCommand, q question, ready chan<- message, late <-chan struct{}) string {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
	defer cancel()
	msg, outcome := b.compose(ctx, q)
	select {
	case ready <- msg:
		return outcome
	case <-late:
	}
	if err := b.respond(ctx, cmd.ResponseURL, slack.ResponseTypeEphemeral, msg); err != nil {
		b.log.Error("slack: command reply not delivered", "command", q.usage, "user", cmd.UserID,
			"channel", cmd.ChannelID, "err", err)
		return outcomeUndelivered
	}
	return outcome
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
		s := share{user: ic.User.ID, channel: ic.Channel.ID, text: a.Value, url: ic.ResponseURL}
		b.spawnTurn(turn{
			what:   "share",
			attrs:  []any{"surface", surfaceShare, "channel", s.channel, "user", s.user},
			answer: func(ctx context.Context) string { return b.answerShare(ctx, s) },
			busy: func(ctx context.Context) error {
				return b.respondOnce(ctx, s.url, slack.ResponseTypeEphemeral, renderText(busyText))
			},
			finish: func(outcome string) { b.cfg.OnReply(surfaceShare, outcome) },
		})
		return
	}
}

// share is a "Share in channel" click.
type share struct {
	user, channel string
	text          string // the question, from the button's value
	url           string // the click's response_url
}

// answerShare answers s's question again and posts it for everyone under
// the asker's name, then removes the ephemeral original; it returns the
// outcome.
func (b *Bot) answerShare(ctx context.Context, s share) string {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
	defer cancel()
	q := question{surface: surfaceShare, text: s.text, user: s.user, usage: b.cfg.Command,
		header: "<@" + s.user + "> asked: " + escape(truncate(s.text, 500))}
	msg, outcome := b.compose(ctx, q)
	kind := slack.ResponseTypeInChannel
	if outcome == outcomeError || outcome == outcomeTooLong {
		kind = slack.ResponseTypeEphemeral // tell the asker only
	}
	if err := b.respond(ctx, s.url, kind, msg); err != nil {
		b.log.Error("slack: share not delivered", "user", s.user, "channel", s.channel, "err", err)
		return outcomeUndelivered
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
	return outcome
}
