package corpus_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quotebot/quotebot/corpus"
)

// cited is what TestStructure checks of a passage: "¶N [section] {context}
// text".
func cited(p corpus.Passage) string {
	return fmt.Sprintf("¶%d [%s] {%s} %s", p.Paragraph, p.Section, p.Context, p.Text)
}

// TestStructure: headings give passages their Section, and questions,
// short headings and the lines that introduce lists are read with what
// follows them (Context), in every format and layout.
func TestStructure(t *testing.T) {
	tests := []struct {
		name string
		file string // its extension chooses the format
		data string
		want []string // cited(p) of every passage
	}{
		{
			name: "text, one paragraph per line: an FAQ whose questions end in ?",
			file: "faq.txt",
			data: "Title: Savings accounts\n\n" +
				"Savings accounts help families put money aside for later, and most banks offer one.\n" +
				"Frequently Asked Questions:\n" +
				"What is a savings account?\n" +
				"A savings account is a bank account that pays interest on the money kept in it, month by month.\n" +
				"Who may open one? Can a child?\n" +
				"Any adult with an identity document may open one, and a parent may open one for a child.\n" +
				"Is there a fee for closing the account at any time of the year?\n",
			want: []string{
				"¶1 [] {} Savings accounts help families put money aside for later, and most banks offer one.",
				"¶4 [Frequently Asked Questions] {What is a savings account?} A savings account is a bank account that pays interest on the money kept in it, month by month.",
				"¶6 [Frequently Asked Questions] {Who may open one? Can a child?} Any adult with an identity document may open one, and a parent may open one for a child.",
				// The last question has no answer after it: it stays a passage.
				"¶7 [Frequently Asked Questions] {} Is there a fee for closing the account at any time of the year?",
			},
		},
		{
			name: "text, hard-wrapped: Q: and A: prefixes",
			file: "leave.txt",
			data: "Title: Leave\n\n" +
				"Q: How many days of leave do\nstaff get each year?\n\n" +
				"A: Staff get twenty-five days of\nleave a year, and public holidays.\n\n" +
				"Q: Can unused days be carried over\n\n" +
				"A: Up to five days may be carried\nover into January.\n",
			want: []string{
				"¶2 [] {Q: How many days of leave do staff get each year?} A: Staff get twenty-five days of leave a year, and public holidays.",
				"¶4 [] {Q: Can unused days be carried over} A: Up to five days may be carried over into January.",
			},
		},
		{
			name: "text: a rhetorical question stays in its paragraph; a question before a heading is a passage",
			file: "rhetoric.txt",
			data: "Why does this matter? Because trust is earned. It is earned slowly.\n\n" +
				"What comes next?\n\n" +
				"Article IV\n\n" +
				"The parties shall meet each year in the capital of one of them.\n\n" +
				"They shall report to the council.\n",
			want: []string{
				"¶1 [] {} Why does this matter? Because trust is earned. It is earned slowly.",
				"¶2 [] {} What comes next?",
				"¶4 [Article IV] {Article IV} The parties shall meet each year in the capital of one of them.",
				"¶5 [Article IV] {} They shall report to the council.",
			},
		},
		{
			name: "text: paragraphs that open with their own numbered labels are cited by them, not by the heading above",
			file: "charter.txt",
			data: "Preamble\n\n" +
				"Whereas the parties wish to work together in good faith.\n\n" +
				"Article 1. Every member may speak at the general assembly.\n\n" +
				"Its words are recorded in the minutes.\n\n" +
				"Article 2. The general assembly meets twice a year, in spring and in autumn.\n\n" +
				"Figure 3. shows the hall, which is the only label of its kind here.\n",
			want: []string{
				"¶2 [Preamble] {Preamble} Whereas the parties wish to work together in good faith.",
				"¶3 [Article 1] {} Article 1. Every member may speak at the general assembly.",
				"¶4 [Article 1] {} Its words are recorded in the minutes.",
				"¶5 [Article 2] {} Article 2. The general assembly meets twice a year, in spring and in autumn.",
				"¶6 [Article 2] {} Figure 3. shows the hall, which is the only label of its kind here.",
			},
		},
		{
			name: "text: numbered labels are headings; sentences, short list items and runs of short lines are not",
			file: "labels.txt",
			data: "Sec. 3. Definitions.\n\n" +
				"The term agency means any executive department of the government.\n\n" +
				"In 2024 prices rose.\n\n" +
				"Costs went up again in the second half of the year, for every kind of fruit.\n\n" +
				"Apples\n\nPears\n\nPlums\n\n" +
				"The fruit is sold at the market every week of the year.\n\n" +
				"1. Red.\n\n2. Green.\n\n" +
				"Both colours sell well at the market in the summer months.\n\n" +
				"Article 1. Every member may speak at the general assembly.\n\n" +
				"Article 2. The general assembly meets twice a year, in spring and in autumn.\n\n" +
				"IV. Trade.\n\n" +
				"Trade between the parties grew by a third over the last five years.\n",
			want: []string{
				`¶2 [Sec. 3. Definitions] {Sec. 3. Definitions.} The term agency means any executive department of the government.`,
				"¶3 [Sec. 3. Definitions] {} In 2024 prices rose.",
				"¶4 [Sec. 3. Definitions] {} Costs went up again in the second half of the year, for every kind of fruit.",
				"¶5 [Sec. 3. Definitions] {} Apples",
				"¶6 [Sec. 3. Definitions] {} Pears",
				"¶7 [Sec. 3. Definitions] {} Plums",
				"¶8 [Sec. 3. Definitions] {} The fruit is sold at the market every week of the year.",
				"¶9 [Sec. 3. Definitions] {} 1. Red.",
				"¶10 [Sec. 3. Definitions] {} 2. Green.",
				"¶11 [Sec. 3. Definitions] {} Both colours sell well at the market in the summer months.",
				"¶12 [Article 1] {} Article 1. Every member may speak at the general assembly.",
				"¶13 [Article 2] {} Article 2. The general assembly meets twice a year, in spring and in autumn.",
				"¶15 [IV. Trade] {IV. Trade.} Trade between the parties grew by a third over the last five years.",
			},
		},
		{
			name: "text: a list after a line ending in ':', a nested list after an unfinished sentence",
			file: "list.txt",
			data: "The parties agree to:\n\n" +
				"(a) exchange information; and\n\n" +
				"(b) meet every year, at a place chosen by\n\n" +
				"(i) a vote of all parties, or\n\n" +
				"(ii) lot.\n\n" +
				"(c) report to the council.\n\n" +
				"The council meets in June.\n",
			want: []string{
				"¶1 [] {} The parties agree to:",
				"¶2 [] {The parties agree to:} (a) exchange information; and",
				"¶3 [] {The parties agree to:} (b) meet every year, at a place chosen by",
				"¶4 [] {(b) meet every year, at a place chosen by} (i) a vote of all parties, or",
				"¶5 [] {(b) meet every year, at a place chosen by} (ii) lot.",
				"¶6 [] {The parties agree to:} (c) report to the council.",
				"¶7 [] {} The council meets in June.",
			},
		},
		{
			name: "text: lettered items (h), (i), (j) are letters, not Roman numerals",
			file: "letters.txt",
			data: "Each party shall:\n\n(h) report;\n\n(i) inspect;\n\n(j) publish.\n",
			want: []string{
				"¶1 [] {} Each party shall:",
				"¶2 [] {Each party shall:} (h) report;",
				"¶3 [] {Each party shall:} (i) inspect;",
				"¶4 [] {Each party shall:} (j) publish.",
			},
		},
		{
			name: "markdown: headings, an FAQ, lists, a table",
			file: "faq.md",
			data: "# Remote work\n\nIntro.\n\n## Eligibility\n\nStaff may work remotely.\n\nThe rules apply to:\n\n" +
				"- full-time staff;\n- part-time staff, and\n  1. their managers\n- interns.\n\n" +
				"| Feature | Status |\n| --- | --- |\n| Search | done |\n\n" +
				"### Can I work abroad?\n\nOnly with approval.\n\n" +
				"**Q: Who approves it?**\n\nA: HR does.\n",
			want: []string{
				"¶1 [] {} Intro.",
				"¶2 [Eligibility] {Eligibility} Staff may work remotely.",
				"¶3 [Eligibility] {} The rules apply to:",
				"¶4 [Eligibility] {The rules apply to:} full-time staff;",
				"¶5 [Eligibility] {The rules apply to:} part-time staff, and",
				"¶6 [Eligibility] {part-time staff, and} their managers",
				"¶7 [Eligibility] {The rules apply to:} interns.",
				"¶8 [Eligibility] {} Feature: Search; Status: done",
				"¶9 [Can I work abroad?] {Can I work abroad?} Only with approval.",
				"¶11 [Can I work abroad?] {Q: Who approves it?} A: HR does.",
			},
		},
		{
			name: "html: headings, nested lists, a data table, code left out, dt and dd",
			file: "page.html",
			data: `<html><head><title>Handbook</title></head><body><main><h1>Handbook</h1>
<h2>Leave</h2><p>Annual leave is 25 days.</p><p>You may carry over:</p>
<ul><li>five days<ul><li>into January</li></ul></li><li>nothing else</li></ul>
<h3>Sick leave</h3>
<table><thead><tr><th>Days</th><th>Pay</th></tr></thead><tbody><tr><td>1-5</td><td>full</td></tr><tr><td>6+</td><td>half</td></tr></tbody></table>
<pre><code>func main() {}</code></pre><pre>Plain preformatted text.</pre>
<dl><dt>What if I am sick on holiday?</dt><dd>The days are given back.</dd></dl></main></body></html>`,
			want: []string{
				"¶1 [Leave] {Leave} Annual leave is 25 days.",
				"¶2 [Leave] {} You may carry over:",
				"¶3 [Leave] {You may carry over:} five days",
				"¶4 [Leave] {five days} into January",
				"¶5 [Leave] {You may carry over:} nothing else",
				"¶6 [Sick leave] {Sick leave} Days: 1-5; Pay: full",
				"¶7 [Sick leave] {} Days: 6+; Pay: half",
				"¶8 [Sick leave] {} Plain preformatted text.",
				"¶10 [Sick leave] {What if I am sick on holiday?} The days are given back.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := corpus.Parse(tt.file, []byte(tt.data), corpus.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range doc.Passages {
				got = append(got, cited(p))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("passages:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
			}
			checkDocument(t, tt.file, []byte(tt.data), corpus.Options{}, doc)
		})
	}
}

// TestMarkdown: goldmark with GitHub's extensions reads Markdown; markup
// goes, the text stays, tables read as rows and code stays out.
func TestMarkdown(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string // passage texts
	}{
		{
			name: "a table: one passage per row, cells after their headers",
			data: "| Feature | Status | Notes |\n| --- | :-: | --- |\n| Search | done | |\n| *Export* | ~~planned~~ started | `csv` |\n|  | blank | x \\| y |\n",
			want: []string{"Feature: Search; Status: done", "Feature: Export; Status: planned started; Notes: csv", "Status: blank; Notes: x | y"},
		},
		{
			name: "fenced and indented code blocks are left out",
			data: "Before.\n\n```go\nx := a*b\n```\n\n~~~\nmore code\n~~~\n\n    indented code\n\nAfter.\n",
			want: []string{"Before.", "After."},
		},
		{
			name: "inline markup: links keep their text, autolinks their address, images and raw HTML go",
			data: "See [the guide](https://example.com/g \"t\") and https://example.org, <https://example.net>, <a@b.org>.\n\n" +
				"An ![logo](x.png) image, <span>tags</span>, ~~struck~~ words, `a*b*c` and [a reference][r].\n\n" +
				"[r]: https://example.com/r\n",
			want: []string{
				"See the guide and https://example.org, https://example.net, a@b.org.",
				"An image, tags, struck words, a*b*c and a reference.",
			},
		},
		{
			name: "task list items keep their text",
			data: "- [x] done task\n- [ ] open task\n",
			want: []string{"done task", "open task"},
		},
		{
			name: "escapes and character references",
			data: "\\*not emphasis\\*, \\_ and \\\\ &amp; &copy; &#8212; &#x41; \\&amp;\n",
			want: []string{"*not emphasis*, _ and \\ & © — A &amp;"},
		},
		{
			name: "an HTML block keeps its text, not its comments or scripts",
			data: "<div>\n<p>Inside <b>HTML</b>.</p>\n<script>alert(1)</script>\n</div>\n\n<!-- a comment -->\n\nAfter.\n",
			want: []string{"Inside HTML.", "After."},
		},
		{
			name: "one long paragraph per line splits as plain text does",
			data: "This line is one paragraph of its own, long enough that no editor would have wrapped it at this width, surely, not even one.\n" +
				"And this second line is another paragraph that is also long enough to stand on its own when the lines are read.\n",
			want: []string{
				"This line is one paragraph of its own, long enough that no editor would have wrapped it at this width, surely, not even one.",
				"And this second line is another paragraph that is also long enough to stand on its own when the lines are read.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := corpus.Parse("doc.md", []byte(tt.data), corpus.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := texts(doc.Passages); !slices.Equal(got, tt.want) {
				t.Errorf("passages:\n got %q\nwant %q", got, tt.want)
			}
			checkDocument(t, "doc.md", []byte(tt.data), corpus.Options{}, doc)
		})
	}
}

// TestHTMLTables: a table of text is read row by row, each cell after its
// header; a layout table, whose cells hold paragraphs, cell by cell.
func TestHTMLTables(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{
			name: "header row of th cells",
			data: "<table><tr><th>Feature</th><th>Status</th></tr><tr><td>Search</td><td>done</td></tr><tr><td>Export</td><td></td></tr></table>",
			want: []string{"Feature: Search; Status: done", "Feature: Export"},
		},
		{
			name: "row headers without a header row",
			data: "<table><tr><th>Search</th><td>done</td><td>2024</td></tr><tr><th>Export</th><td>planned</td></tr></table>",
			want: []string{"Search: done; 2024", "Export: planned"},
		},
		{
			name: "a layout table: a paragraph per cell",
			data: "<table><tr><td><p>First column text.</p></td><td><p>Second column text.</p></td></tr></table>",
			want: []string{"First column text.", "Second column text."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := corpus.Parse("t.html", []byte(tt.data), corpus.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := texts(doc.Passages); !slices.Equal(got, tt.want) {
				t.Errorf("passages:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestDocumentURL: a document's URL comes from its front matter, its head
// or a URL: header line, and only an http(s) URL is kept.
func TestDocumentURL(t *testing.T) {
	tests := []struct {
		name, file, data, want string
	}{
		{name: "front matter url", file: "a.md", data: "---\ntitle: T\nurl: https://example.org/a\n---\n\nBody.\n", want: "https://example.org/a"},
		{name: "front matter canonical", file: "a.md", data: "---\ncanonical: http://example.org/c\n---\n\nBody.\n", want: "http://example.org/c"},
		{name: "front matter source, url wins", file: "a.md", data: "---\nsource: https://example.org/s\nURL: https://example.org/u\n---\n\nBody.\n", want: "https://example.org/u"},
		{name: "front matter url not http: source instead", file: "a.md", data: "---\nurl: javascript:alert(1)\nsource: https://example.org/s\n---\n\nBody.\n", want: "https://example.org/s"},
		{name: "markdown URL: header line", file: "a.md", data: "Title: T\nURL: https://example.org/h\n\nBody.\n", want: "https://example.org/h"},
		{name: "text URL: header line", file: "a.txt", data: "Title: T\nDate: May 1, 2024\nURL: https://example.org/t?x=1#p2\n\nBody.\n", want: "https://example.org/t?x=1#p2"},
		{name: "text url: header line that is not a URL is dropped", file: "a.txt", data: "Title: T\nurl: see below\n\nBody.\n", want: ""},
		{name: "html canonical wins over og:url", file: "a.html", data: `<head><meta property="og:url" content="https://example.org/og"><link rel="canonical" href="https://example.org/canon"></head><p>Body.</p>`, want: "https://example.org/canon"},
		{name: "html og:url", file: "a.html", data: `<head><meta property="og:url" content="https://example.org/og"></head><p>Body.</p>`, want: "https://example.org/og"},
		{name: "html relative canonical falls back to og:url", file: "a.html", data: `<head><link rel="canonical" href="/news/a"><meta property="og:url" content="https://example.org/og"></head><p>Body.</p>`, want: "https://example.org/og"},
		{name: "user information is refused", file: "a.txt", data: "URL: https://user:secret@example.org/\n\nBody.\n", want: ""},
		{name: "ftp is refused", file: "a.txt", data: "URL: ftp://example.org/file\n\nBody.\n", want: ""},
		{name: "data URL is refused", file: "a.html", data: `<head><link rel="canonical" href="data:text/html,hi"></head><p>Body.</p>`, want: ""},
		{name: "a URL with a space is refused", file: "a.txt", data: "URL: https://example.org/a b\n\nBody.\n", want: ""},
		{name: "no URL", file: "a.txt", data: "Body.\n", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := corpus.Parse(tt.file, []byte(tt.data), corpus.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.URL != tt.want {
				t.Errorf("URL = %q, want %q", doc.URL, tt.want)
			}
			if len(doc.Passages) != 1 || doc.Passages[0].Text != "Body." || doc.Passages[0].URL != tt.want {
				t.Errorf("passages %+v, want one, Body., with the URL", doc.Passages)
			}
		})
	}
}
