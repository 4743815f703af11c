package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Segment is a run of a passage's text, set in bold when it is part of the
// highlight.
type Segment struct {
	Text string
	Bold bool
}

// Segments cuts h.Text into plain and bold runs following h.Spans. Spans out
// of range or out of order are ignored, so the result always concatenates
// back to h.Text.
func Segments(h Hit) []Segment {
	var out []Segment
	pos := 0
	for _, s := range h.Spans {
		if s.Start < pos || s.End > len(h.Text) || s.Start >= s.End {
			continue
		}
		if s.Start > pos {
			out = append(out, Segment{Text: h.Text[pos:s.Start]})
		}
		out = append(out, Segment{Text: h.Text[s.Start:s.End], Bold: true})
		pos = s.End
	}
	if pos < len(h.Text) {
		out = append(out, Segment{Text: h.Text[pos:]})
	}
	return out
}

// Citation is the one-line source of a hit: "Title · Date · Section · ¶7",
// Source then Locator. Renderers that can link make Source a link to h.URL.
func Citation(h Hit) string {
	if loc := Locator(h); loc != "" {
		return Source(h) + citationSep + loc
	}
	return Source(h)
}

// citationSep separates the parts of a citation.
const citationSep = " · "

// Source is the first part of a citation: the document's title, or its ID
// when it has none.
func Source(h Hit) string {
	if h.Title != "" {
		return h.Title
	}
	return h.Doc
}

// Locator is the rest of a citation: "Date · Section · ¶7", leaving out
// what the hit lacks ("" when it has none of them). The section is the
// heading the passage sits under.
func Locator(h Hit) string {
	parts := make([]string, 0, 3)
	if h.Date != "" {
		parts = append(parts, h.Date)
	}
	if h.Section != "" {
		parts = append(parts, h.Section)
	}
	if h.Paragraph > 0 {
		parts = append(parts, fmt.Sprintf("¶%d", h.Paragraph))
	}
	return strings.Join(parts, citationSep)
}

// Ellipsis marks text cut by Cut.
const Ellipsis = "…"

// Cut shortens s to at most max bytes, preferring to end after a sentence
// (". ", "! ", "? "), then at a space, and appends Ellipsis when it cut.
// It never splits a UTF-8 character. A max too small for the ellipsis
// returns "".
func Cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	limit := max - len(Ellipsis)
	if limit <= 0 {
		return ""
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	head := s[:limit]
	if i := lastSentenceEnd(head); i > len(head)/2 {
		return head[:i] + " " + Ellipsis
	}
	if i := strings.LastIndexByte(head, ' '); i > 0 {
		return strings.TrimRight(head[:i], " ") + " " + Ellipsis
	}
	return head + Ellipsis
}

func lastSentenceEnd(s string) int {
	best := -1
	for _, p := range []string{". ", "! ", "? ", ".\n"} {
		if i := strings.LastIndex(s, p); i >= 0 && i+1 > best {
			best = i + 1
		}
	}
	return best
}
