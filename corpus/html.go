package corpus

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// paragraphElements are the HTML elements whose text is one paragraph.
var paragraphElements = map[atom.Atom]bool{
	atom.P: true, atom.Li: true, atom.Blockquote: true, atom.Pre: true, atom.Dd: true,
	atom.Dt: true, atom.Td: true, atom.Th: true, atom.Figcaption: true, atom.Caption: true,
	atom.Address: true,
}

// blockElements end the running text of an enclosing element, so text
// directly inside a div is a paragraph of its own.
var blockElements = map[atom.Atom]bool{
	atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true, atom.Body: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Table: true, atom.Tr: true, atom.Tbody: true,
	atom.Thead: true, atom.Tfoot: true, atom.Form: true, atom.Fieldset: true, atom.Details: true,
	atom.Summary: true, atom.Hr: true, atom.Figure: true, atom.Aside: true,
	atom.Center: true,
}

// skippedElements hold no document text.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Svg: true, atom.Iframe: true, atom.Object: true, atom.Button: true,
	atom.Select: true, atom.Textarea: true,
}

// chromeRoles are the ARIA roles of a page's chrome rather than its text.
var chromeRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "search": true,
	"dialog": true, "alertdialog": true, "menu": true, "menubar": true,
}

// isChrome reports whether an element is page furniture a saved web page
// carries around its text: navigation, banners, footers, dialogs such as
// cookie notices, and whatever is hidden.
func isChrome(n *html.Node) bool {
	if skippedElements[n.DataAtom] || chromeRoles[strings.ToLower(strings.TrimSpace(attr(n, "role")))] {
		return true
	}
	for _, a := range n.Attr {
		if a.Key == "hidden" || (a.Key == "aria-hidden" && strings.EqualFold(a.Val, "true")) {
			return true
		}
	}
	return false
}

// contentRoot is the part of a page that holds its text: its <main>, else
// its only <article>, else the whole page, whose <header> and <footer>
// standing outside any article are then chrome too.
func contentRoot(root *html.Node) (content *html.Node, wholePage bool) {
	var mains, articles []*html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if isChrome(n) {
				return
			}
			switch n.DataAtom {
			case atom.Main:
				mains = append(mains, n)
			case atom.Article:
				articles = append(articles, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(root)
	switch {
	case len(mains) > 0:
		return mains[0], false
	case len(articles) == 1:
		return articles[0], false
	}
	return root, true
}

// findElement returns the first element a in the tree under n, or nil.
func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

// parseHTML returns an HTML document's blocks and header. Paragraphs are
// p, li, blockquote, … and text standing directly in a div; li elements are
// items of their list; h1–h6 are headings (the structure pass makes them
// sections); a table whose cells hold only text is one item per body row
// (see tableRow), any other table a paragraph per cell; a pre holding code
// is left out, as Markdown code blocks are. The title is og:title or
// <title>, else the first h1 or other heading; the date meta name="date",
// article:published_time or the first <time datetime>; the URL <link
// rel=canonical> or og:url. Only the page's content counts (see
// contentRoot), without its chrome (see isChrome).
func parseHTML(text string) ([]block, header, error) {
	doc, err := html.Parse(strings.NewReader(text))
	if err != nil {
		// x/net/html's errors already start with "html:"; Parse adds the
		// file's name.
		return nil, header{}, err
	}
	var (
		root      *html.Node
		wholePage bool
		h         header
		heading   string
		blocks    []block
		cur       strings.Builder
		list      string // key of the li the walk is in, "" outside
		openList  string // key of the ul or ol the walk is in, "" outside
		tables    int
	)
	flush := func() {
		if s := collapseSpace(cur.String()); s != "" {
			kind := blockPara
			if list != "" {
				kind = blockItem
			}
			blocks = append(blocks, block{kind: kind, text: s, list: list})
		}
		cur.Reset()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			switch {
			case isChrome(n), n.DataAtom == atom.Head:
				return
			case wholePage && (n.DataAtom == atom.Header || n.DataAtom == atom.Footer) && !inside(n, atom.Article):
				return
			case n.DataAtom == atom.Time && h.date == "":
				if v := collapseSpace(attr(n, "datetime")); v != "" {
					h.date = v
				} else {
					h.date = collapseSpace(textOf(n))
				}
			case isHeading(n.DataAtom):
				flush()
				if t := collapseSpace(textOf(n)); t != "" {
					blocks = append(blocks, block{kind: blockHeading, text: t})
					if heading == "" || (n.DataAtom == atom.H1 && !strings.HasPrefix(heading, "h1:")) {
						heading = n.DataAtom.String() + ":" + t
					}
				}
				return
			case n.DataAtom == atom.Br:
				cur.WriteString(" ")
				return
			case n.DataAtom == atom.Pre && findElement(n, atom.Code) != nil:
				flush()
				return
			case n.DataAtom == atom.Table:
				if rows, ok := dataTable(n); ok {
					flush()
					tables++
					key := fmt.Sprintf("%s>t%d", cmp.Or(list, "html"), tables)
					for i, r := range rows {
						blocks = append(blocks, block{kind: blockItem, text: r, list: key, first: i == 0})
					}
					return
				}
			case n.DataAtom == atom.Ul || n.DataAtom == atom.Ol:
				outer := openList
				openList = cmp.Or(list, "html") + ">"
				start := len(blocks)
				defer func() { markFirst(blocks[start:], openList); openList = outer }()
			case n.DataAtom == atom.Li:
				outer := list
				list = cmp.Or(openList, "html>")
				defer func() { list = outer }()
			}
			if paragraphElements[n.DataAtom] || blockElements[n.DataAtom] {
				flush()
				defer flush()
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	if head := findElement(doc, atom.Head); head != nil {
		readHead(head, &h)
	}
	root, wholePage = contentRoot(doc)
	walk(root)
	flush()
	if h.title == "" && heading != "" {
		_, h.title, _ = strings.Cut(heading, ":")
	}
	return blocks, h, nil
}

// dataTable returns the rows of a table that holds data, one string each
// (see tableRow): a table whose cells hold only text, not paragraphs,
// lists, headings or other tables (which a layout table does). Its header
// is its first row when every cell of it is a th, else the rows of its
// thead. It reports false for any other table.
func dataTable(t *html.Node) ([]string, bool) {
	type row struct {
		cells     []string
		allTH     bool
		rowHeader bool
		inHead    bool
	}
	var rows []row
	for _, tr := range tableRows(t) {
		r := row{allTH: true}
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) {
				continue
			}
			if holdsBlocks(c) {
				return nil, false
			}
			if len(r.cells) == 0 {
				r.rowHeader = c.DataAtom == atom.Th
			}
			r.allTH = r.allTH && c.DataAtom == atom.Th
			r.cells = append(r.cells, collapseSpace(textOf(c)))
		}
		r.inHead = tr.Parent != nil && tr.Parent.DataAtom == atom.Thead
		if len(r.cells) > 0 {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return nil, false
	}
	var header []string
	body := rows
	switch {
	case rows[0].inHead:
		header, body = rows[0].cells, rows[1:]
	case rows[0].allTH && len(rows) > 1:
		header, body = rows[0].cells, rows[1:]
	}
	var out []string
	for _, r := range body {
		if r.inHead {
			continue
		}
		if s := tableRow(header, r.cells, r.rowHeader); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 && len(header) > 0 {
		out = append(out, tableRow(nil, header, false))
	}
	return out, true
}

// tableRows returns the tr elements of table t, not those of tables nested
// in it.
func tableRows(t *html.Node) []*html.Node {
	var out []*html.Node
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		switch c.DataAtom {
		case atom.Tr:
			out = append(out, c)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for r := c.FirstChild; r != nil; r = r.NextSibling {
				if r.DataAtom == atom.Tr {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// holdsBlocks reports whether n has an element that makes paragraphs of
// its own: a paragraph or block element, or a heading.
func holdsBlocks(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (paragraphElements[c.DataAtom] || blockElements[c.DataAtom] || isHeading(c.DataAtom) || holdsBlocks(c)) {
			return true
		}
	}
	return false
}

// readHead reads the title, date and URL a page's head gives. The URL is
// its canonical link, else og:url, when that is an http(s) URL.
func readHead(head *html.Node, h *header) {
	var canonical, og string
	defer func() {
		h.url = cmp.Or(canonical, og)
	}()
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if h.title == "" {
					h.title = collapseSpace(textOf(n))
				}
			case atom.Meta:
				name := strings.ToLower(attr(n, "name") + attr(n, "property"))
				switch name {
				case "og:title", "dc.title":
					if t := collapseSpace(attr(n, "content")); t != "" {
						h.title = t
					}
				case "date", "dc.date", "article:published_time", "dcterms.date":
					if h.date == "" {
						h.date = collapseSpace(attr(n, "content"))
					}
				case "og:url":
					if og == "" {
						og = webURL(attr(n, "content"))
					}
				}
			case atom.Link:
				if canonical == "" && slices.Contains(strings.Fields(strings.ToLower(attr(n, "rel"))), "canonical") {
					canonical = webURL(attr(n, "href"))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(head)
}

// inside reports whether n has an ancestor element a.
func inside(n *html.Node, a atom.Atom) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.DataAtom == a {
			return true
		}
	}
	return false
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && isChrome(n) {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			b.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
