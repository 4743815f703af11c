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
// delivery is read) and answers in the background.
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
	b.spawn("event "+e.id, func(ctx context.Context) {
		outcome := outcomeUndelivered // if answerEvent panics
		defer func() {
			b.seen.done(e.id, outcome != outcomeUndelivered)
			b.cfg.OnReply(e.q.surface, outcome)
		}()
		outcome = b.answerEvent(ctx, e)
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
// ready.
func (b *Bot) command(cmd slack.SlashCommand) (reply message, ok bool) {
	name := cmd.Command
	if name == "" {
		name = b.cfg.Command
	}
	q := question{surface: surfaceCommand, text: unescape(cmd.Text), user: cmd.UserID, usage: name, share: true}
	ready := make(chan message) // unbuffered: the handoff and the timeout cannot both happen
	late := make(chan struct{})
	b.spawn("command "+name, func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
		defer cancel()
		msg, outcome := b.compose(ctx, q)
		select {
		case ready <- msg:
			b.cfg.OnReply(q.surface, outcome)
			return
		case <-late:
		}
		if err := b.respond(ctx, cmd.ResponseURL, slack.ResponseTypeEphemeral, msg); err != nil {
			b.cfg.OnReply(q.surface, outcomeUndelivered)
			b.log.Error("slack: command reply not delivered", "command", name, "user", cmd.UserID,
				"channel", cmd.ChannelID, "err", err)
			return
		}
		b.cfg.OnReply(q.surface, outcome)
	})
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
// answers the button's question again and posts it for everyone under the
// asker's name, then removes the ephemeral original.
func (b *Bot) onInteraction(ic slack.InteractionCallback) {
	if ic.Type != slack.InteractionTypeBlockActions {
		return
	}
	for _, a := range ic.ActionCallback.BlockActions {
		if a == nil || a.ActionID != shareActionID {
			continue
		}
		user, text, url := ic.User.ID, a.Value, ic.ResponseURL
		b.spawn("share", func(ctx context.Context) {
			ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
			defer cancel()
			q := question{surface: surfaceShare, text: text, user: user, usage: b.cfg.Command,
				header: "<@" + user + "> asked: " + escape(truncate(text, 500))}
			msg, outcome := b.compose(ctx, q)
			kind := slack.ResponseTypeInChannel
			if outcome == outcomeError {
				kind = slack.ResponseTypeEphemeral // apologise to the asker only
			}
			if err := b.respond(ctx, url, kind, msg); err != nil {
				b.cfg.OnReply(surfaceShare, outcomeUndelivered)
				b.log.Error("slack: share not delivered", "user", user, "channel", ic.Channel.ID, "err", err)
				return
			}
			b.cfg.OnReply(surfaceShare, outcome)
			if kind == slack.ResponseTypeInChannel {
				err := b.retry(ctx, "response_url delete", func() error {
					_, _, err := b.api.PostMessageContext(ctx, "", slack.MsgOptionDeleteOriginal(url))
					return err
				})
				if err != nil {
					b.log.Warn("slack: ephemeral original not removed", "user", user, "err", err)
				}
			}
		})
		return
	}
}
