package corpus

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	gmtext "github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"
	"golang.org/x/net/html"
)

// parseMarkdown returns the blocks of a Markdown document, read by goldmark
// with GitHub's extensions (tables, strikethrough, autolinks, task lists),
// and its header: YAML front matter, then "Title:", "Date:" and "URL:"
// lines, then the first heading for a title. What becomes of each element:
//
//   - Headings are headings (the structure pass makes them sections).
//   - Paragraphs, list items and block quotes are paragraphs, their inline
//     markup removed: emphasis, strong, strikethrough and code spans keep
//     their text, links their text, autolinks their address; images, raw
//     HTML and task list boxes go. Backslash escapes and character
//     references are read ("\*" is "*", "&amp;" is "&"). Lines of one
//     paragraph split as plain text does (splitBlock), so a file of one
//     long paragraph per line reads as it would as .txt.
//   - Each list item is a paragraph of its own, an item of its list.
//   - A table becomes one paragraph per body row, each cell after its
//     column's header: "Feature: Search; Status: done" (see tableRow).
//   - Code blocks (fenced or indented) are left out: code is not an answer
//     to a question asked in words, and quoting it as prose would garble it.
//   - An HTML block keeps its text, without tags, comments or scripts.
func parseMarkdown(text string) (blocks []block, h header) {
	lines := strings.Split(text, "\n")
	lines = frontMatter(lines, &h)
	h2, lines := readHeader(lines)
	if h.title == "" {
		h.title = h2.title
	}
	if h.date == "" {
		h.date = h2.date
	}
	if h.url == "" {
		h.url = h2.url
	}
	src := []byte(strings.Join(lines, "\n"))
	w := &mdWalker{src: src}
	if !w.parse() {
		// goldmark panicked: read the document as plain text rather than
		// lose it or the whole load.
		return textBlocks(splitParagraphs(lines)), h
	}
	if h.title == "" {
		h.title = w.firstHeading
	}
	return w.blocks, h
}

// mdWalker collects the blocks of a goldmark tree.
type mdWalker struct {
	src          []byte
	blocks       []block
	firstHeading string
	tables       int
}

// parse parses w.src and walks it; it reports false when goldmark panics.
func (w *mdWalker) parse() (ok bool) {
	defer func() {
		if recover() != nil {
			w.blocks, ok = nil, false
		}
	}()
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	w.walk(md.Parser().Parse(gmtext.NewReader(w.src)), "")
	return true
}

// walk adds the blocks under n; list is the key of the list item n is in
// ("" outside lists).
func (w *mdWalker) walk(n ast.Node, list string) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Heading:
			t := collapseSpace(w.inline(c))
			if w.firstHeading == "" {
				w.firstHeading = t
			}
			w.blocks = append(w.blocks, block{kind: blockHeading, text: t})
		case *ast.Paragraph, *ast.TextBlock:
			kind := blockPara
			if list != "" {
				kind = blockItem
			}
			var lines []string
			for _, l := range strings.Split(w.inline(c), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					lines = append(lines, l)
				}
			}
			for _, p := range splitBlock(lines) {
				w.blocks = append(w.blocks, block{kind: kind, text: p, list: list})
			}
		case *ast.List:
			key := cmp.Or(list, "md") + ">"
			start := len(w.blocks)
			for item := c.FirstChild(); item != nil; item = item.NextSibling() {
				w.walk(item, key)
			}
			markFirst(w.blocks[start:], key)
		case *ast.FencedCodeBlock, *ast.CodeBlock:
		case *ast.HTMLBlock:
			var b strings.Builder
			for i := 0; i < c.Lines().Len(); i++ {
				seg := c.Lines().At(i)
				b.Write(seg.Value(w.src))
			}
			if c.HasClosure() {
				b.Write(c.ClosureLine.Value(w.src))
			}
			if t := htmlText(b.String()); t != "" {
				w.blocks = append(w.blocks, block{kind: blockPara, text: t})
			}
		case *east.Table:
			w.table(c, list)
		default:
			w.walk(c, list)
		}
	}
}

// table adds one block per body row of a GFM table, in the list item
// whose key is list.
func (w *mdWalker) table(t *east.Table, list string) {
	w.tables++
	key := fmt.Sprintf("%s>t%d", cmp.Or(list, "md"), w.tables)
	start := len(w.blocks)
	defer func() { markFirst(w.blocks[start:], key) }()
	var header []string
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, collapseSpace(w.inline(c)))
		}
		if _, ok := r.(*east.TableHeader); ok {
			header = cells
			continue
		}
		if row := tableRow(header, cells, false); row != "" {
			w.blocks = append(w.blocks, block{kind: blockItem, text: row, list: key})
		}
	}
}

// inline is the text of n's inline content, markup removed (see
// parseMarkdown), with its line breaks as "\n".
func (w *mdWalker) inline(n ast.Node) string {
	var b strings.Builder
	w.writeInline(&b, n)
	return b.String()
}

func (w *mdWalker) writeInline(b *strings.Builder, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			if c.IsRaw() {
				b.Write(c.Segment.Value(w.src))
			} else {
				b.WriteString(unescapeMarkdown(c.Segment.Value(w.src)))
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			if c.IsCode() || c.IsRaw() {
				b.Write(c.Value)
			} else {
				b.WriteString(unescapeMarkdown(c.Value))
			}
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if t, ok := t.(*ast.Text); ok {
					b.Write(bytes.ReplaceAll(t.Segment.Value(w.src), []byte("\n"), []byte(" ")))
				}
			}
		case *ast.AutoLink:
			b.Write(c.Label(w.src))
		case *ast.Image, *ast.RawHTML, *east.TaskCheckBox:
		default:
			w.writeInline(b, c)
		}
	}
}

// unescapeMarkdown reads backslash escapes and character references as
// goldmark's HTML renderer does, then turns the HTML it wrote back into
// text.
func unescapeMarkdown(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	gmhtml.DefaultWriter.Write(bw, v)
	bw.Flush()
	return html.UnescapeString(buf.String())
}

// htmlText is the text of a fragment of HTML, without tags, comments,
// scripts, styles or other chrome; "" when it cannot be parsed.
func htmlText(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return ""
	}
	return collapseSpace(textOf(doc))
}

// frontMatter consumes a leading YAML front matter block ("---" … "---" or
// "..."), taking its title, date and URL (the first http(s) one of url:,
// canonical: and source:). A YAML decoder reads it, so quoted
// values lose their quotes and escapes ("Joint\_Statement \u2013 …" is
// "Joint Statement – …"). A block that is not a YAML mapping is left in the
// text: it was a thematic break, not front matter.
func frontMatter(lines []string, h *header) []string {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return lines
	}
	for i := 1; i < len(lines); i++ {
		if l := strings.TrimSpace(lines[i]); l != "---" && l != "..." {
			continue
		}
		fields, ok := decodeFrontMatter(strings.Join(lines[1:i], "\n"))
		if !ok {
			return lines
		}
		urls := map[string]string{}
		for key, node := range fields {
			switch key = strings.ToLower(key); key {
			case "title":
				h.title = scalarText(node)
			case "date":
				h.date = scalarText(node)
			case "url", "canonical", "source":
				urls[key] = webURL(scalarText(node))
			}
		}
		for _, key := range []string{"url", "canonical", "source"} {
			if h.url == "" {
				h.url = urls[key]
			}
		}
		return lines[i+1:]
	}
	// Not closed: not front matter.
	return lines
}

// decodeFrontMatter decodes a front matter block as a YAML mapping. It
// reports false for anything else, and for a decoder panic, so that no
// document can crash the loader.
func decodeFrontMatter(block string) (fields map[string]yaml.Node, ok bool) {
	defer func() {
		if recover() != nil {
			fields, ok = nil, false
		}
	}()
	if err := yaml.Unmarshal([]byte(block), &fields); err != nil || len(fields) == 0 {
		return nil, false
	}
	return fields, true
}

// scalarText is a scalar node's value with its runs of white space (the
// non-breaking spaces of "\_" among them) made single spaces; "" for
// anything else.
func scalarText(n yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return ""
	}
	return strings.Join(strings.Fields(n.Value), " ")
}

// markFirst sets first on the first of blocks in the list whose key is key.
func markFirst(blocks []block, key string) {
	for i := range blocks {
		if blocks[i].list == key {
			blocks[i].first = true
			return
		}
	}
}

// tableRow is one row of a table as a paragraph: each non-empty cell after
// its column's header and ": ", joined with "; " ("Feature: Search; Status:
// done"). A cell under an empty header, or in a table without a header row,
// stands alone; rowHeader says the first cell names the row (an HTML th),
// and then, without a header row, it leads the rest ("Search: done; 2024").
func tableRow(header, cells []string, rowHeader bool) string {
	var parts []string
	for i, c := range cells {
		if c == "" {
			continue
		}
		if i < len(header) && header[i] != "" {
			c = header[i] + ": " + c
		}
		parts = append(parts, c)
	}
	if len(header) == 0 && rowHeader && len(parts) > 1 && cells[0] != "" {
		return parts[0] + ": " + strings.Join(parts[1:], "; ")
	}
	return strings.Join(parts, "; ")
}
