package corpus

import (
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

// parseHTML returns an HTML document's paragraphs (p, li, blockquote, …, and
// text standing directly in a div), its title (og:title or <title>, else the
// first h1 or other heading) and its date (meta name="date",
// article:published_time or the first <time datetime>). Headings are not
// paragraphs. Only the page's content counts (see contentRoot), without its
// chrome (see isChrome).
func parseHTML(text string) ([]string, header, error) {
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
		paras     []string
		cur       strings.Builder
	)
	flush := func() {
		if s := collapseSpace(cur.String()); s != "" {
			paras = append(paras, s)
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
				if heading == "" || (n.DataAtom == atom.H1 && !strings.HasPrefix(heading, "h1:")) {
					if t := collapseSpace(textOf(n)); t != "" {
						heading = n.DataAtom.String() + ":" + t
					}
				}
				return
			case n.DataAtom == atom.Br:
				cur.WriteString(" ")
				return
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
	return paras, h, nil
}

func readHead(head *html.Node, h *header) {
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
