package main

import (
	"strings"
	"testing"

	"github.com/quotebot/quotebot/bot"
)

// TestPageCitation: the page's citation names the section and links the
// title to the document's URL when it has one; html/template keeps anything
// but an http(s) URL out of the href.
func TestPageCitation(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"no URL", "", "<cite>Treaty &lt;1959&gt; · May 1, 2024 · Article IV · ¶20</cite>"},
		{"URL", "https://example.org/t?a=1&b=2", `<cite><a href="https://example.org/t?a=1&amp;b=2">Treaty &lt;1959&gt;</a> · May 1, 2024 · Article IV · ¶20</cite>`},
		{"not http", "javascript:alert(1)", `<cite><a href="#ZgotmplZ">Treaty &lt;1959&gt;</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := bot.Hit{Title: "Treaty <1959>", Date: "May 1, 2024", Section: "Article IV", Paragraph: 20, Text: "Ships may moor.", URL: tt.url}
			var b strings.Builder
			data := pageData{Q: "moor", R: &bot.Reply{Kind: bot.KindAnswered, Answer: bot.Answer{Found: true, Passages: []bot.Hit{h}}}}
			if err := pageTmpl.Execute(&b, data); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tt.want) {
				t.Errorf("page lacks %q:\n%s", tt.want, b.String())
			}
		})
	}
}
