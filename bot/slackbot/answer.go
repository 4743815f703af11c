package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/quotebot/quotebot/bot"
)

// Surfaces a question arrives on, as passed to Config.OnReply.
const (
	surfaceMention = "mention"
	surfaceDM      = "dm"
	surfaceCommand = "command"
	surfaceShare   = "share"
)

// Outcomes of a question, as passed to Config.OnReply.
const (
	outcomeAnswered    = "answered"
	outcomeNotCovered  = "not_covered"
	outcomeHelp        = "help"
	outcomeTooLong     = "too_long"
	outcomeError       = "error"
	outcomeUndelivered = "undelivered"
	outcomeBusy        = "busy"
	outcomeDropped     = "dropped"
)

// delivered reports whether a question with this outcome got a reply.
func delivered(outcome string) bool {
	return outcome != outcomeUndelivered && outcome != outcomeDropped
}

// apology is the reply when the engine failed.
const apology = "Sorry, something went wrong while looking that up. Please try again in a moment."

// question is one question to answer and how to present the reply.
type question struct {
	surface string
	text    string // plain text (Slack's entities undone), maybe with the bot's mention
	user    string // asker's user id
	usage   string // how to invoke the bot, for help: "/ask" or "<@U…>"
	header  string // mrkdwn above an answer, already escaped
	share   bool   // offer the "Share in channel" button
}

// compose answers q and renders the reply; outcome is one of the outcome
// constants. It never fails: an engine error becomes an apology.
func (b *Bot) compose(ctx context.Context, q question) (msg message, outcome string) {
	text := strings.TrimSpace(q.text)
	if b.self != nil {
		text = strings.TrimSpace(b.self.ReplaceAllString(text, ""))
	}
	if text == "" || strings.EqualFold(text, "help") {
		ans, err := b.answer(ctx, "", 0)
		if err != nil {
			b.log.Warn("slack: topics for help", "surface", q.surface, "err", err)
		}
		return renderText(bot.Usage(q.usage, escapeAll(ans.Topics))), outcomeHelp
	}
	ans, err := b.answer(ctx, text, b.cfg.Top)
	switch {
	case errors.Is(err, bot.ErrQuestionTooLong):
		return renderText(escape(bot.TooLong)), outcomeTooLong
	case err != nil:
		b.log.Error("slack: answer", "surface", q.surface, "user", q.user, "err", err)
		return renderText(apology), outcomeError
	case !ans.Found || len(ans.Passages) == 0:
		reply := escape(bot.NotCovered(ans.Topics))
		if q.header != "" {
			reply = q.header + "\n" + reply
		}
		return renderText(reply), outcomeNotCovered
	}
	var share string
	if q.share {
		share = text
	}
	return renderAnswer(ans, q.header, share), outcomeAnswered
}

// answer asks the Answerer through bot.Ask (so a question over
// bot.MaxQuestionLen is refused), turning a panic into an error.
func (b *Bot) answer(ctx context.Context, text string, top int) (ans bot.Answer, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("answerer panicked: %v", v)
		}
	}()
	return bot.Ask(ctx, b.cfg.Answerer, text, top)
}

func escapeAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = escape(s)
	}
	return out
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
