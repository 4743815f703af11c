package discordbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/quotebot/quotebot/bot"
)

// isHelp reports whether question asks for the usage text rather than an
// answer: it is empty or "help".
func isHelp(question string) bool {
	q := strings.TrimSpace(question)
	return q == "" || strings.EqualFold(q, "help")
}

// startAnswer answers question in the background and delivers the rendered
// reply on the returned channel, which always receives exactly one value.
// command is how users invoke the bot, for the help text.
func (b *Bot) startAnswer(question, command string) <-chan reply {
	out := make(chan reply, 1)
	if !b.begin() {
		out <- textReply("error", shuttingDown)
		return out
	}
	go func() {
		defer b.end()
		out <- b.answer(question, command)
	}()
	return out
}

// answer asks the Answerer through bot.Ask and renders the result: a
// question over bot.MaxQuestionLen gets bot.TooLong, and an engine error or
// panic becomes an apology and a log line.
func (b *Bot) answer(question, command string) (r reply) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("discord: answerer panicked", "panic", fmt.Sprint(p))
			r = textReply("error", apology)
		}
	}()
	ctx, cancel := context.WithTimeout(b.ctx, answerTimeout)
	defer cancel()
	if isHelp(question) {
		ans, err := b.cfg.Answerer.Answer(ctx, "", 0)
		if err != nil {
			b.log.Warn("discord: topics for the help text", "err", err)
		}
		return renderUsage(command, ans.Topics)
	}
	ans, err := bot.Ask(ctx, b.cfg.Answerer, strings.TrimSpace(question), 0)
	if errors.Is(err, bot.ErrQuestionTooLong) {
		return textReply("too_long", escapeMarkdown(bot.TooLong))
	}
	if err != nil {
		b.log.Error("discord: answer", "err", err)
		return textReply("error", apology)
	}
	return renderAnswer(ans)
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
			return "forbidden"
		}
	}
	b.log.Error("discord: send reply", "what", what, "channel_id", channelID, "err", err)
	return "send_failed"
}
