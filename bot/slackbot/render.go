package slackbot

import (
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/quotebot/quotebot/bot"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
const (
	maxSectionText = 3000 // characters in a section's text
	maxContextText = 2000 // characters in a context element's text
	maxBlocks      = 50   // blocks in one message
	maxButtonValue = 2000 // characters in a button's value
	maxFallback    = 3000 // characters we put in the plain-text fallback
)

// shareActionID names the "Share in channel" button; its value is the
// question, which the interaction answers again in the channel.
const shareActionID = "quotebot_share"

// message is one reply: Block Kit blocks and the plain-text fallback that
// notifications and old clients show. Text is already escaped for Slack.
type message struct {
	Text   string
	Blocks []slack.Block
}

// response is a message in the shape of a slash-command response: the HTTP
// body, the Socket Mode ack payload or a response_url post.
type response struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func (m message) response(responseType string) response {
	return response{ResponseType: responseType, Text: m.Text, Blocks: m.Blocks}
}

// options are the chat.postMessage / response_url options that send m.
func (m message) options() []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
}

var (
	escaper   = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// escape makes text safe to show in Slack: &, < and > are control characters
// of its message format (links, mentions), so they are sent as entities.
func escape(s string) string { return escaper.Replace(s) }

// unescape undoes the entities Slack puts in the text it sends us.
func unescape(s string) string { return unescaper.Replace(s) }

// renderReply renders a reply for Slack. header, when set, is mrkdwn shown
// above an answer, closest passages or "not covered" (already escaped);
// shareQuestion, when set, adds the "Share in channel" button under quoted
// passages.
func renderReply(r bot.Reply, header, shareQuestion string) message {
	switch r.Kind {
	case bot.KindAnswered:
		return renderQuotes(r.Hits(), header, "", shareQuestion)
	case bot.KindClosest:
		return renderQuotes(r.Hits(), header, r.Text(escape), shareQuestion)
	case bot.KindNotCovered:
		if header != "" {
			return renderText(header + "\n" + r.Text(escape))
		}
	}
	return renderText(r.Text(escape))
}

// renderAnswer renders a found answer: its passages quoted (see
// renderQuotes).
func renderAnswer(ans bot.Answer, header, shareQuestion string) message {
	return renderQuotes(ans.Passages, header, "", shareQuestion)
}

// renderQuotes renders passages: each as a quote whose highlight is bold,
// then its citation. header, when set, is mrkdwn shown above them, then
// lead (both already escaped); shareQuestion, when set, adds the "Share in
// channel" button that re-asks it.
func renderQuotes(hits []bot.Hit, header, lead, shareQuestion string) message {
	var blocks []slack.Block
	for _, s := range []string{header, lead} {
		if s != "" {
			blocks = append(blocks, sectionBlock(s))
		}
	}
	share := shareQuestion != "" && utf8.RuneCountInString(shareQuestion) <= maxButtonValue
	room := maxBlocks - len(blocks)
	if share {
		room--
	}
	if n := room / 2; len(hits) > n {
		hits = hits[:n]
	}
	for _, h := range hits {
		blocks = append(blocks,
			sectionBlock(fit(maxSectionText, len(h.Text), func(n int) string { return quote(cutHit(h, n)) })),
			citationBlock(h),
		)
	}
	if share {
		button := slack.NewButtonBlockElement(shareActionID, shareQuestion,
			slack.NewTextBlockObject(slack.PlainTextType, "Share in channel", false, false))
		blocks = append(blocks, slack.NewActionBlock(shareActionID, button))
	}
	return message{Text: fallback(header, lead, hits), Blocks: blocks}
}

// maxLinkURL is the longest document URL citation links to; a longer one
// would crowd the citation out of a context element, so the title is left
// plain.
const maxLinkURL = 500

// citation is h's citation as mrkdwn within a context element's limit:
// "Title · Date · Section · ¶7", the title a link to the document's URL
// (<url|Title>) when it has one, everything escaped.
func citation(h bot.Hit) string {
	plain := bot.Citation(h)
	url := linkURL(h.URL)
	if url == "" {
		return fit(maxContextText, len(plain), func(n int) string { return escape(bot.Cut(plain, n)) })
	}
	src := bot.Source(h)
	return fit(maxContextText, len(plain), func(n int) string {
		cut := bot.Cut(plain, n)
		if !strings.HasPrefix(cut, src) {
			return "<" + url + "|" + escape(cut) + ">"
		}
		return "<" + url + "|" + escape(src) + ">" + escape(cut[len(src):])
	})
}

// linkURL makes an http(s) URL safe inside Slack's <url|label> syntax: "&"
// as an entity, and "<", ">" and "|", which would end the link, encoded.
// It is "" for anything else and for a URL over maxLinkURL bytes.
func linkURL(u string) string {
	if len(u) > maxLinkURL || !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return ""
	}
	return strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C").Replace(u)
}

// citationBlock is the context block under a quote that says where it
// comes from.
func citationBlock(h bot.Hit) *slack.ContextBlock {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, citation(h), false, false))
}

// fallback is the notification text of quoted passages: the header and
// the lead, then the first passage's highlight and citation.
func fallback(header, lead string, hits []bot.Hit) string {
	var first string
	if len(hits) > 0 {
		h := hits[0]
		quoted := h.Highlight
		if strings.TrimSpace(quoted) == "" {
			quoted = h.Text
		}
		first = "“" + strings.TrimSpace(quoted) + "” — " + bot.Citation(h)
	}
	text := fit(maxFallback, len(first), func(n int) string { return escape(bot.Cut(first, n)) })
	for _, s := range []string{lead, header} {
		if s != "" {
			text = s + "\n" + text
		}
	}
	return text
}

// renderText renders one paragraph of mrkdwn that is already escaped
// (a "not covered" reply, help, an apology).
func renderText(mrkdwn string) message {
	text := fit(maxSectionText, len(mrkdwn), func(n int) string { return bot.Cut(mrkdwn, n) })
	return message{Text: text, Blocks: []slack.Block{sectionBlock(text)}}
}

func sectionBlock(mrkdwn string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, mrkdwn, false, false), nil, nil)
}

// quote renders a passage as mrkdwn quote lines ("> "), escaped, with its
// highlighted runs in *bold*.
func quote(h bot.Hit) string {
	var b strings.Builder
	b.WriteString("> ")
	for _, seg := range bot.Segments(h) {
		for i, line := range strings.Split(seg.Text, "\n") {
			if i > 0 {
				b.WriteString("\n> ")
			}
			if seg.Bold {
				writeBold(&b, line)
			} else {
				b.WriteString(escape(line))
			}
		}
	}
	return b.String()
}

// writeBold writes s in *bold*, keeping its surrounding spaces outside the
// asterisks: Slack only reads "*x*" as bold when the asterisks touch text.
func writeBold(b *strings.Builder, s string) {
	core := strings.TrimSpace(s)
	if core == "" {
		b.WriteString(escape(s))
		return
	}
	lead := s[:strings.Index(s, core)]
	b.WriteString(escape(lead))
	b.WriteString("*" + escape(core) + "*")
	b.WriteString(escape(s[len(lead)+len(core):]))
}

// cutHit shortens h.Text with bot.Cut to at most n bytes and clips the
// highlight spans to what is left.
func cutHit(h bot.Hit, n int) bot.Hit {
	cut := bot.Cut(h.Text, n)
	if cut == h.Text {
		return h
	}
	keep := len(strings.TrimRight(strings.TrimSuffix(cut, bot.Ellipsis), " "))
	spans := h.Spans[:0:0]
	for _, s := range h.Spans {
		if s.Start >= keep {
			continue
		}
		s.End = min(s.End, keep)
		spans = append(spans, s)
	}
	h.Text, h.Spans = cut, spans
	return h
}

// fit returns render(n) for the largest input size n it finds, starting at
// size, whose result is at most max characters. Escaping and markup make the
// output longer than the input, so it shrinks n in proportion and tries
// again a bounded number of times. Its last resort relies on render making
// at most seven characters of each input byte ("&" in bold is "*&amp;*")
// plus eight.
func fit(max, size int, render func(n int) string) string {
	out := render(size)
	for range 12 {
		got := utf8.RuneCountInString(out)
		if got <= max {
			return out
		}
		size = size*max/got - 8
		if size <= 0 {
			break
		}
		out = render(size)
	}
	return render((max - 8) / 7)
}

// truncate shortens a question to at most max bytes, at a space when there is
// one in its second half, never inside a UTF-8 character.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	s = s[:max]
	if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
