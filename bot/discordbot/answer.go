package discordbot

import (
	"errors"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/quotebot/quotebot/bot"
)

// ask is one question for the Responder.
type ask struct {
	question string // as typed, the bot's own mention removed
	usage    string // how users invoke the bot, for the help text, escaped
	user     string // the asker's user id
	id       string // the interaction or message id, for logs
}

// startAnswer answers a in the background and delivers the rendered reply
// on the returned channel, which always receives exactly one value.
func (b *Bot) startAnswer(a ask) <-chan reply {
	out := make(chan reply, 1)
	if !b.begin() {
		out <- textReply(bot.KindError.String(), escapeMarkdown(bot.Restarting))
		return out
	}
	go func() {
		defer b.end()
		out <- render(b.resp.Respond(b.ctx, bot.Request{
			Question: a.question, Platform: bot.PlatformDiscord, User: a.user,
			Usage: a.usage, Wait: bot.DefaultWait, ID: a.id,
		}))
	}()
	return out
}

// deliveryFailure classifies an error from sending a reply, logs it with
// the channel and returns the outcome to observe: "forbidden" for a missing
// permission (403, Missing Access, Missing Permissions), which is answered
// nowhere else, and "send_failed" otherwise.
func (b *Bot) deliveryFailure(err error, what, channelID string) string {
	var rerr *discordgo.RESTError
	if errors.As(err, &rerr) {
		code := 0
		if rerr.Message != nil {
			code = rerr.Message.Code
		}
		status := 0
		if rerr.Response != nil {
			status = rerr.Response.StatusCode
		}
		if status == http.StatusForbidden || code == discordgo.ErrCodeMissingAccess || code == discordgo.ErrCodeMissingPermissions {
			b.log.Warn("discord: no permission to reply; check the bot's channel permissions",
				"what", what, "channel_id", channelID, "status", status, "code", code)
			return OutcomeForbidden
		}
	}
	b.log.Error("discord: send reply", "what", what, "channel_id", channelID, "err", err)
	return OutcomeSendFailed
}

// claim asks the Deduper whether the event of key is new; when the
// Deduper fails it logs why and answers anyway, since a second answer is
// better than none.
func (b *Bot) claim(key string) bool {
	first, err := b.dedupe.Claim(b.ctx, key)
	if err != nil {
		b.log.Warn("discord: deduplication failed; answering", "key", key, "err", err)
		return true
	}
	return first
}

// Outcomes passed to Config.Observe besides the names of the kinds of
// reply (bot.Kind.String).
const (
	OutcomeDeferred     = "deferred"     // an interaction's answer is late; the response is edited later
	OutcomeDuplicate    = "duplicate"    // an event already handled
	OutcomeIgnored      = "ignored"      // an event that asks the bot nothing
	OutcomeForbidden    = "forbidden"    // Discord refused the reply (403, Missing Access): logged only
	OutcomeSendFailed   = "send_failed"  // the reply could not be sent
	OutcomePong         = "pong"         // the endpoint answered a PING
	OutcomeUnauthorized = "unauthorized" // a request to the endpoint failed its signature check
	OutcomeTooLarge     = "too_large"    // a request body over MaxInteractionBody
	OutcomeBadRequest   = "bad_request"  // a request that is no interaction the endpoint handles
)

// Kinds of event passed to Config.Observe.
const (
	EventInteraction = "interaction" // an `ask` command over the gateway or the endpoint
	EventMessage     = "message"     // a mention or a direct message
	EventHTTP        = "http"        // a request to the interactions endpoint, before it is an `ask`
)
