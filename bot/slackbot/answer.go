package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/quotebot/quotebot/bot"
)

// Surfaces a question arrives on, as passed to Config.OnReply.
const (
	SurfaceMention = "mention"
	SurfaceDM      = "dm"
	SurfaceCommand = "command"
	SurfaceShare   = "share"
)

// Outcomes passed to Config.OnReply besides the names of the kinds of
// reply (bot.Kind.String).
const (
	// OutcomeUndelivered means Slack would not take the reply.
	OutcomeUndelivered = "undelivered"
	// OutcomeDropped means the question got no reply at all: even the
	// queue for answer slots was full, or the Bot stopped while it waited.
	OutcomeDropped = "dropped"
)

// delivered reports whether a question with this outcome got a reply.
func delivered(outcome string) bool {
	return outcome != OutcomeUndelivered && outcome != OutcomeDropped
}

// question is one question to answer and how to present the reply.
type question struct {
	surface string
	text    string // plain text (Slack's entities undone), chat markup included
	user    string // asker's user id
	usage   string // how to invoke the bot, for help: "/ask" or "<@U…>"
	header  string // mrkdwn above an answer, already escaped
	share   bool   // offer the "Share in channel" button
	id      string // names the question in the Responder's logs: the event id
}

// ask answers q through the Responder, at turn (which stays the caller's
// to end), waiting up to wait for its answer slot.
func (b *Bot) ask(ctx context.Context, q question, turn *bot.Turn, wait time.Duration) bot.Reply {
	return b.resp.Respond(ctx, bot.Request{
		Question: q.text, Platform: bot.PlatformSlack, User: q.user, Top: b.cfg.Top,
		Usage: q.usage, Wait: wait, Turn: turn, ID: q.id,
	})
}

// render formats a reply to q for Slack.
func render(r bot.Reply, q question) message {
	var share string
	if q.share {
		share = r.Question
	}
	return renderReply(r, q.header, share)
}

// post sends msg to a channel (in a thread when thread is set), retrying
// rate limits.
func (b *Bot) post(ctx context.Context, channel, thread string, msg message) error {
	return b.retry(ctx, "chat.postMessage", func() error { return b.postOnce(ctx, channel, thread, msg) })
}

// postOnce sends msg to a channel (in a thread when thread is set) with a
// single chat.postMessage call.
func (b *Bot) postOnce(ctx context.Context, channel, thread string, msg message) error {
	opts := msg.options()
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	_, _, err := b.api.PostMessageContext(ctx, channel, opts...)
	return err
}

// respond posts msg to a response_url as responseType ("ephemeral" or
// "in_channel"), retrying rate limits.
func (b *Bot) respond(ctx context.Context, url, responseType string, msg message) error {
	return b.retry(ctx, "response_url", func() error { return b.respondOnce(ctx, url, responseType, msg) })
}

// respondOnce posts msg to a response_url as responseType, once.
func (b *Bot) respondOnce(ctx context.Context, url, responseType string, msg message) error {
	if url == "" {
		return errors.New("no response_url")
	}
	opts := append(msg.options(), slack.MsgOptionResponseURL(url, responseType))
	_, _, err := b.api.PostMessageContext(ctx, "", opts...)
	return err
}

// retry calls fn, and again after the wait Slack asks for while it answers
// with a rate limit, at most Config.MaxRetries more times and only for waits
// up to Config.MaxRetryAfter.
func (b *Bot) retry(ctx context.Context, what string, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		wait, limited := rateLimited(err)
		if !limited {
			return err
		}
		if attempt >= b.cfg.MaxRetries || wait > b.cfg.MaxRetryAfter {
			return fmt.Errorf("%s: rate limited after %d attempts (Retry-After %s): %w", what, attempt+1, wait, err)
		}
		b.log.Warn("slack: rate limited, waiting", "call", what, "retry_after", wait, "attempt", attempt+1)
		if err := b.cfg.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: waiting out a rate limit: %w", what, err)
		}
	}
}

// rateLimited reports whether err is Slack's rate limit, and how long it
// asked to wait (a second when it did not say).
func rateLimited(err error) (time.Duration, bool) {
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return max(rl.RetryAfter, 0), true
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok && sc.Code == http.StatusTooManyRequests {
		return time.Second, true
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok && se.Err == "ratelimited" {
		return time.Second, true
	}
	return 0, false
}

// slackError is the Web API's error code in err ("not_in_channel", …), or "".
func slackError(err error) string {
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return se.Err
	}
	return ""
}
