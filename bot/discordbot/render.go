package discordbot

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/quotebot/quotebot/bot"
)

// Discord's message limits. Discord counts characters; these count bytes,
// which are never fewer, so staying under them in bytes is always safe.
const (
	maxContent     = 2000
	maxDescription = 4096
	maxFooter      = 2048
	maxTitle       = 256
	maxEmbedTotal  = 6000 // all titles, descriptions and footers of one message
	maxEmbeds      = 10
)

// reply is one rendered answer, ready for any of Discord's message shapes.
type reply struct {
	// outcome is the name of the reply's kind (bot.Kind.String).
	outcome string
	content string
	embeds  []*discordgo.MessageEmbed
}

// noMentions is allowed_mentions with an empty parse list: nothing in a
// reply, quoted text included, can ping anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func (r reply) interactionData(flags discordgo.MessageFlags) *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{
		Content:         r.content,
		Embeds:          r.nonNilEmbeds(),
		AllowedMentions: noMentions(),
		Flags:           flags,
	}
}

func (r reply) webhookEdit() *discordgo.WebhookEdit {
	content := r.content
	embeds := r.nonNilEmbeds()
	return &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, AllowedMentions: noMentions()}
}

func (r reply) messageSend(replyTo *discordgo.Message) *discordgo.MessageSend {
	fail := false
	return &discordgo.MessageSend{
		Content:         r.content,
		Embeds:          r.nonNilEmbeds(),
		AllowedMentions: noMentions(),
		Reference: &discordgo.MessageReference{
			MessageID:       replyTo.ID,
			ChannelID:       replyTo.ChannelID,
			GuildID:         replyTo.GuildID,
			FailIfNotExists: &fail,
		},
	}
}

func (r reply) nonNilEmbeds() []*discordgo.MessageEmbed {
	if r.embeds == nil {
		return []*discordgo.MessageEmbed{}
	}
	return r.embeds
}

// textReply is a short plain message, cut to the content limit.
func textReply(outcome, text string) reply {
	return reply{outcome: outcome, content: bot.Cut(text, maxContent)}
}

// render turns a reply into Discord's format: one embed per quoted
// passage, after the lead line for closest passages; the text alone for
// the kinds that quote nothing.
func render(r bot.Reply) reply {
	out := textReply(r.Kind.String(), r.Text(escapeMarkdown))
	if hits := r.Hits(); len(hits) > 0 {
		out.embeds = renderEmbeds(hits)
	}
	return out
}

// renderEmbeds makes one embed per hit (at most maxEmbeds): the quoted
// passage as the description with its highlight in bold, the citation in
// the footer. Descriptions are cut at sentences so each stays within
// maxDescription and all of them together within maxEmbedTotal.
func renderEmbeds(hits []bot.Hit) []*discordgo.MessageEmbed {
	if len(hits) > maxEmbeds {
		hits = hits[:maxEmbeds]
	}
	embeds := make([]*discordgo.MessageEmbed, len(hits))
	budget := maxEmbedTotal
	// Footers get at most half the message's budget between them.
	footerLimit := min(maxFooter, maxEmbedTotal/(2*max(len(hits), 1)))
	needs := make([]int, len(hits))
	full := make([]string, len(hits))
	for i, h := range hits {
		e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich}
		footer := bot.Citation(h)
		if linkable(h.URL) {
			// The title links to the document; the footer says where in it.
			e.Title, e.URL = embedTitle(bot.Source(h), min(maxTitle, footerLimit/2)), h.URL
			budget -= len(e.Title)
			footer = bot.Locator(h)
		}
		if c := bot.Cut(footer, footerLimit); c != "" {
			e.Footer = &discordgo.MessageEmbedFooter{Text: c}
			budget -= len(c)
		}
		embeds[i] = e
		full[i] = renderPassage(h, maxDescription)
		needs[i] = len(full[i])
	}
	for i, share := range fairShares(needs, budget) {
		if share >= needs[i] {
			embeds[i].Description = full[i]
		} else {
			embeds[i].Description = renderPassage(hits[i], share)
		}
	}
	return embeds
}

// maxLinkURL is the longest document URL an embed's title links to.
const maxLinkURL = 2048

// linkable reports whether an embed may link to u: an http(s) URL of at most
// maxLinkURL bytes (Discord refuses a message whose embed URL is not).
func linkable(u string) bool {
	return u != "" && len(u) <= maxLinkURL && (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://"))
}

// embedTitle is a document's title as an embed title of at most limit
// bytes: Discord reads Markdown there, so it is escaped, and cut before
// escaping so no escape is cut in half.
func embedTitle(title string, limit int) string {
	if t := escapeMarkdown(title); len(t) <= limit {
		return t
	}
	return escapeMarkdown(bot.Cut(title, limit/2))
}

// fairShares splits budget among needs: whoever needs less than an equal
// share gets what it needs, the rest split what is left equally.
func fairShares(needs []int, budget int) []int {
	shares := make([]int, len(needs))
	open := make([]bool, len(needs))
	for i := range open {
		open[i] = true
	}
	left := len(needs)
	for left > 0 {
		share := budget / left
		settled := false
		for i, n := range needs {
			if open[i] && n <= share {
				shares[i], open[i] = n, false
				budget -= n
				left--
				settled = true
			}
		}
		if !settled {
			for i := range needs {
				if open[i] {
					shares[i] = max(share, 0)
				}
			}
			break
		}
	}
	return shares
}

// renderPassage is h's text as Discord Markdown, escaped, with the
// highlighted runs in bold, at most limit bytes. When it must cut, it cuts
// with bot.Cut (at a sentence if it can) and stops there.
func renderPassage(h bot.Hit, limit int) string {
	var b strings.Builder
	lineStart := true
	for _, seg := range bot.Segments(h) {
		piece := markup(seg.Text, seg.Bold, lineStart)
		if b.Len()+len(piece) > limit {
			b.WriteString(cutMarkup(seg.Text, seg.Bold, lineStart, limit-b.Len()))
			break
		}
		b.WriteString(piece)
		lineStart = strings.HasSuffix(seg.Text, "\n")
	}
	return b.String()
}

// markup escapes text and, when bold, wraps it in ** (keeping surrounding
// spaces outside the markers, where Discord needs them).
func markup(text string, bold, lineStart bool) string {
	if !bold {
		return escapeMarkdown1(text, lineStart)
	}
	core := strings.TrimSpace(text)
	if core == "" {
		return text
	}
	i := strings.Index(text, core)
	lead, trail := text[:i], text[i+len(core):]
	return lead + "**" + escapeMarkdown1(core, lineStart && lead == "") + "**" + trail
}

// cutMarkup is markup of the longest bot.Cut of text that fits in room
// bytes, or "" when not even an ellipsis fits.
func cutMarkup(text string, bold, lineStart bool, room int) string {
	n := room
	for n > 0 {
		c := bot.Cut(text, n)
		if c == "" {
			break
		}
		out := markup(c, bold, lineStart)
		if len(out) <= room {
			return out
		}
		n -= len(out) - room // escaping or markers took the difference
	}
	if room >= len(bot.Ellipsis) {
		return bot.Ellipsis
	}
	return ""
}

// escapeMarkdown escapes s so Discord shows it as typed: no bold, italics,
// strike-through, spoilers, code, links, mentions or custom emoji, and no
// headings, lists or block quotes at line starts.
func escapeMarkdown(s string) string { return escapeMarkdown1(s, true) }

func escapeMarkdown1(s string, lineStart bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("\\*_~`|<[]", c) >= 0:
			b.WriteByte('\\')
		case lineStart && strings.IndexByte("#->+", c) >= 0:
			b.WriteByte('\\')
		case lineStart && c >= '0' && c <= '9':
			// "1. item" is an ordered list: escape its dot.
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && s[j] == '.' {
				b.WriteString(s[i:j])
				b.WriteString(`\.`)
				i = j
				lineStart = false
				continue
			}
		}
		b.WriteByte(c)
		switch c {
		case '\n':
			lineStart = true
		case ' ', '\t':
			// Markdown allows indentation before a line's marker.
		default:
			lineStart = false
		}
	}
	return b.String()
}
