package corpus

import (
	"fmt"
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

// parseHTML returns an HTML document's paragraphs (p, li, blockquote, …, and
// text standing directly in a div), its title (<title>, else the first h1 or
// other heading) and its date (meta name="date", article:published_time or
// the first <time datetime>). Headings are not paragraphs.
func parseHTML(text string) ([]string, header, error) {
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, header{}, fmt.Errorf("html: %w", err)
	}
	var (
		h       header
		heading string
		paras   []string
		cur     strings.Builder
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
			case skippedElements[n.DataAtom]:
				return
			case n.DataAtom == atom.Head:
				readHead(n, &h)
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
		if n.Type == html.ElementNode && skippedElements[n.DataAtom] {
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
