package corpus

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	mdImage      = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	mdLink       = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdRefLink    = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdAutoLink   = regexp.MustCompile(`<(https?://[^>]+)>`)
	mdCode       = regexp.MustCompile("`([^`]*)`")
	mdStrong     = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdEmphStar   = regexp.MustCompile(`\*(\S(?:[^*]*\S)?)\*`)
	mdEmphUnder  = regexp.MustCompile(`(^|\W)_(\S(?:[^_]*\S)?)_(\W|$)`)
	mdStrike     = regexp.MustCompile(`~~(.+?)~~`)
	mdHTMLTag    = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
	mdComment    = regexp.MustCompile(`<!--.*?-->`)
	mdRefDef     = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s`)
	mdHeading    = regexp.MustCompile(`^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$`)
	mdListMarker = regexp.MustCompile(`^\s*(?:[-*+•]|\d{1,4}[.)])\s+`)
	mdRule       = regexp.MustCompile(`^\s{0,3}([-*_])(\s*[-*_]){2,}\s*$`)
)

// parseMarkdown returns the paragraphs of a Markdown document with markup
// removed. Headings are not paragraphs; the first one is the title when no
// "Title:" header line or front matter title is given. Each list item is a
// paragraph; fenced code is kept as text.
func parseMarkdown(text string) ([]string, header) {
	lines := strings.Split(text, "\n")
	var h header
	lines = frontMatter(lines, &h)
	h2, lines := readHeader(lines)
	if h.title == "" {
		h.title = h2.title
	}
	if h.date == "" {
		h.date = h2.date
	}

	var (
		paras []string
		out   []string // Markdown lines of the current run between code fences
		code  []string // lines of the current fenced code block
		fence string   // the fence that opened it ("```" or "~~~"), "" outside
		// plain counts the lines at the end of out that form an ordinary
		// paragraph; inBlock is set while a list item or quote runs on.
		plain   int
		inBlock bool
	)
	flush := func() {
		for _, p := range splitParagraphs(out) {
			if s := stripInline(p); s != "" {
				paras = append(paras, s)
			}
		}
		out = out[:0]
	}
	for _, l := range lines {
		trim := strings.TrimSpace(l)
		if fence != "" {
			if strings.HasPrefix(trim, fence) && strings.Trim(trim, fence[:1]) == "" {
				// Code is text as written: no inline markup to strip.
				paras = append(paras, splitParagraphs(code)...)
				code, fence = code[:0], ""
				continue
			}
			code = append(code, l)
			continue
		}
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			flush()
			fence, plain, inBlock = trim[:3], 0, false
			continue
		}
		if m := mdHeading.FindStringSubmatch(l); m != nil {
			if h.title == "" {
				h.title = stripInline(m[2])
			}
			out = append(out, "")
			plain, inBlock = 0, false
			continue
		}
		// A setext underline turns the plain paragraph above it (all its
		// lines) into a heading; under a list item or a quote it is a rule.
		if trim != "" && plain > 0 && (strings.Trim(trim, "=") == "" || strings.Trim(trim, "-") == "") {
			if h.title == "" {
				h.title = stripInline(strings.Join(out[len(out)-plain:], " "))
			}
			out = append(out[:len(out)-plain], "")
			plain = 0
			continue
		}
		if trim == "" || mdRule.MatchString(l) || mdRefDef.MatchString(l) {
			out = append(out, "")
			plain, inBlock = 0, false
			continue
		}
		quoted := false
		for strings.HasPrefix(strings.TrimSpace(l), ">") {
			l = strings.TrimPrefix(strings.TrimSpace(l), ">")
			quoted = true
		}
		if mdListMarker.MatchString(l) {
			// A list item starts a paragraph of its own.
			out = append(out, "", mdListMarker.ReplaceAllString(l, ""))
			plain, inBlock = 0, true
			continue
		}
		out = append(out, l)
		switch {
		case quoted || inBlock || strings.TrimSpace(l) == "":
			plain, inBlock = 0, true
		default:
			plain++
		}
	}
	flush()
	// An unclosed fence runs to the end of the document.
	paras = append(paras, splitParagraphs(code)...)
	return paras, h
}

// frontMatter consumes a leading YAML front matter block ("---" … "---" or
// "..."), taking its title and date. A YAML decoder reads it, so quoted
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
		for key, node := range fields {
			switch {
			case strings.EqualFold(key, "title"):
				h.title = scalarText(node)
			case strings.EqualFold(key, "date"):
				h.date = scalarText(node)
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

// stripInline removes inline Markdown: images, links (keeping their text),
// code spans (keeping their text as written), emphasis, strike-through, raw
// HTML tags and backslash escapes (keeping the escaped character).
func stripInline(s string) string {
	var saved []string
	protect := func(lit string) string {
		saved = append(saved, lit)
		return string(rune(protectBase + len(saved) - 1))
	}
	canProtect := !strings.ContainsFunc(s, isProtected) &&
		strings.Count(s, "\\")+strings.Count(s, "`") < 0xFFFFD-protectBase
	if canProtect {
		// Escaped characters and code spans are literal text: hide them from
		// the markup patterns below and put them back at the end.
		s = mdEscape.ReplaceAllStringFunc(s, func(m string) string { return protect(m[1:]) })
		s = mdCode.ReplaceAllStringFunc(s, func(m string) string { return protect(strings.Trim(m, "`")) })
	}
	s = mdImage.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutoLink.ReplaceAllString(s, "$1")
	s = mdCode.ReplaceAllString(s, "$1")
	s = mdStrong.ReplaceAllString(s, "$2")
	s = mdEmphStar.ReplaceAllString(s, "$1")
	// Each match consumes the character after it, so adjacent emphasis
	// ("_a_ _b_") needs another pass.
	for i := 0; i < 8; i++ {
		t := mdEmphUnder.ReplaceAllString(s, "$1$2$3")
		if t == s {
			break
		}
		s = t
	}
	s = mdStrike.ReplaceAllString(s, "$1")
	s = mdHTMLTag.ReplaceAllString(s, "")
	s = mdComment.ReplaceAllString(s, "")
	if canProtect {
		s = restore(s, saved)
	} else {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(mdEscapable, s[i+1]) >= 0 {
				i++
			}
			b.WriteByte(s[i])
		}
		s = b.String()
	}
	return collapseSpace(s)
}

// mdEscapable are the characters a backslash escapes.
const mdEscapable = "\\`*_{}[]()#+-.!>|~<"

var mdEscape = regexp.MustCompile(`\\[` + regexp.QuoteMeta(mdEscapable) + `]`)

// protectBase is the first of the private-use characters that stand in for
// protected literal text inside stripInline.
const protectBase = 0xF0000

func isProtected(r rune) bool { return r >= protectBase && r <= 0xFFFFD }

// restore replaces each placeholder in s by the text it stands for.
func restore(s string, saved []string) string {
	var b strings.Builder
	for _, r := range s {
		if i := int(r - protectBase); isProtected(r) && i < len(saved) {
			b.WriteString(saved[i])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
