package main

import (
	"strings"
	"testing"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/corpus"
	"github.com/quotebot/quotebot/retrieval"
)

// execPage renders pageTmpl with data.
func execPage(t *testing.T, data pageData) string {
	t.Helper()
	var b strings.Builder
	if err := pageTmpl.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkBody reports each of want that body lacks and each of notWant it
// has.
func checkBody(t *testing.T, body string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q:\n%s", w, body)
		}
	}
	for _, w := range notWant {
		if strings.Contains(body, w) {
			t.Errorf("body has %q:\n%s", w, body)
		}
	}
}

// answered is a reply quoting h.
func answered(q string, h bot.Hit) *bot.Reply {
	return &bot.Reply{Kind: bot.KindAnswered, Answer: bot.Answer{Question: q, Found: true, Passages: []bot.Hit{h}}}
}

// TestPageCitation: the page's citation names the section and links to the
// paragraph in the document's page, its id escaped; the document's URL is a
// second link, and html/template keeps anything but an http(s) URL out of
// its href.
func TestPageCitation(t *testing.T) {
	tests := []struct {
		name, doc, url, want string
	}{
		{"no URL", "treaty", "", `<cite><a href="/doc/treaty#p20">Treaty &lt;1959&gt; · May 1, 2024 · Article IV · ¶20</a></cite>`},
		{"URL", "treaty", "https://example.org/t?a=1&b=2", `<cite><a href="/doc/treaty#p20">Treaty &lt;1959&gt; · May 1, 2024 · Article IV · ¶20</a> · <a href="https://example.org/t?a=1&amp;b=2">source</a></cite>`},
		{"not http", "treaty", "javascript:alert(1)", `· <a href="#ZgotmplZ">source</a></cite>`},
		{"id in a subfolder, hostile", `laws/a b"><x#y?z`, "", `<cite><a href="/doc/laws/a%20b%22%3E%3Cx%23y%3Fz#p20">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := bot.Hit{Doc: tt.doc, Title: "Treaty <1959>", Date: "May 1, 2024", Section: "Article IV", Paragraph: 20, Text: "Ships may moor.", URL: tt.url}
			if page := execPage(t, pageData{Q: "moor", R: answered("moor", h)}); !strings.Contains(page, tt.want) {
				t.Errorf("page lacks %q:\n%s", tt.want, page)
			}
		})
	}
}

// TestPageParts: what a newcomer and a phone need of the page: a labelled
// input, <main>, a viewport, the question in the title; the empty page
// lists the documents and links each topic to a question about it; bold
// marks the answering sentence only within a longer passage.
func TestPageParts(t *testing.T) {
	long := "Ships may moor in any port. Aircraft may land. Fees are waived."
	multi := bot.Hit{Doc: "t", Title: "T", Paragraph: 3, Text: long, Spans: []corpus.Span{{Start: 28, End: 46}}}
	single := bot.Hit{Doc: "t", Title: "T", Paragraph: 4, Text: "Fees are waived.", Spans: []corpus.Span{{Start: 0, End: 16}}}
	lib := &shelf{
		Docs:   []retrieval.DocInfo{{ID: "minutes/2024 may", Title: "Minutes <May>", Date: "May 1, 2024", Passages: 12}, {ID: "notes", Passages: 1}},
		Topics: []string{"free trade", "fees & <tariffs>"},
	}
	tests := []struct {
		name    string
		data    pageData
		want    []string
		notWant []string
	}{
		{"empty page", pageData{Shelf: lib}, []string{
			`<label for="q">`, `<input type="text" id="q" name="q"`, "<main>", "</main>",
			`<meta name="viewport" content="width=device-width, initial-scale=1">`, "<title>quotebot</title>",
			`<li><a href="/doc/minutes/2024%20may">Minutes &lt;May&gt;</a> · May 1, 2024 · 12 passages</li>`,
			`<li><a href="/doc/notes">notes</a> · 1 passage</li>`,
			`<a href="/?q=free%20trade">free trade</a>`, `<a href="/?q=fees%20%26%20%3ctariffs%3e">fees &amp; &lt;tariffs&gt;</a>`,
		}, nil},
		{"loading", pageData{Err: "the index is not ready: it is still loading (request id x)"}, []string{"still loading"}, []string{"<h2>Documents"}},
		{"question in the title", pageData{Q: "what about <fees>?", R: answered("what about <fees>?", single)}, []string{"<title>what about &lt;fees&gt;? — quotebot</title>"}, []string{"<h2>Documents"}},
		{"long question cut in the title", pageData{Q: strings.Repeat("fees ", 100)}, []string{"<title>" + strings.Repeat("fees ", 15) + "…"}, nil},
		{"bold sentence of several", pageData{Q: "aircraft", R: answered("aircraft", multi)}, []string{"<blockquote>Ships may moor in any port. <b>Aircraft may land.</b> Fees are waived.</blockquote>"}, nil},
		{"one sentence not bold", pageData{Q: "fees", R: answered("fees", single)}, []string{"<blockquote>Fees are waived.</blockquote>"}, []string{"<b>"}},
		{"no empty text before the quotes", pageData{Q: "fees", R: answered("fees", single)}, nil, []string{"<p></p>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkBody(t, execPage(t, tt.data), tt.want, tt.notWant)
		})
	}
}
