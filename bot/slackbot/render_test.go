package slackbot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/corpus"
)

// texts lists a message's section and context texts, failing the test for
// any text object that breaks Block Kit's limits.
func texts(t *testing.T, m message) (sections, contexts []string) {
	t.Helper()
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if err := b.Text.Validate(); err != nil {
				t.Errorf("section text: %v", err)
			}
			sections = append(sections, b.Text.Text)
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				tb := e.(*slack.TextBlockObject)
				if n := utf8.RuneCountInString(tb.Text); n > maxContextText {
					t.Errorf("context text has %d characters, over %d", n, maxContextText)
				}
				contexts = append(contexts, tb.Text)
			}
		}
	}
	return sections, contexts
}

func TestRenderAnswer(t *testing.T) {
	m := renderAnswer(bot.Answer{Found: true, Passages: []bot.Hit{fisheryHit}}, "", "")
	sections, contexts := texts(t, m)
	if len(sections) != 1 || len(contexts) != 1 {
		t.Fatalf("got %d sections and %d contexts, want 1 and 1", len(sections), len(contexts))
	}
	wantQuote := "> The two sides agreed to deepen cooperation. *The statement said China and Peru are willing to enhance " +
		"their cooperation on fishing, &lt;aquaculture&gt; &amp; marine science.*"
	if sections[0] != wantQuote {
		t.Errorf("quote:\n got %q\nwant %q", sections[0], wantQuote)
	}
	if want := "China, Peru to deepen comprehensive strategic partnership · Nov 15, 2024 · ¶7"; contexts[0] != want {
		t.Errorf("citation: got %q, want %q", contexts[0], want)
	}
	if !strings.Contains(m.Text, "&lt;aquaculture&gt; &amp;") || !strings.Contains(m.Text, "¶7") {
		t.Errorf("fallback text %q lacks the escaped highlight or the citation", m.Text)
	}
	for _, b := range m.Blocks {
		if _, ok := b.(*slack.ActionBlock); ok {
			t.Error("a share button without a question to share")
		}
	}
}

// TestRenderAnswerCitationLink: the citation names the section, and links
// the title to the document's URL when it has one, escaped so that nothing
// in the URL or title ends the link early.
func TestRenderAnswerCitationLink(t *testing.T) {
	tests := []struct {
		name, title, url, want string
	}{
		{"no URL", "Treaty <1959> & co", "", "Treaty &lt;1959&gt; &amp; co · Article IV · ¶20"},
		{"URL", "Treaty <1959> & co", "https://example.org/t?a=1&b=2|x>y", "<https://example.org/t?a=1&amp;b=2%7Cx%3Ey|Treaty &lt;1959&gt; &amp; co> · Article IV · ¶20"},
		{"not http", "Treaty", "javascript:alert(1)", "Treaty · Article IV · ¶20"},
		{"URL too long to link", "Treaty", "https://example.org/" + strings.Repeat("a", maxLinkURL), "Treaty · Article IV · ¶20"},
		{"long title cut inside the link", strings.Repeat("Title ", 500), "https://example.org/t", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := fisheryHit
			h.Title, h.Date, h.Section, h.Paragraph, h.URL = tt.title, "", "Article IV", 20, tt.url
			_, contexts := texts(t, renderAnswer(bot.Answer{Found: true, Passages: []bot.Hit{h}}, "", ""))
			if len(contexts) != 1 {
				t.Fatalf("%d contexts, want 1", len(contexts))
			}
			got := contexts[0]
			if tt.want != "" && got != tt.want {
				t.Errorf("citation %q, want %q", got, tt.want)
			}
			if tt.want == "" && (!strings.HasPrefix(got, "<"+tt.url+"|Title ") || !strings.HasSuffix(got, bot.Ellipsis+">")) {
				t.Errorf("citation %q: want the cut title inside the link", got)
			}
		})
	}
}

func TestRenderAnswerHeaderAndShareButton(t *testing.T) {
	m := renderAnswer(bot.Answer{Found: true, Passages: []bot.Hit{fisheryHit}}, "<@U1> asked: fish?", "fish?")
	sections, _ := texts(t, m)
	if sections[0] != "<@U1> asked: fish?" || !strings.HasPrefix(m.Text, "<@U1> asked: fish?\n") {
		t.Errorf("header: sections %q, text %q", sections, m.Text)
	}
	last, ok := m.Blocks[len(m.Blocks)-1].(*slack.ActionBlock)
	if !ok {
		t.Fatalf("last block is %T, want the share actions", m.Blocks[len(m.Blocks)-1])
	}
	button := last.Elements.ElementSet[0].(*slack.ButtonBlockElement)
	if button.ActionID != shareActionID || button.Value != "fish?" || button.Text.Text != "Share in channel" {
		t.Errorf("button = %+v", button)
	}
}

// TestRenderClosest: closest passages are quoted like an answer, after the
// line that says the documents do not say it in those words, which the
// notification text starts with too; under a share header, the header
// comes first.
func TestRenderClosest(t *testing.T) {
	r := bot.Reply{Kind: bot.KindClosest, Question: "fish?", Answer: bot.Answer{Closest: []bot.Hit{fisheryHit}}}
	lead := "The documents don't say that in those words. Closest passage:"
	tests := []struct {
		name, header, share string
		wantSections        []string // prefixes of the sections, in order
		wantButton          bool
	}{
		{"alone", "", "", []string{lead, "> The two sides agreed"}, false},
		{"with the share button", "", "fish?", []string{lead, "> The two sides agreed"}, true},
		{"shared", "<@U1> asked: fish?", "", []string{"<@U1> asked: fish?", lead, "> The two sides agreed"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := renderReply(r, tt.header, tt.share)
			sections, contexts := texts(t, m)
			if len(sections) != len(tt.wantSections) {
				t.Fatalf("sections %q, want %d", sections, len(tt.wantSections))
			}
			for i, want := range tt.wantSections {
				if !strings.HasPrefix(sections[i], want) {
					t.Errorf("section %d = %q, want it to start with %q", i, sections[i], want)
				}
			}
			if !strings.Contains(sections[len(sections)-1], "*The statement said") {
				t.Errorf("the quote lacks its bold highlight: %q", sections[len(sections)-1])
			}
			if len(contexts) != 1 || !strings.HasSuffix(contexts[0], "¶7") {
				t.Errorf("citations %q, want the passage's", contexts)
			}
			wantText := lead + "\n“The statement said"
			if tt.header != "" {
				wantText = tt.header + "\n" + wantText
			}
			if !strings.HasPrefix(m.Text, wantText) {
				t.Errorf("fallback %q, want it to start with %q", m.Text, wantText)
			}
			_, hasButton := m.Blocks[len(m.Blocks)-1].(*slack.ActionBlock)
			if hasButton != tt.wantButton {
				t.Errorf("share button = %v, want %v", hasButton, tt.wantButton)
			}
		})
	}
}

// TestRenderAnswerLimits renders passages that break Block Kit's limits in
// different ways and checks every message stays within them.
func TestRenderAnswerLimits(t *testing.T) {
	long := func(unit string, n int) bot.Hit {
		h := fisheryHit
		h.Text = strings.Repeat(unit, n)
		h.Spans = []corpus.Span{{Start: 0, End: len(h.Text) / 2}}
		return h
	}
	many := make([]bot.Hit, 40)
	for i := range many {
		many[i] = fisheryHit
	}
	tests := []struct {
		name     string
		hits     []bot.Hit
		share    string
		wantCut  bool // the quote ends with the ellipsis
		maxHits  int
		wantBold bool
	}{
		{name: "ascii sentences", hits: []bot.Hit{long("Fishing grew. ", 800)}, wantCut: true, maxHits: 1, wantBold: true},
		{name: "ampersands expand fivefold", hits: []bot.Hit{long("& ", 3000)}, wantCut: true, maxHits: 1, wantBold: true},
		{name: "non-ASCII counts characters", hits: []bot.Hit{long("漁業協力を強化する。 ", 700)}, wantCut: true, maxHits: 1, wantBold: true},
		{name: "many short lines", hits: []bot.Hit{long("a\n", 4000)}, wantCut: true, maxHits: 1, wantBold: true},
		{name: "no spaces at all", hits: []bot.Hit{long("x", 9000)}, wantCut: true, maxHits: 1, wantBold: true},
		{name: "forty passages", hits: many, maxHits: 25, wantBold: true},
		{name: "forty passages and a button", hits: many, share: "fish?", maxHits: 24, wantBold: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := renderAnswer(bot.Answer{Found: true, Passages: tc.hits}, "", tc.share)
			if len(m.Blocks) > maxBlocks {
				t.Errorf("%d blocks, over %d", len(m.Blocks), maxBlocks)
			}
			sections, contexts := texts(t, m)
			if len(sections) == 0 || len(sections) > tc.maxHits || len(contexts) != len(sections) {
				t.Errorf("%d quotes and %d citations for %d passages, want 1 to %d of each",
					len(sections), len(contexts), len(tc.hits), tc.maxHits)
			}
			if got := strings.HasSuffix(sections[0], bot.Ellipsis); got != tc.wantCut {
				t.Errorf("quote ends with ellipsis = %v, want %v (…%q)", got, tc.wantCut, tail(sections[0]))
			}
			if got := strings.Contains(sections[0], "*"); got != tc.wantBold {
				t.Errorf("quote has bold = %v, want %v", got, tc.wantBold)
			}
			if n := utf8.RuneCountInString(m.Text); n == 0 || n > 5*maxFallback {
				t.Errorf("fallback text has %d characters", n)
			}
			hasButton := m.Blocks[len(m.Blocks)-1].BlockType() == slack.MBTAction
			if hasButton != (tc.share != "") {
				t.Errorf("share button present = %v, want %v", hasButton, tc.share != "")
			}
		})
	}
}

func tail(s string) string {
	if len(s) < 40 {
		return s
	}
	return s[len(s)-40:]
}

func TestQuoteBoldAcrossLines(t *testing.T) {
	h := bot.Hit{Text: "One.\nTwo is <b>. Three.", Spans: []corpus.Span{{Start: 0, End: 16}}}
	want := "> *One.*\n> *Two is &lt;b&gt;.* Three."
	if got := quote(h); got != want {
		t.Errorf("quote = %q, want %q", got, want)
	}
}

func TestCutHitClipsSpans(t *testing.T) {
	h := bot.Hit{Text: "First sentence here. Second sentence is the answer. Third one.",
		Spans: []corpus.Span{{Start: 21, End: 51}, {Start: 52, End: 62}}}
	got := cutHit(h, 45)
	if got.Text != "First sentence here. Second sentence is …" {
		t.Errorf("text = %q", got.Text)
	}
	if len(got.Spans) != 1 || got.Spans[0] != (corpus.Span{Start: 21, End: 39}) {
		t.Errorf("spans = %v, want [{21 39}]", got.Spans)
	}
	if q := quote(got); q != "> First sentence here. *Second sentence is* …" {
		t.Errorf("quote = %q", q)
	}
}

func TestRenderTextLimits(t *testing.T) {
	m := renderText(escape(bot.NotCovered([]string{strings.Repeat("topic & more, ", 600)})))
	sections, _ := texts(t, m)
	if len(sections) != 1 || !strings.HasSuffix(sections[0], bot.Ellipsis) {
		t.Errorf("want one cut section, got %d", len(sections))
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"short", "what about fish?", 100, "what about fish?"},
		{"at a space", "what about fish and trade?", 20, "what about fish and"},
		{"inside a character", "漁業漁業", 7, "漁業"},
		{"no space in reach", "abcdefghij", 4, "abcd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := truncate(tc.in, tc.max); got != tc.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	in := `a & b < c > d &amp;`
	if got := escape(in); got != "a &amp; b &lt; c &gt; d &amp;amp;" {
		t.Errorf("escape = %q", got)
	}
	if got := unescape(escape(in)); got != in {
		t.Errorf("unescape(escape(x)) = %q, want %q", got, in)
	}
}
