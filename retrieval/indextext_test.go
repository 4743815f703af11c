package retrieval

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestContextIsSearchedNotQuoted: a passage is found by the words of the
// question it answers or the heading above it (its Context), but only its
// own text is quoted, and the hit carries its section and the document's
// URL.
func TestContextIsSearchedNotQuoted(t *testing.T) {
	docs := mustDocs(t, map[string]string{
		"faq.txt": "Title: Savings accounts\nURL: https://example.org/savings\n\n" +
			"Saving helps families put money aside for later, and most banks help.\n" +
			"Frequently Asked Questions:\n" +
			"Is there a fee to close the account?\n" +
			"No. Closing it is free of charge at any branch, at any time of the year.\n" +
			"Who may open a savings account?\n" +
			"Any adult with an identity document may open one, and a parent may open one for a child.\n",
		"treaty.txt": "Title: Harbour treaty\n\nArticle IV\n\n" +
			"Ships of either party may moor in the northern basin without notice.\n\n" +
			"Article V\n\nThe parties shall share data on ship traffic every month.\n",
	})
	e := mustIndex(t, docs, Config{})
	tests := []struct {
		q, want, section, url string
	}{
		// "fee" is only in the question line: found through the Context.
		{q: "is there a fee for closing it?", want: "No. Closing it is free of charge", section: "Frequently Asked Questions", url: "https://example.org/savings"},
		{q: "who can open a savings account?", want: "Any adult with an identity document", section: "Frequently Asked Questions", url: "https://example.org/savings"},
		// "Article V" is only in the heading.
		{q: "what does Article V say?", want: "The parties shall share data", section: "Article V"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a := mustAnswer(t, e, tt.q, 3)
			if !a.Found || len(a.Passages) == 0 {
				t.Fatalf("not found: %+v", a)
			}
			h := a.Passages[0]
			if !strings.HasPrefix(h.Text, tt.want) {
				t.Fatalf("first passage %q, want the one starting %q", h.Text, tt.want)
			}
			if strings.Contains(h.Text, "?") || strings.Contains(h.Highlight, "?") || strings.HasPrefix(h.Text, "Article") {
				t.Errorf("the question or heading is quoted: text %q highlight %q", h.Text, h.Highlight)
			}
			if h.Section != tt.section || h.URL != tt.url {
				t.Errorf("section, URL = %q, %q; want %q, %q", h.Section, h.URL, tt.section, tt.url)
			}
			for _, s := range h.Spans {
				if s.End > len(h.Text) {
					t.Errorf("highlight span %v outside the text", s)
				}
			}
		})
	}
	t.Run("JSON", func(t *testing.T) {
		b, err := json.Marshal(mustAnswer(t, e, "who can open a savings account?", 1).Passages[0])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"section":"Frequently Asked Questions"`) || !strings.Contains(string(b), `"url":"https://example.org/savings"`) {
			t.Errorf("JSON %s lacks section or url", b)
		}
		b, _ = json.Marshal(Hit{ID: "x"})
		if strings.Contains(string(b), "section") || strings.Contains(string(b), "url") {
			t.Errorf("JSON %s of a hit without section and URL names them", b)
		}
	})
}
