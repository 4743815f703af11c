package main

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/corpus"
	"github.com/quotebot/quotebot/retrieval"
)

// library is what the page and /doc/{id} show of the engine besides its
// answers: the documents it holds, one of them whole, and what they cover.
// *retrieval.Engine is one.
type library interface {
	Documents() []retrieval.DocInfo
	Document(id string) (retrieval.Doc, bool)
	Topics() []string
}

// library is the loaded engine's documents, or, while the index loads or
// when it failed to, why not (errLoading, or the load error).
func (l *lazyAnswerer) library() (library, error) {
	if err := l.ready(); err != nil {
		return nil, err
	}
	eng := l.current().eng
	if eng == nil {
		return nil, errNoEngine
	}
	return eng, nil
}

// errNoEngine is library's error for an answerer set without an engine
// and without an error (tests do that), rather than a nil *retrieval.Engine
// in a non-nil interface.
var errNoEngine = errors.New("the index loaded no engine")

// shelf is what the page shows before a question: the documents loaded and
// their topics, each topic a link that asks about it.
type shelf struct {
	Docs   []retrieval.DocInfo
	Topics []string
}

func shelfOf(lib library) *shelf {
	return &shelf{Docs: lib.Documents(), Topics: lib.Topics()}
}

// shelf is the page's list of documents, or, while the index cannot
// answer, the message that says so.
func (s *server) shelf(r *http.Request) (*shelf, string) {
	lib, err := s.engine.library()
	if err != nil {
		return nil, s.notReady(r, err)
	}
	return shelfOf(lib), ""
}

// maxIDShown is how many bytes of an unknown document id the 404 page
// repeats.
const maxIDShown = 100

// handleDoc serves GET /doc/{id}: the whole document, each paragraph
// anchored p{n} so a citation's link (docLink) scrolls to it and CSS marks
// it (:target). An unknown id gets 404 with the list of documents; while
// the index loads, 503.
func (s *server) handleDoc(w http.ResponseWriter, r *http.Request) {
	lib, err := s.engine.library()
	if err != nil {
		if errors.Is(err, errLoading) {
			w.Header().Set("Retry-After", strconv.Itoa(httpRetryAfter))
		}
		renderPage(w, http.StatusServiceUnavailable, pageData{Err: s.notReady(r, err)})
		return
	}
	id := r.PathValue("id")
	d, ok := lib.Document(id)
	if !ok {
		msg := fmt.Sprintf("There is no document %q here. These are the documents loaded:", bot.Cut(id, maxIDShown))
		renderPage(w, http.StatusNotFound, pageData{Err: msg, Shelf: shelfOf(lib)})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	docTmpl.Execute(w, docView{DocInfo: d.DocInfo, Blocks: docBlocks(d.Passages)})
}

// docView is what docTmpl shows: the document's title, date and source, and
// its paragraphs.
type docView struct {
	retrieval.DocInfo
	Blocks []docBlock
}

// docBlock is one paragraph of a document as /doc/{id} shows it, with what
// goes before it.
type docBlock struct {
	// Section is the heading to show before the paragraph: set where the
	// section changes.
	Section string
	// Context is the line a reader needs before the paragraph (an FAQ
	// question, a heading, a list's lead-in; corpus.Passage.Context), set
	// unless the page shows it already (as a heading, a paragraph, or
	// before the previous item of the same list).
	Context string
	// N is the paragraph's number (corpus.Passage.Paragraph), its anchor
	// p{N}; 0 gives it no anchor.
	N int
	// Text is the paragraph, its pieces joined when it was split.
	Text string
}

// docBlocks turns a document's passages into the paragraphs /doc/{id}
// shows: the pieces of a split paragraph join again, and each section
// heading and context line is shown once, where it first applies.
func docBlocks(ps []corpus.Passage) []docBlock {
	// key compares lines as a reader would: a heading "Article IV:" is the
	// section "Article IV".
	key := func(s string) string { return strings.TrimRight(strings.TrimSpace(s), ":.") }
	shown := map[string]bool{}
	var (
		out     []docBlock
		section string
	)
	for _, p := range ps {
		if n := len(out); n > 0 && p.Paragraph > 0 && out[n-1].N == p.Paragraph {
			out[n-1].Text += " " + p.Text
			continue
		}
		b := docBlock{N: p.Paragraph, Text: p.Text}
		if p.Section != section {
			section, b.Section = p.Section, p.Section
			shown[key(p.Section)] = true
		}
		if c := key(p.Context); c != "" && !shown[c] {
			b.Context = p.Context
			shown[c] = true
		}
		shown[key(p.Text)] = true
		out = append(out, b)
	}
	return out
}

// docHref is the path of document id's page: /doc/ and the id, each of its
// segments escaped (an id is a path in the corpus folder).
func docHref(id string) string {
	segs := strings.Split(id, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/doc/" + strings.Join(segs, "/")
}

// docLink is where a citation of h links: its paragraph in the page of its
// document, /doc/{id}#p{n}.
func docLink(h bot.Hit) string {
	if h.Paragraph <= 0 {
		return docHref(h.Doc)
	}
	return docHref(h.Doc) + "#p" + strconv.Itoa(h.Paragraph)
}

// countPassages says how many passages a document has: "1 passage",
// "12 passages".
func countPassages(n int) string {
	if n == 1 {
		return "1 passage"
	}
	return strconv.Itoa(n) + " passages"
}

// docTmpl is the page of one document: its title, date and source, then
// every paragraph with its number, under its section headings, each FAQ
// question or list lead-in before the paragraph it belongs to. The
// paragraph a citation links to is the :target that pageStyle marks.
var docTmpl = template.Must(template.New("doc").Funcs(pageFuncs).Parse(`<!doctype html>
<html lang="en"><head>` + pageHead + `<title>{{or .Title .ID}} — quotebot</title>
<style>` + pageStyle + `</style></head><body>
<main>
<p class="back"><a href="/">quotebot</a></p>
<article>
<h1>{{or .Title .ID}}</h1>
<p class="meta">{{with .Date}}{{.}} · {{end}}{{passages .Passages}}{{with .URL}} · <a href="{{.}}">source</a>{{end}}</p>
{{range .Blocks}}{{with .Section}}<h2>{{.}}</h2>
{{end}}{{with .Context}}<p class="context">{{.}}</p>
{{end}}{{if .N}}<p id="p{{.N}}"><a class="n" href="#p{{.N}}">¶{{.N}}</a> {{.Text}}</p>{{else}}<p>{{.Text}}</p>{{end}}
{{end}}</article>
</main>
</body></html>`))
