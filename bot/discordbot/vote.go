package discordbot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/quotebot/quotebot/bot"
)

// The custom_id of a vote button is votePrefix, "up" or "down", ":" and
// the answer's id (bot.Reply.ID): 49 characters, within Discord's 100.
const votePrefix = "quotebot:vote:"

// render formats a reply for Discord, with 👍 / 👎 under a reply people
// may vote on when the Bot records votes.
func (b *Bot) render(r bot.Reply) reply {
	out := render(r)
	if b.cfg.Feedback != nil && r.Votable() {
		out.components = voteButtons(r.ID)
	}
	return out
}

// voteButtons is one row of two buttons, 👍 and 👎, naming the answer id.
func voteButtons(answerID string) []discordgo.MessageComponent {
	button := func(vote, emoji string) discordgo.Button {
		return discordgo.Button{
			Style:    discordgo.SecondaryButton,
			Emoji:    &discordgo.ComponentEmoji{Name: emoji},
			CustomID: votePrefix + vote + ":" + answerID,
		}
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		button(bot.VoteName(true), "👍"), button(bot.VoteName(false), "👎"),
	}}}
}

// parseVote reads a vote button's custom_id; ok is false for any other.
func parseVote(customID string) (answerID string, up, ok bool) {
	rest, found := strings.CutPrefix(customID, votePrefix)
	if !found {
		return "", false, false
	}
	vote, answerID, found := strings.Cut(rest, ":")
	if !found || (vote != bot.VoteName(true) && vote != bot.VoteName(false)) {
		return "", false, false
	}
	return answerID, vote == bot.VoteName(true), true
}

// voteOf returns the vote a component interaction casts; ok is false when
// i is no click on a vote button or the Bot records no votes.
func (b *Bot) voteOf(i *discordgo.Interaction) (bot.Vote, bool) {
	data, isComponent := i.Data.(discordgo.MessageComponentInteractionData)
	if b.cfg.Feedback == nil || !isComponent {
		return bot.Vote{}, false
	}
	answerID, up, ok := parseVote(data.CustomID)
	if !ok {
		return bot.Vote{}, false
	}
	return bot.Vote{AnswerID: answerID, Up: up, Platform: bot.PlatformDiscord, User: userOf(i)}, true
}

// replyVote records v, the vote of interaction i, and calls respond once
// with a message only the voter sees (flags 64) saying how it went. The
// vote is recorded within Config.AnswerDeadline, so the response makes
// Discord's 3-second window even when the store is stuck.
func (b *Bot) replyVote(i *discordgo.Interaction, v bot.Vote, respond func(*discordgo.InteractionResponse) error) {
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.AnswerDeadline)
	defer cancel()
	text := b.cfg.Feedback.Vote(ctx, v)
	err := respond(&discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         escapeMarkdown(text),
			AllowedMentions: noMentions(),
			Flags:           discordgo.MessageFlagsEphemeral,
		},
	})
	if err != nil {
		b.observe(EventVote, b.deliveryFailure(err, "vote acknowledgement", i.ChannelID))
		return
	}
	b.observe(EventVote, OutcomeVoted)
}
