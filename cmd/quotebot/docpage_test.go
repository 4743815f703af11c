package main

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/quotebot/quotebot/corpus"
)

// TestDocBlocks: the pieces of a split paragraph join again; a section's
// heading is shown where it starts; a context line is shown before its
// paragraph unless the page shows it already (as the heading, as a
// paragraph, or before the previous item of its list).
func TestDocBlocks(t *testing.T) {
	p := func(n int, section, context, text string) corpus.Passage {
		return corpus.Passage{Paragraph: n, Section: section, Context: context, Text: text}
	}
	tests := []struct {
		name string
		in   []corpus.Passage
		want []docBlock
	}{
		{"split paragraph", []corpus.Passage{p(1, "", "", "One."), p(1, "", "", "Two."), p(2, "", "", "Three.")},
			[]docBlock{{N: 1, Text: "One. Two."}, {N: 2, Text: "Three."}}},
		{"sections", []corpus.Passage{p(1, "", "", "Intro."), p(2, "Trade", "", "Tariffs."), p(3, "Trade", "", "Quotas."), p(4, "Fish", "", "Nets.")},
			[]docBlock{{N: 1, Text: "Intro."}, {Section: "Trade", N: 2, Text: "Tariffs."}, {N: 3, Text: "Quotas."}, {Section: "Fish", N: 4, Text: "Nets."}}},
		{"heading as context is the section", []corpus.Passage{p(2, "Article IV", "Article IV:", "Ships may moor.")},
			[]docBlock{{Section: "Article IV", N: 2, Text: "Ships may moor."}}},
		{"FAQ question", []corpus.Passage{p(1, "FAQ", "", "Read on."), p(3, "FAQ", "Who pays?", "The owner pays.")},
			[]docBlock{{Section: "FAQ", N: 1, Text: "Read on."}, {Context: "Who pays?", N: 3, Text: "The owner pays."}}},
		{"lead-in paragraph not repeated", []corpus.Passage{p(1, "", "", "The parties agree to:"), p(2, "", "The parties agree to:", "meet;"), p(3, "", "The parties agree to:", "talk.")},
			[]docBlock{{N: 1, Text: "The parties agree to:"}, {N: 2, Text: "meet;"}, {N: 3, Text: "talk."}}},
		{"question leading a list, once", []corpus.Passage{p(2, "", "What is covered?", "boats;"), p(3, "", "What is covered?", "nets.")},
			[]docBlock{{Context: "What is covered?", N: 2, Text: "boats;"}, {N: 3, Text: "nets."}}},
		{"no paragraph number", []corpus.Passage{p(0, "", "", "Loose."), p(0, "", "", "Text.")},
			[]docBlock{{Text: "Loose."}, {Text: "Text."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := docBlocks(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("docBlocks =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// TestDocPage serves documents with hostile text and ids that need escaping
// and checks GET /doc/{id}: every paragraph anchored p{n} (a split one
// whole, once), sections and FAQ questions before their paragraphs,
// everything escaped, 404 with the list of documents for an unknown id, and
// the page's citations linking to the anchors.
func TestDocPage(t *testing.T) {
	long := "Harbours hold ships of every size and flag. Moorings cost a fee each night. Pilots guide ships in at night."
	dir := writeCorpus(t, map[string]string{
		"fees.md": "---\ntitle: \"<script>alert(1)</script> Fees\"\nurl: https://example.org/fees\ndate: Mar 3, 2025\n---\n\n" +
			"# Parking\n\nThe council sets the fees each year. It publishes them in March.\n\n" +
			"How much is the parking fee?\n\nThe parking fee is two euros an hour. Residents pay half.\n\n" +
			"## Harbour\n\n" + long + "\n",
		"notes/a b #1.txt": "Title: Notes\n\nArticle IV\n\nShips may moor <img src=x onerror=alert(1)> here.\n\nThe end.\n",
	})
	s, _ := startGuardedServer(t, nil, httpTimeouts{}, engineConfig{Corpus: dir, MaxPassage: 60})
	base := "http://" + s.Addr()
	tests := []struct {
		name, path string
		code       int
		want       []string
		notWant    []string
	}{
		{"document", "/doc/fees", 200, []string{
			"<title>&lt;script&gt;alert(1)&lt;/script&gt; Fees — quotebot</title>",
			"<h1>&lt;script&gt;alert(1)&lt;/script&gt; Fees</h1>",
			`<p class="meta">Mar 3, 2025 · 6 passages · <a href="https://example.org/fees">source</a></p>`,
			"<h2>Parking</h2>\n<p id=\"p1\"><a class=\"n\" href=\"#p1\">¶1</a> The council sets the fees each year. It publishes them in March.</p>",
			"<p class=\"context\">How much is the parking fee?</p>\n<p id=\"p3\">",
			"<h2>Harbour</h2>\n<p id=\"p4\"><a class=\"n\" href=\"#p4\">¶4</a> " + long + "</p>",
		}, []string{"<script", `id="p2"`}},
		{"id with a folder, a space and #", "/doc/notes/a%20b%20%231", 200, []string{
			"<h2>Article IV</h2>\n<p id=\"p2\"><a class=\"n\" href=\"#p2\">¶2</a> Ships may moor &lt;img src=x onerror=alert(1)&gt; here.</p>",
			`<p id="p3">`,
		}, []string{"<img", `class="context"`}},
		{"unknown id", "/doc/%3Cscript%3Enope", 404, []string{
			"There is no document &#34;&lt;script&gt;nope&#34; here.", `<a href="/doc/fees">`, `<a href="/doc/notes/a%20b%20%231">Notes</a>`,
		}, []string{"<script"}},
		{"no id", "/doc/", 404, []string{"There is no document"}, nil},
		{"citation links to its paragraph", "/?q=" + "parking+fee+euros", 200, []string{`<a href="/doc/fees#p3">`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := fetch(t, "GET", base+tt.path, "", nil)
			if resp.StatusCode != tt.code {
				t.Fatalf("status %d, want %d:\n%s", resp.StatusCode, tt.code, body)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); csp != pageCSP {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			checkBody(t, body, tt.want, tt.notWant)
		})
	}
}

// TestPagesWhileLoading: before the index has loaded, the empty page still
// works and says the documents are loading; a document's page is 503 with
// Retry-After. An answerer set without an engine (as tests do) is not
// ready either, rather than a panic.
func TestPagesWhileLoading(t *testing.T) {
	loading := &server{engine: newLazyAnswerer(), logger: discardLogger()}
	empty := &server{engine: newLazyAnswerer(), logger: discardLogger()}
	empty.engine.set(nil, nil)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		path    string
		code    int
		say     string
		retry   bool
	}{
		{"page", loading.handlePage, "/", http.StatusOK, "still loading", false},
		{"document", loading.handleDoc, "/doc/fees", http.StatusServiceUnavailable, "still loading", true},
		{"page, no engine", empty.handlePage, "/", http.StatusOK, "the index is not ready", false},
		{"document, no engine", empty.handleDoc, "/doc/fees", http.StatusServiceUnavailable, "the index is not ready", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.handler(w, httptest.NewRequest("GET", tt.path, nil))
			if w.Code != tt.code || !strings.Contains(w.Body.String(), tt.say) {
				t.Errorf("%d %q, want %d saying %q", w.Code, w.Body.String(), tt.code, tt.say)
			}
			if got := w.Header().Get("Retry-After") != ""; got != tt.retry {
				t.Errorf("Retry-After set: %v, want %v", got, tt.retry)
			}
		})
	}
}
