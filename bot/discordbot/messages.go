package discordbot

import (
	"strings"

	"github.com/bwmarrin/discordgo"
)

// onMessageCreate answers `@bot question` (the bot user or its managed
// role) in a channel and any direct message with a reply to that message.
func (b *Bot) onMessageCreate(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	defer b.recoverPanic("message")
	if !b.begin() {
		return
	}
	defer b.end()
	m := mc.Message
	question, ok := b.questionOf(m)
	if !ok {
		b.observe(EventMessage, OutcomeIgnored)
		return
	}
	if !b.claim("discord:message:" + m.ID) {
		b.observe(EventMessage, OutcomeDuplicate)
		return
	}
	r := <-b.startAnswer(ask{question: question, usage: escapeMarkdown("@" + b.botName), user: m.Author.ID, id: m.ID})
	if _, err := b.session.ChannelMessageSendComplex(m.ChannelID, r.messageSend(m), discordgo.WithContext(b.ctx)); err != nil {
		b.observe(EventMessage, b.deliveryFailure(err, "reply", m.ChannelID))
		return
	}
	b.observe(EventMessage, r.outcome)
}

// questionOf returns the question m asks the bot and whether it asks one.
// Messages from bots (this one included) and system messages ask nothing;
// in a server only a message that mentions the bot asks (a bare mention
// asks for help), and a mention of the bot's managed role counts as one;
// in a direct message any text does. The bot's mentions are removed from
// the question. Only a server message that mentions some role but not the
// bot user may cost a REST call, to learn the bot's role there.
func (b *Bot) questionOf(m *discordgo.Message) (string, bool) {
	if !b.fromPerson(m) {
		return "", false
	}
	question, mentioned := stripMention(m.Content, b.userID)
	if m.GuildID == "" {
		return question, strings.TrimSpace(m.Content) != ""
	}
	if mentioned {
		return question, true
	}
	roleID := b.mentionedBotRole(m)
	if roleID == "" {
		return "", false
	}
	question, _ = stripTokens(question, "<@&"+roleID+">")
	return question, true
}

// fromPerson reports whether m is an ordinary message or reply written by
// someone other than a bot or the system.
func (b *Bot) fromPerson(m *discordgo.Message) bool {
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.System || m.Author.ID == b.userID {
		return false
	}
	return m.Type == discordgo.MessageTypeDefault || m.Type == discordgo.MessageTypeReply
}

// stripMention removes every mention of the user id (<@id> and the older
// nickname form <@!id>) from content, tidies the spaces left behind, and
// reports whether there was one.
func stripMention(content, id string) (string, bool) {
	if id == "" {
		return strings.TrimSpace(content), false
	}
	return stripTokens(content, "<@"+id+">", "<@!"+id+">")
}

// stripTokens removes every occurrence of the tokens from content, tidies
// the spaces left behind, and reports whether there was one.
func stripTokens(content string, tokens ...string) (string, bool) {
	found := false
	for _, tag := range tokens {
		if strings.Contains(content, tag) {
			found = true
			content = strings.ReplaceAll(content, tag, " ")
		}
	}
	return strings.Join(strings.Fields(content), " "), found
}
