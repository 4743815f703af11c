package discordbot

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/corpus"
)

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"emphasis, code and spoilers", "a *b* _c_ ~~d~~ `e` ||f||", `a \*b\* \_c\_ \~\~d\~\~ \` + "`e\\`" + ` \|\|f\|\|`},
		{"backslash", `back\slash`, `back\\slash`},
		{"mentions and custom emoji", "<@123> <#9> <:x:1> @everyone", `\<@123> \<#9> \<:x:1> @everyone`},
		{"masked link", "[click](https://x.test)", `\[click\](https://x.test)`},
		{"heading", "# Heading", `\# Heading`},
		{"block quote", "> quoted", `\> quoted`},
		{"list", "- item", `\- item`},
		{"indented list", "  + item", `  \+ item`},
		{"ordered list", "12. item", `12\. item`},
		{"markers mid-line stay", "well-known > 3 # 2. and 10.5", "well-known > 3 # 2. and 10.5"},
		{"each line starts again", "one\n# two\n3. three", "one\n\\# two\n3\\. three"},
		{"plain text", "The statement said China and Peru…", "The statement said China and Peru…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := escapeMarkdown(tt.in); got != tt.want {
				t.Errorf("escapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func hit(text string, bold ...string) bot.Hit {
	h := bot.Hit{Title: "Doc", Paragraph: 1, Text: text}
	for _, b := range bold {
		i := strings.Index(text, b)
		h.Spans = append(h.Spans, corpus.Span{Start: i, End: i + len(b)})
	}
	return h
}

func TestRenderPassageBoldsTheHighlight(t *testing.T) {
	tests := []struct {
		name string
		hit  bot.Hit
		want string
	}{
		{"middle sentence", hit("One. Two *x*. Three.", "Two *x*."), `One. **Two \*x\*.** Three.`},
		{"spaces stay outside the markers", hit("One. Two. Three.", " Two. "), "One. **Two.** Three."},
		{"first sentence at a line start", hit("# One. Two.", "# One."), `**\# One.** Two.`},
		{"no highlight", hit("One _two_."), `One \_two\_.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderPassage(tt.hit, maxDescription); got != tt.want {
				t.Errorf("renderPassage = %q, want %q", got, tt.want)
			}
		})
	}
}

// sentences is n numbered sentences, each ending in ". ".
func sentences(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Sentence number %04d says *something*. ", i)
	}
	return strings.TrimSpace(b.String())
}

func TestRenderEmbedsRespectsDiscordLimits(t *testing.T) {
	long := sentences(300) // ~12,000 bytes, ~16,000 escaped
	many := make([]bot.Hit, 12)
	for i := range many {
		many[i] = hit(sentences(80), fmt.Sprintf("Sentence number %04d says *something*.", 3))
		many[i].Title, many[i].Paragraph = fmt.Sprintf("Document %d", i), i+1
	}
	linked := make([]bot.Hit, 12)
	for i := range linked {
		linked[i] = many[i]
		linked[i].Title, linked[i].URL, linked[i].Section = strings.Repeat("*Title* ", 100), "https://example.org/doc", strings.Repeat("Section ", 100)
	}
	tests := []struct {
		name       string
		hits       []bot.Hit
		wantEmbeds int
	}{
		{"one long passage", []bot.Hit{hit(long, "Sentence number 0001 says *something*.")}, 1},
		{"one long passage all in bold", []bot.Hit{hit(long, long)}, 1},
		{"escaping doubles the length", []bot.Hit{hit(strings.Repeat("*_ ", 3000) + "end.")}, 1},
		{"more passages than embeds", many, maxEmbeds},
		{"a long citation", []bot.Hit{{Title: strings.Repeat("T", 5000), Text: long}}, 1},
		{"linked titles", linked, maxEmbeds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			embeds := renderEmbeds(tt.hits)
			if len(embeds) != tt.wantEmbeds {
				t.Fatalf("%d embeds, want %d", len(embeds), tt.wantEmbeds)
			}
			total := 0
			for i, e := range embeds {
				if len(e.Description) > maxDescription {
					t.Errorf("embed %d: description of %d bytes", i, len(e.Description))
				}
				if e.Footer == nil || len(e.Footer.Text) > maxFooter {
					t.Errorf("embed %d: footer %v", i, e.Footer)
				} else {
					total += len(e.Footer.Text)
				}
				if len(e.Title) > maxTitle {
					t.Errorf("embed %d: title of %d bytes", i, len(e.Title))
				}
				total += len(e.Title)
				total += len(e.Description)
				if !utf8.ValidString(e.Description) {
					t.Errorf("embed %d: description is not valid UTF-8", i)
				}
				if !strings.HasSuffix(e.Description, bot.Ellipsis) && !strings.HasSuffix(e.Description, bot.Ellipsis+"**") {
					t.Errorf("embed %d: cut description does not end with an ellipsis: …%q", i, tail(e.Description))
				}
				if strings.Count(e.Description, "**")%2 != 0 {
					t.Errorf("embed %d: unbalanced bold markers: …%q", i, tail(e.Description))
				}
				if strings.HasSuffix(strings.TrimSuffix(e.Description, "**"), `\ `+bot.Ellipsis) {
					t.Errorf("embed %d: cut in the middle of an escape: …%q", i, tail(e.Description))
				}
			}
			if total > maxEmbedTotal {
				t.Errorf("embeds total %d bytes, over %d", total, maxEmbedTotal)
			}
		})
	}
}

// TestRenderEmbedsLinkTheTitle: a passage from a document with a URL gets
// an embed whose title, the document's, links to it, and whose footer says
// where in it; without a URL, the footer is the whole citation.
func TestRenderEmbedsLinkTheTitle(t *testing.T) {
	h := hit("Ships may moor in the northern basin.")
	h.Title, h.Date, h.Section, h.Paragraph = "Harbour *treaty*", "May 1, 2024", "Article IV", 20
	tests := []struct {
		name                    string
		url                     string
		title, link, footerText string
	}{
		{"with a URL", "https://example.org/treaty?a=1&b=2", `Harbour \*treaty\*`, "https://example.org/treaty?a=1&b=2", "May 1, 2024 · Article IV · ¶20"},
		{"without", "", "", "", "Harbour *treaty* · May 1, 2024 · Article IV · ¶20"},
		{"not http", "javascript:alert(1)", "", "", "Harbour *treaty* · May 1, 2024 · Article IV · ¶20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.URL = tt.url
			e := renderEmbeds([]bot.Hit{h})[0]
			if e.Title != tt.title || e.URL != tt.link || e.Footer == nil || e.Footer.Text != tt.footerText {
				t.Errorf("title %q url %q footer %+v; want %q %q %q", e.Title, e.URL, e.Footer, tt.title, tt.link, tt.footerText)
			}
		})
	}
}

func TestRenderEmbedsCutsAtSentences(t *testing.T) {
	embeds := renderEmbeds([]bot.Hit{hit(sentences(300))})
	d := embeds[0].Description
	if !strings.HasSuffix(d, `says \*something\*. `+bot.Ellipsis) {
		t.Errorf("description does not end after a sentence: …%q", tail(d))
	}
	if len(d) < maxDescription/2 {
		t.Errorf("description of %d bytes: cut far too short", len(d))
	}
}

func TestShortRepliesRespectTheContentLimit(t *testing.T) {
	topics := make([]string, 400)
	for i := range topics {
		topics[i] = fmt.Sprintf("topic_%d", i)
	}
	tests := []struct {
		name        string
		reply       reply
		wantOutcome string
		wantPrefix  string
	}{
		{"not covered", render(bot.Reply{Kind: bot.KindNotCovered, Answer: bot.Answer{Topics: topics}}), "not_covered", `The documents do not cover that. They cover: topic\_0, topic\_1`},
		{"help", render(bot.Reply{Kind: bot.KindHelp, Usage: "/ask question:", Answer: bot.Answer{Topics: topics}}), "help", "Ask a question about the documents"},
		{"too long", render(bot.Reply{Kind: bot.KindTooLong}), "too_long", bot.TooLong},
		{"busy", render(bot.Reply{Kind: bot.KindBusy}), "busy", bot.Busy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.reply.outcome != tt.wantOutcome {
				t.Errorf("outcome %q, want %q", tt.reply.outcome, tt.wantOutcome)
			}
			if len(tt.reply.content) > maxContent || len(tt.reply.embeds) != 0 {
				t.Errorf("content of %d bytes and %d embeds", len(tt.reply.content), len(tt.reply.embeds))
			}
			if !strings.HasPrefix(tt.reply.content, tt.wantPrefix) {
				t.Errorf("content %q…, want it to start with %q", tt.reply.content[:min(80, len(tt.reply.content))], tt.wantPrefix)
			}
		})
	}
}

func TestFairShares(t *testing.T) {
	tests := []struct {
		name   string
		needs  []int
		budget int
		want   []int
	}{
		{"all fit", []int{100, 200}, 1000, []int{100, 200}},
		{"the long one takes what is left", []int{5000, 100}, 1000, []int{900, 100}},
		{"equal split", []int{600, 600, 600}, 1000, []int{333, 333, 333}},
		{"nothing to split", []int{10}, 0, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fairShares(tt.needs, tt.budget)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("fairShares(%v, %d) = %v, want %v", tt.needs, tt.budget, got, tt.want)
			}
		})
	}
}

func TestStripMention(t *testing.T) {
	tests := []struct {
		name, in      string
		want          string
		wantMentioned bool
	}{
		{"leading", "<@100> what about fisheries?", "what about fisheries?", true},
		{"nickname form", "<@!100>   fisheries?", "fisheries?", true},
		{"trailing", "fisheries? <@100>", "fisheries?", true},
		{"in the middle, twice", "what <@100> about <@!100> fisheries", "what about fisheries", true},
		{"bare", " <@100> ", "", true},
		{"another user", "<@1000> fisheries?", "<@1000> fisheries?", false},
		{"none", "fisheries?", "fisheries?", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, mentioned := stripMention(tt.in, "100")
			if got != tt.want || mentioned != tt.wantMentioned {
				t.Errorf("stripMention(%q) = %q, %v; want %q, %v", tt.in, got, mentioned, tt.want, tt.wantMentioned)
			}
		})
	}
}

func tail(s string) string { return s[max(0, len(s)-60):] }
