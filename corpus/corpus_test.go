package corpus_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/quotebot/quotebot/corpus"
)

// readFixture returns the bytes of a file under testdata/.
func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// seedParagraphs returns the body lines of the seed statement: every line
// after the Title:/Date: header and the blank line that ends it.
func seedParagraphs(tb testing.TB) []string {
	tb.Helper()
	data, err := fs.ReadFile(corpus.Seed(), "china-peru-statement.txt")
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[0], "Title: ") || !strings.HasPrefix(lines[1], "Date: ") || lines[2] != "" {
		tb.Fatalf("seed statement does not start with Title:, Date: and a blank line: %q", lines[:min(3, len(lines))])
	}
	return lines[3:]
}

func texts(ps []corpus.Passage) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Text
	}
	return out
}

// checkDocument checks the invariants every parsed document keeps, whatever
// its input: each passage carries the document's ID, title, date and URL;
// paragraph numbers start at 1 or later and rise (a heading or question
// read with the next paragraph takes a number but yields no passage), and
// parts count from 1 within a paragraph; Text is non-empty, trimmed and has
// no runs of white space, and so are a Section and Context that are set;
// Sentences are valid spans of Text; no title, date, URL, Text, Section or
// Context holds a character forbidden reports; a URL is http(s). For plain
// text input (any name that is not .md or .html/.htm), each paragraph (its
// parts joined with single spaces) is also a verbatim substring of the body
// after the header, once escape sequences are removed and white space, line
// breaks included, is collapsed to single spaces; the paragraphs occur in
// order, and nothing of the body is lost: what stands between two of them,
// before the first or after the last is only what the next one has as its
// Context or Section (the heading or question read with it), or the title.
// A passage is longer than the limit of opts only when it is one sentence.
func checkDocument(tb testing.TB, name string, data []byte, opts corpus.Options, doc corpus.Document) {
	tb.Helper()
	if doc.Title == "" {
		tb.Errorf("%s: empty title", name)
	}
	var body string
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".html", ".htm":
	default:
		text := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(bytes.TrimPrefix(data, []byte("\uFEFF"))))
		// Controls go before the header is read, as in Parse: "DA\x14te:"
		// is a Date line.
		body = collapse(strings.Join(corpus.BodyLines(corpus.StripControls(text)), "\n"))
	}
	if i := strings.IndexFunc(doc.Title+doc.Date+doc.URL, forbidden); i >= 0 {
		tb.Errorf("%s: title %q, date %q or URL %q holds a control character", name, doc.Title, doc.Date, doc.URL)
	}
	if doc.URL != "" && !strings.HasPrefix(doc.URL, "http://") && !strings.HasPrefix(doc.URL, "https://") {
		tb.Errorf("%s: URL %q is not http(s)", name, doc.URL)
	}
	limit := opts.MaxPassageChars
	if limit <= 0 {
		limit = corpus.DefaultMaxPassageChars
	}
	para, part := 0, 0
	var whole []string         // the parts of the current paragraph
	var first corpus.Passage   // its first part
	var paras []corpus.Passage // per paragraph: its first part, with Text the parts joined
	checkWhole := func() {
		if len(whole) == 0 {
			return
		}
		p := first
		p.Text = strings.Join(whole, " ")
		if body != "" && !strings.Contains(body, p.Text) {
			tb.Errorf("%s: paragraph %d, %q, is not verbatim in the input", name, para, p.Text)
		}
		paras = append(paras, p)
	}
	for i, p := range doc.Passages {
		if p.Paragraph != para {
			checkWhole()
			whole, first = whole[:0], p
		}
		whole = append(whole, p.Text)
		if p.DocID != doc.ID || p.Title != doc.Title || p.Date != doc.Date || p.URL != doc.URL {
			tb.Errorf("%s: passage %d has doc %q/%q/%q/%q, want %q/%q/%q/%q", name, i, p.DocID, p.Title, p.Date, p.URL, doc.ID, doc.Title, doc.Date, doc.URL)
		}
		switch {
		case p.Paragraph == para && p.Part == part+1:
			if p.Section != first.Section || p.Context != first.Context {
				tb.Errorf("%s: passage %d, part %d, has section %q context %q; its first part %q %q", name, i, p.Part, p.Section, p.Context, first.Section, first.Context)
			}
		case p.Paragraph > para && p.Part == 1:
		default:
			tb.Errorf("%s: passage %d is paragraph %d part %d after paragraph %d part %d", name, i, p.Paragraph, p.Part, para, part)
		}
		para, part = p.Paragraph, p.Part
		if p.ID == "" {
			tb.Errorf("%s: passage %d has no ID", name, i)
		}
		if p.Text == "" {
			tb.Errorf("%s: passage %d has empty text", name, i)
		}
		for field, v := range map[string]string{"text": p.Text, "section": p.Section, "context": p.Context} {
			if c := collapse(v); c != v {
				tb.Errorf("%s: passage %d %s %q is not trimmed with single spaces", name, i, field, v)
			}
			if !utf8.ValidString(v) {
				tb.Errorf("%s: passage %d %s %q is not UTF-8", name, i, field, v)
			}
			if strings.ContainsFunc(v, forbidden) {
				tb.Errorf("%s: passage %d %s %q holds a control character", name, i, field, v)
			}
		}
		checkSpans(tb, p.Text, p.Sentences)
		if len(p.Text) > limit && len(p.Sentences) > 1 {
			tb.Errorf("%s: passage %d is %d bytes, over the limit %d, and has %d sentences", name, i, len(p.Text), limit, len(p.Sentences))
		}
		if body != "" && p.Context != "" && !strings.Contains(body, p.Context) {
			tb.Errorf("%s: passage %d context %q is not verbatim in the input", name, i, p.Context)
		}
	}
	checkWhole()
	if body != "" && len(paras) > 0 {
		budget := 10000
		if !tile(body, 0, paras, doc.Title, &budget) {
			tb.Errorf("%s: the body %.500q is not its paragraphs in order with only their headings, questions or the title between them", name, body)
		}
	}
}

// tile reports whether body[pos:] is paras in order, with nothing between
// them but what explained allows and nothing after the last. It tries each
// occurrence of a paragraph's text (a short one may also occur inside the
// heading before it), giving up after budget tries.
func tile(body string, pos int, paras []corpus.Passage, title string, budget *int) bool {
	if len(paras) == 0 {
		return strings.TrimSpace(body[pos:]) == ""
	}
	p := paras[0]
	for from := pos; *budget > 0; {
		k := strings.Index(body[from:], p.Text)
		if k < 0 {
			return false
		}
		*budget--
		i := from + k
		if explained(strings.TrimSpace(body[pos:i]), title, p) && tile(body, i+len(p.Text), paras[1:], title, budget) {
			return true
		}
		from = i + 1
	}
	return false
}

// explained reports whether gap, the text of a plain-text document between
// two paragraphs, is made only of what the second, p, is read with: its
// Context, the heading its Section comes from, or the title.
func explained(gap, title string, p corpus.Passage) bool {
	for gap != "" {
		n := len(gap)
		for _, s := range []string{p.Context, title, p.Section} {
			if s == "" || !strings.HasPrefix(gap, s) {
				continue
			}
			rest := gap[len(s):]
			if s == p.Section {
				rest = strings.TrimLeft(rest, ":.")
			}
			if rest == "" || rest[0] == ' ' {
				gap = strings.TrimSpace(rest)
				break
			}
		}
		if len(gap) == n {
			return false
		}
	}
	return true
}

// forbidden reports whether r is a character no title, date or passage may
// hold: a C0 or C1 control (tab and line feed included: passages are
// collapsed to single spaces), DEL, or a bidirectional embedding, override
// or isolate.
func forbidden(r rune) bool {
	return unicode.IsControl(r) || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// collapse trims s and turns each run of white space into one space, the
// way wrapped lines read when joined.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkSpans checks that spans lie within text, are ordered, do not
// overlap, start and end on non-space characters and together cover every
// non-space byte of text.
func checkSpans(tb testing.TB, text string, spans []corpus.Span) {
	tb.Helper()
	covered := make([]bool, len(text))
	prevEnd := 0
	for i, s := range spans {
		if s.Start < prevEnd || s.End <= s.Start || s.End > len(text) {
			tb.Errorf("span %d %v out of order or range (previous end %d, len %d) in %q", i, s, prevEnd, len(text), text)
			return
		}
		prevEnd = s.End
		if r, _ := utf8.DecodeRuneInString(text[s.Start:s.End]); unicode.IsSpace(r) {
			tb.Errorf("span %d %q starts with space", i, text[s.Start:s.End])
		}
		if r, _ := utf8.DecodeLastRuneInString(text[s.Start:s.End]); unicode.IsSpace(r) {
			tb.Errorf("span %d %q ends with space", i, text[s.Start:s.End])
		}
		if utf8.ValidString(text) && !utf8.ValidString(text[s.Start:s.End]) {
			tb.Errorf("span %d %v cuts a character of %q", i, s, text)
		}
		for j := s.Start; j < s.End; j++ {
			covered[j] = true
		}
	}
	for i, r := range text {
		if !unicode.IsSpace(r) && !covered[i] {
			tb.Errorf("byte %d (%q) of %q is in no sentence; spans %v", i, r, text, spans)
			return
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		file  string // under testdata/parse/, or "seed" for the seed statement
		id    string
		title string
		date  string
		want  []string // passage texts, one per paragraph, paragraphs 1..n
	}{
		{
			name:  "seed layout: one long paragraph per line, no blank lines",
			file:  "seed",
			id:    "china-peru-statement",
			title: "China, Peru to deepen comprehensive strategic partnership",
			date:  "Nov 15, 2024",
			want:  seedParagraphs(t),
		},
		{
			name:  "hard-wrapped paragraphs separated by blank lines",
			file:  "hard-wrapped.txt",
			id:    "hard-wrapped",
			title: "Hard-wrapped statement",
			date:  "Nov 16, 2024",
			want: []string{
				"China and Peru welcomed the signing of a protocol on upgrading the bilateral free trade agreement, and agreed to expand trade in goods and services on the basis of mutual benefit.",
				"The two countries will jointly explore new opportunities for cooperation under the framework of the Belt and Road Initiative.",
				"They are also ready to cooperate on large-scale infrastructure projects in accordance with their respective national laws.",
				"Both countries are ready to continue to actively promote the reform of the WTO, restore the normal functioning of the dispute settlement body. They also support the multilateral trading system centered on the WTO and oppose unilateralism and protectionism.",
			},
		},
		{
			name:  "one paragraph per line, all lines short",
			file:  "short-lines.txt",
			id:    "short-lines",
			title: "Short paragraphs, one per line",
			date:  "Nov 23, 2024",
			want: []string{
				"The minister arrived in Lima on Friday for a two-day visit to the country.",
				"He met the president and discussed trade, fisheries and mining projects.",
				"Both sides agreed to meet again next year in Beijing.",
				`The talks were described as "friendly."`,
			},
		},
		{
			name:  "two short lines: the next word would have fitted, so a paragraph break",
			file:  "two-lines.txt",
			id:    "two-lines",
			title: "A short paragraph, then one per line",
			want: []string{
				"A first paragraph that ends well short of the other line.",
				"The second paragraph is a longer line, which is the block's widest line.",
			},
		},
		{
			name:  "mix of one-per-line, hard-wrapped and list blocks",
			file:  "mixed.txt",
			id:    "mixed",
			title: "Mixed layout",
			date:  "Nov 17, 2024",
			want: []string{
				"The first block has one paragraph per line, like the seed statement: long lines and no blank lines between the paragraphs.",
				"Its second paragraph is also a long line that is well over one hundred and twenty characters wide, so it stands on its own.",
				"Then comes a hard-wrapped paragraph of ordinary width that was broken into several short lines by an editor and must be joined with single spaces into one passage.",
				"- A list item in a hard-wrapped block.",
				"- Another list item that wraps onto a second line.",
			},
		},
		{
			name:  "Windows line endings",
			file:  "crlf.txt",
			id:    "crlf",
			title: "Windows line endings",
			date:  "Nov 18, 2024",
			want: []string{
				"The first paragraph was wrapped with carriage returns.",
				"The second paragraph follows a blank line.",
			},
		},
		{
			name:  "byte order mark before the header",
			file:  "bom.txt",
			id:    "bom",
			title: "With a byte order mark",
			date:  "Nov 19, 2024",
			want:  []string{"The only paragraph."},
		},
		{
			name:  "Date: before Title:",
			file:  "date-first.txt",
			id:    "date-first",
			title: "Date before title",
			date:  "Nov 20, 2024",
			want:  []string{"The body paragraph."},
		},
		{
			name:  "lower-case title key and no Date:",
			file:  "no-date.txt",
			id:    "no-date",
			title: "Lower-case key and no date",
			want:  []string{"The body paragraph."},
		},
		{
			name:  "no header: title from the file name",
			file:  "no-header.txt",
			id:    "no-header",
			title: "no header",
			want:  []string{"A document with no header at all."},
		},
		{
			name:  "empty file",
			file:  "empty.txt",
			id:    "empty",
			title: "empty",
		},
		{
			name:  "only header lines",
			file:  "header-only.txt",
			id:    "header-only",
			title: "Only a header",
			date:  "Nov 21, 2024",
		},
		{
			// The fenced code block is left out (it was quoted as prose
			// before Markdown was read by goldmark).
			name:  "markdown with front matter, inline markup, lists, quotes, setext heading and code",
			file:  "front-matter.md",
			id:    "front-matter",
			title: "Front Matter Title",
			date:  "2024-11-15",
			want: []string{
				"Some emphasis, strong and underlined words, inline code, a link and an image here.",
				"Escaped *stars* stay, and one two are both emphasis.",
				"First item.",
				"Second item with bold.",
				"Third item.",
				"Numbered one.",
				"Numbered two.",
				"A quoted passage across two lines.",
				"A closing paragraph.",
			},
		},
		{
			name:  "markdown: front matter read as YAML: quotes, escapes, nested keys",
			file:  "front-matter-escapes.md",
			id:    "front-matter-escapes",
			title: "United States – Aotearoa New Zealand Joint Statement",
			date:  "2022-05-31",
			want:  []string{"First paragraph."},
		},
		{
			name:  "markdown: a leading thematic break is not front matter",
			file:  "thematic-break.md",
			id:    "thematic-break",
			title: "thematic break",
			want:  []string{"Intro paragraph after a rule.", "Second paragraph."},
		},
		{
			name:  "markdown: first heading is the title, headings are not paragraphs",
			file:  "heading-title.md",
			id:    "heading-title",
			title: "The First Heading, Styled",
			want: []string{
				"Intro before any heading is a paragraph.",
				"Body text under the heading.",
				"More body text.",
			},
		},
		{
			name:  "markdown: multi-line setext heading, rules after a list item and a quote, comments",
			file:  "blocks.md",
			id:    "blocks",
			title: "A setext heading on two lines",
			want: []string{
				"Intro paragraph.",
				"A list item",
				"A quote",
				"Text with inside.",
			},
		},
		{
			name:  "markdown: Title:/Date: header lines win over the heading",
			file:  "header-lines.md",
			id:    "header-lines",
			title: "Header Line Title",
			date:  "Nov 15, 2024",
			want:  []string{"The body."},
		},
		{
			name:  "html: title element, meta date, skipped script/style/nav, entities, br",
			file:  "page.html",
			id:    "page",
			title: "Joint & Statement",
			date:  "2024-11-15",
			want: []string{
				"First “quoted” paragraph with entities & inline markup.",
				"Line one line two.",
				"Item one.",
				"Item two.",
				"A quoted passage.",
				"Text directly in a div.",
			},
		},
		{
			name:  "html: h1 is the title without a title element, br in it, article:published_time",
			file:  "h1-title.html",
			id:    "h1-title",
			title: "The Real Title",
			date:  "2024-11-16T08:00:00Z",
			want:  []string{"Only paragraph."},
		},
		{
			name:  "html: a saved web page keeps only its main content, without chrome",
			file:  "site-page.html",
			id:    "site-page",
			title: "Joint Statement on Harbour Cooperation",
			date:  "2025-03-04",
			want:  []string{"The two ministers agreed to dredge the northern channel.", "They will share data on ship traffic."},
		},
		{
			name:  "html: without main, page header and footer are chrome, an article's are not",
			file:  "plain-page.html",
			id:    "plain-page",
			title: "Council minutes",
			want: []string{
				"Minutes of the meeting of 3 March 2025",
				"The council approved the library budget.",
				"Approved on 7 April 2025.",
				"The pool closes in May.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, data := tt.file, []byte(nil)
			if tt.file == "seed" {
				name = "china-peru-statement.txt"
				var err error
				if data, err = fs.ReadFile(corpus.Seed(), name); err != nil {
					t.Fatal(err)
				}
			} else {
				data = readFixture(t, path.Join("parse", tt.file))
			}
			doc, err := corpus.Parse(name, data, corpus.Options{})
			if err != nil {
				t.Fatalf("Parse(%s): %v", name, err)
			}
			if doc.ID != tt.id || doc.Title != tt.title || doc.Date != tt.date {
				t.Errorf("ID, Title, Date = %q, %q, %q; want %q, %q, %q", doc.ID, doc.Title, doc.Date, tt.id, tt.title, tt.date)
			}
			if got := texts(doc.Passages); !slices.Equal(got, tt.want) {
				t.Errorf("passages:\n got %q\nwant %q", got, tt.want)
			}
			for i, p := range doc.Passages {
				if p.Paragraph != i+1 || p.Part != 1 {
					t.Errorf("passage %d is paragraph %d part %d, want paragraph %d part 1", i, p.Paragraph, p.Part, i+1)
				}
			}
			checkDocument(t, name, data, corpus.Options{}, doc)
		})
	}
}

// TestParseRemovesControls: escape sequences, the bell, C1 controls and
// bidirectional overrides never reach a passage, title or date, whether the
// document holds them as bytes or spells them as HTML character references
// or YAML escapes; the visible text around them stays, and a form feed
// keeps words apart.
func TestParseRemovesControls(t *testing.T) {
	tests := []struct {
		name, file, data   string
		title, date, first string
	}{
		{
			name:  "text",
			file:  "a.txt",
			data:  "Title: \x1b]0;pwned\x07Minutes\x1b[0m\nDate: May\x00 1, 2024\n\nThe \x1b[31mred\x1b[0m line\x07 rang.\u009b2J Cleared\u202e.\fNext page.\x7f",
			title: "Minutes", date: "May 1, 2024",
			first: "The red line rang. Cleared. Next page.",
		},
		{
			name:  "markdown with front matter escapes",
			file:  "a.md",
			data:  "---\ntitle: \"Minutes\\e[31m\\a\"\ndate: \"May 1\\x9b\"\n---\n\n\x1b[1m**Bold**\x1b[0m and\u2066 isolated\u2069.\n",
			title: "Minutes", date: "May 1",
			first: "Bold and isolated.",
		},
		{
			name:  "html with character references",
			file:  "a.html",
			data:  "<title>Minutes&#27;[31m&#7;</title><p>The &#x1b;[31mred&#x1B;[0m line&#7; rang&#x8d;&#8238;.\x1b[2J</p>",
			title: "Minutes", date: "",
			first: "The red line rang.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := corpus.Parse(tt.file, []byte(tt.data), corpus.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tt.title || doc.Date != tt.date {
				t.Errorf("title, date = %q, %q; want %q, %q", doc.Title, doc.Date, tt.title, tt.date)
			}
			if len(doc.Passages) == 0 || doc.Passages[0].Text != tt.first {
				t.Fatalf("passages %q, want the first %q", texts(doc.Passages), tt.first)
			}
			checkDocument(t, tt.file, []byte(tt.data), corpus.Options{}, doc)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string // the name given to Parse
		data    []byte
		wantErr error
	}{
		{name: "latin-1 text", file: "notes/latin1.txt", data: readFixture(t, "parse/latin1.txt"), wantErr: corpus.ErrNotUTF8},
		{name: "invalid byte in markdown", file: "a.md", data: []byte("# Title\n\nbad \xff byte\n"), wantErr: corpus.ErrNotUTF8},
		{name: "truncated character in html", file: "page.html", data: []byte("<p>caf\xc3</p>"), wantErr: corpus.ErrNotUTF8},
		{name: "invalid byte order mark", file: "bom.txt", data: []byte("\xef\xbbTitle: x\n"), wantErr: corpus.ErrNotUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := corpus.Parse(tt.file, tt.data, corpus.Options{})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Parse(%s) error = %v, want %v", tt.file, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.file) {
				t.Errorf("error %q does not name the file %s", err, tt.file)
			}
			if len(doc.Passages) != 0 {
				t.Errorf("Parse returned %d passages with the error", len(doc.Passages))
			}
		})
	}
}

// errFS is a MapFS whose named files and folders fail to open or list with
// the given errors.
type errFS struct {
	fstest.MapFS
	errs map[string]error
}

func (f errFS) Open(name string) (fs.File, error) {
	if err := f.errs[name]; err != nil {
		return nil, &fs.PathError{Op: "open", Path: "/secret/root/" + name, Err: err}
	}
	return f.MapFS.Open(name)
}

func (f errFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.errs[name]; err != nil {
		return nil, &fs.PathError{Op: "readdirent", Path: "/secret/root/" + name, Err: err}
	}
	return f.MapFS.ReadDir(name)
}

// endlessFS holds one file, "grows.txt", whose Stat says it is small but
// which reads as an endless run of "a": a file that grew after Stat.
type endlessFS struct{}

func (endlessFS) Open(name string) (fs.File, error) {
	switch name {
	case ".":
		return fstest.MapFS{"grows.txt": {}}.Open(".")
	case "grows.txt":
		return endlessFile{}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

type endlessFile struct{}

func (endlessFile) Stat() (fs.FileInfo, error) {
	return fstest.MapFS{"grows.txt": {Data: []byte("a")}}.Stat("grows.txt")
}

func (endlessFile) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func (endlessFile) Close() error { return nil }

// hugeFS is a MapFS whose "huge.txt" says it is one byte over
// MaxDocumentBytes and fails the test if it is opened.
type hugeFS struct {
	fstest.MapFS
	tb testing.TB
}

func (f hugeFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := f.MapFS.Stat(name)
	if name == "huge.txt" && err == nil {
		return sizedInfo{fi, corpus.MaxDocumentBytes + 1}, nil
	}
	return fi, err
}

func (f hugeFS) Open(name string) (fs.File, error) {
	if name == "huge.txt" {
		f.tb.Errorf("a file over MaxDocumentBytes was opened")
	}
	return f.MapFS.Open(name)
}

type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (i sizedInfo) Size() int64 { return i.size }

func TestScan(t *testing.T) {
	para := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s + "\n")} }
	tests := []struct {
		name        string
		fsys        fs.FS
		wantIDs     []string         // document IDs in order
		wantSkipped map[string]error // path: the sentinel its reason wraps
		wantErr     error
	}{
		{
			name: "subfolders in lexical order, every extension",
			fsys: fstest.MapFS{
				"b.md":           para("# B\n\nBee."),
				"a.txt":          para("Ay."),
				"sub/c.html":     para("<p>Sea.</p>"),
				"sub/deep/d.htm": para("<p>Dee.</p>"),
				"sub/E.TXT":      para("Upper-case extension."),
			},
			wantIDs: []string{"a", "b", "sub/E", "sub/c", "sub/deep/d"},
		},
		{
			name: "hidden files and folders are passed over",
			fsys: fstest.MapFS{
				".hidden.txt":    para("Hidden."),
				".git/notes.txt": para("Hidden folder."),
				".git/notes.pdf": para("%PDF"),
				"sub/.draft.md":  para("Hidden draft."),
				"visible.txt":    para("Visible."),
			},
			wantIDs: []string{"visible"},
		},
		{
			name: "files that are not documents are passed over",
			fsys: fstest.MapFS{
				"notes.txt":  para("Notes."),
				"image.png":  para("\x89PNG\xff"),
				"data.json":  para(`{"a": 1}`),
				"README":     para("No extension."),
				"txt/a.docx": para("PK"),
			},
			wantIDs:     []string{"notes"},
			wantSkipped: map[string]error{"txt/a.docx": corpus.ErrUnsupportedFormat},
		},
		{
			name: "document formats quotebot cannot read are skipped",
			fsys: fstest.MapFS{
				"a.txt":          para("Ay."),
				"b.pdf":          para("%PDF-1.7"),
				"c/MINUTES.DOCX": para("PK"),
				"d.doc":          para("Word."),
				"e.odt":          para("PK"),
				"f.rtf":          para(`{\rtf1}`),
			},
			wantIDs: []string{"a"},
			wantSkipped: map[string]error{
				"b.pdf": corpus.ErrUnsupportedFormat, "c/MINUTES.DOCX": corpus.ErrUnsupportedFormat,
				"d.doc": corpus.ErrUnsupportedFormat, "e.odt": corpus.ErrUnsupportedFormat, "f.rtf": corpus.ErrUnsupportedFormat,
			},
		},
		{
			name: "a file not UTF-8 is skipped, the others load",
			fsys: fstest.MapFS{
				"good.txt":    para("Good."),
				"sub/bad.txt": para("Caf\xe9."),
				"sub/bad.md":  para("# T\n\nbad \xff byte"),
			},
			wantIDs:     []string{"good"},
			wantSkipped: map[string]error{"sub/bad.txt": corpus.ErrNotUTF8, "sub/bad.md": corpus.ErrNotUTF8},
		},
		{
			name: "documents without paragraphs are skipped",
			fsys: fstest.MapFS{
				"empty.txt":       {Data: nil},
				"header-only.txt": para("Title: Only a title\nDate: May 1, 2024"),
				"blank.html":      para("<html><body><nav>Menu</nav></body></html>"),
				"controls.md":     para("\x1b\x07\n\n\x00\u009b\u202e"),
				"full.txt":        para("A paragraph."),
			},
			wantIDs: []string{"full"},
			wantSkipped: map[string]error{
				"empty.txt": corpus.ErrEmpty, "header-only.txt": corpus.ErrEmpty,
				"blank.html": corpus.ErrEmpty, "controls.md": corpus.ErrEmpty,
			},
		},
		{
			name: "unreadable file and folder are skipped",
			fsys: errFS{
				MapFS: fstest.MapFS{
					"locked.txt":      para("Locked."),
					"open.txt":        para("Open."),
					"private/a.txt":   para("Private."),
					"private/b.txt":   para("Private too."),
					"public/open.txt": para("Public."),
				},
				errs: map[string]error{"locked.txt": fs.ErrPermission, "private": fs.ErrPermission},
			},
			wantIDs:     []string{"open", "public/open"},
			wantSkipped: map[string]error{"locked.txt": fs.ErrPermission, "private/": fs.ErrPermission},
		},
		{
			name:        "a file over MaxDocumentBytes is skipped without being read",
			fsys:        hugeFS{MapFS: fstest.MapFS{"huge.txt": para("Huge."), "small.txt": para("Small.")}, tb: t},
			wantIDs:     []string{"small"},
			wantSkipped: map[string]error{"huge.txt": corpus.ErrTooLarge},
		},
		{
			name:        "a file that grows past MaxDocumentBytes while read is skipped",
			fsys:        endlessFS{},
			wantSkipped: map[string]error{"grows.txt": corpus.ErrTooLarge},
			wantErr:     corpus.ErrNoDocuments,
		},
		{
			name:    "empty file system",
			fsys:    fstest.MapFS{},
			wantErr: corpus.ErrNoDocuments,
		},
		{
			name: "only hidden and unknown files",
			fsys: fstest.MapFS{
				".a.txt": para("Hidden."),
				"b.csv":  para("x,y"),
			},
			wantErr: corpus.ErrNoDocuments,
		},
		{
			name: "nothing readable: ErrNoDocuments, with what was skipped",
			fsys: fstest.MapFS{
				"a.pdf": para("%PDF"),
				"b.txt": para("Caf\xe9."),
			},
			wantSkipped: map[string]error{"a.pdf": corpus.ErrUnsupportedFormat, "b.txt": corpus.ErrNotUTF8},
			wantErr:     corpus.ErrNoDocuments,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := corpus.Scan(tt.fsys, corpus.Options{})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Scan error = %v, want %v", err, tt.wantErr)
			}
			var ids []string
			for _, d := range res.Docs {
				ids = append(ids, d.ID)
				if len(d.Passages) != 1 {
					t.Errorf("document %s has %d passages, want 1", d.ID, len(d.Passages))
				}
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("document IDs = %q, want %q", ids, tt.wantIDs)
			}
			got := map[string]bool{}
			for _, s := range res.Skipped {
				got[s.Path] = true
				want, ok := tt.wantSkipped[s.Path]
				if !ok {
					t.Errorf("skipped %s (%v), want it not skipped", s.Path, s.Err)
					continue
				}
				if !errors.Is(s.Err, want) {
					t.Errorf("skipped %s because %v, want %v", s.Path, s.Err, want)
				}
				if strings.Contains(s.Err.Error(), "/secret/root") {
					t.Errorf("reason %q names a path on the machine", s.Err)
				}
			}
			for p := range tt.wantSkipped {
				if !got[p] {
					t.Errorf("%s not skipped, want it skipped", p)
				}
			}
			if !slices.IsSortedFunc(res.Skipped, func(a, b corpus.Skipped) int { return strings.Compare(a.Path, b.Path) }) {
				t.Errorf("skipped not in order of path: %v", res.Skipped)
			}
		})
	}
}

// TestScanMissingFolder: a folder that is not there is an error, not an
// empty corpus.
func TestScanMissingFolder(t *testing.T) {
	_, err := corpus.Scan(os.DirFS(path.Join(t.TempDir(), "nope")), corpus.Options{})
	if err == nil || errors.Is(err, corpus.ErrNoDocuments) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Scan of a missing folder: error %v, want one wrapping fs.ErrNotExist", err)
	}
}

// TestScanSpecialFiles: a named pipe or a link to a folder with a document's
// name is skipped without being opened (opening a pipe blocks until a
// writer comes), and a link to a document is read.
func TestScanSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(path.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Skipf("named pipes unsupported here: %v", err)
	}
	mustWrite(t, path.Join(dir, "real", "doc.txt"), "A paragraph.\n")
	if err := os.Symlink("real", path.Join(dir, "folder.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(path.Join("real", "doc.txt"), path.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var (
		res corpus.Result
		err error
	)
	go func() {
		defer close(done)
		res, err = corpus.Scan(os.DirFS(dir), corpus.Options{})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Scan blocked on a named pipe")
	}
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range res.Docs {
		ids = append(ids, d.ID)
	}
	if want := []string{"link", "real/doc"}; !slices.Equal(ids, want) {
		t.Errorf("documents %q, want %q", ids, want)
	}
	if len(res.Skipped) != 2 || res.Skipped[0].Path != "folder.md" || res.Skipped[1].Path != "pipe.txt" ||
		!errors.Is(res.Skipped[0].Err, corpus.ErrNotRegular) || !errors.Is(res.Skipped[1].Err, corpus.ErrNotRegular) {
		t.Errorf("skipped %v, want folder.md and pipe.txt, not regular files", res.Skipped)
	}
}

func mustWrite(tb testing.TB, name, text string) {
	tb.Helper()
	if err := os.MkdirAll(path.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestSkippedString(t *testing.T) {
	s := corpus.Skipped{Path: "a\x1b[31m\x07b.txt", Err: corpus.ErrNotUTF8}
	if got, want := s.String(), "a?[31m?b.txt: not valid UTF-8 text"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// TestLoad: Load wants every document, so the first file Scan would skip
// is an error naming it.
func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr error
		file    string // the file the error names
	}{
		{name: "not UTF-8", fsys: fstest.MapFS{"good.txt": {Data: []byte("Good.")}, "sub/bad.txt": {Data: []byte("Caf\xe9.")}}, wantErr: corpus.ErrNotUTF8, file: "sub/bad.txt"},
		{name: "unsupported", fsys: fstest.MapFS{"good.txt": {Data: []byte("Good.")}, "minutes.pdf": {Data: []byte("%PDF")}}, wantErr: corpus.ErrUnsupportedFormat, file: "minutes.pdf"},
		{name: "empty", fsys: fstest.MapFS{"good.txt": {Data: []byte("Good.")}, "empty.md": {}}, wantErr: corpus.ErrEmpty, file: "empty.md"},
		{name: "nothing", fsys: fstest.MapFS{}, wantErr: corpus.ErrNoDocuments},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := corpus.Load(tt.fsys, corpus.Options{})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Load error = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.file) {
				t.Errorf("error %q does not name %s", err, tt.file)
			}
			if docs != nil {
				t.Errorf("Load returned %d documents with its error", len(docs))
			}
		})
	}
}

// TestReadFile: one document, read with the checks of Scan and an error
// that names it.
func TestReadFile(t *testing.T) {
	fsys := fstest.MapFS{"a.txt": {Data: []byte("Ay.")}, "empty.txt": {}, "bad.md": {Data: []byte("\xff")}}
	doc, err := corpus.ReadFile(fsys, "a.txt", corpus.Options{})
	if err != nil || doc.ID != "a" || len(doc.Passages) != 1 {
		t.Fatalf("ReadFile(a.txt) = %+v, %v", doc, err)
	}
	for name, want := range map[string]error{"empty.txt": corpus.ErrEmpty, "bad.md": corpus.ErrNotUTF8, "gone.txt": fs.ErrNotExist} {
		_, err := corpus.ReadFile(fsys, name, corpus.Options{})
		if !errors.Is(err, want) || !strings.Contains(err.Error(), name) {
			t.Errorf("ReadFile(%s) error = %v, want %v naming the file", name, err, want)
		}
	}
}

func TestSeed(t *testing.T) {
	docs, err := corpus.Load(corpus.Seed(), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("Seed holds %d documents, want 1", len(docs))
	}
	doc := docs[0]
	want := seedParagraphs(t)
	if got := texts(doc.Passages); !slices.Equal(got, want) {
		t.Errorf("seed passages:\n got %q\nwant %q", got, want)
	}
	if doc.ID != "china-peru-statement" || doc.Date != "Nov 15, 2024" {
		t.Errorf("seed ID, Date = %q, %q", doc.ID, doc.Date)
	}
	for i, p := range doc.Passages {
		if p.Paragraph != i+1 {
			t.Errorf("passage %d is paragraph %d", i, p.Paragraph)
		}
	}
	if len(doc.Passages) != 11 {
		t.Errorf("seed has %d passages, want 11", len(doc.Passages))
	}
}

// TestParseHTMLErrorSaysHTMLOnce checks that an HTML document the parser
// refuses (nesting deeper than it allows) is named once, with the parser's
// own "html:" reason and no second prefix.
func TestParseHTMLErrorSaysHTMLOnce(t *testing.T) {
	_, err := corpus.Parse("deep.html", []byte(strings.Repeat("<div>", 600)+"text"), corpus.Options{})
	if err == nil {
		t.Fatal("Parse accepted a document nested past the parser's limit")
	}
	if msg := err.Error(); !strings.Contains(msg, "deep.html") || strings.Count(msg, " html:") != 1 {
		t.Fatalf("error %q: want the file named and the \"html:\" prefix once", msg)
	}
}
