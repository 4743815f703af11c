package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reads a document's structure: which passage sits under which
// heading (Passage.Section), and what a reader needs to understand a passage
// that the quote does not hold (Passage.Context). Parsers (plain text,
// Markdown, HTML) turn a document into blocks; structure turns blocks into
// the units makePassages numbers and cuts. The rules are about how documents
// are written, not about any one document:
//
//   - A heading names what follows it. Every passage under a heading has it
//     as its Section (the innermost, i.e. the nearest heading above), and the
//     first paragraph after it has it as its Context, since a short heading
//     often carries the very words a question uses ("Article IV", "Trade").
//     A heading is never a passage of its own: it is a label, not an answer.
//   - A paragraph that only asks (every sentence ends in "?", or it starts
//     with "Q:" or "Question:") and is followed by a paragraph that is
//     neither a heading nor another question is an FAQ question: it is not
//     quoted, and the paragraph that follows (its answer) has it as its
//     Context. A question with no answer after it (the last line, or one
//     followed by a heading or another question) stays a passage, and so
//     does a paragraph with a question among statements (a rhetorical
//     question), since it says something itself.
//   - The items of a list have as their Context the line that introduces
//     them (see listContext).
//
// A heading or question that is not quoted keeps the paragraph number it
// had as a paragraph (plain-text headings and every question were
// paragraphs before this pass existed), so the passages after it keep
// theirs; headings that Markdown and HTML mark as such were never numbered.

// blockKind says what a parser found.
type blockKind int8

const (
	// blockPara is a body paragraph.
	blockPara blockKind = iota
	// blockItem is an item of a list or a row of a table.
	blockItem
	// blockHeading is a heading: it gives the passages after it their
	// Section and is not quoted.
	blockHeading
)

// block is one piece of a document's body as a parser yields it.
type block struct {
	kind blockKind
	text string
	// list tells lists apart for listContext: the items of one list share
	// it, a list nested in it has another. Plain text uses the marker's
	// shape ("(a)", "1.", "-"); Markdown and HTML use the nesting, the key
	// of a nested list (or table) being its parent's with ">" added.
	list string
	// first is set by Markdown and HTML on the first item of each list and
	// the first row of each table.
	first bool
	// numbered is set on a heading that takes a paragraph number: a
	// heading line of plain text, which was a paragraph before headings
	// were recognised.
	numbered bool
}

// unit is a block after the structure pass: what makePassages numbers and
// cuts into passages.
type unit struct {
	text, section, context string
	// quoted is false for a heading or question read with the paragraph
	// after it: it yields no passage.
	quoted bool
	// numbered is set when the unit takes a paragraph number.
	numbered bool
}

// listLevel is one open list while structure walks a document: its key
// (block.list) and the line that introduced it.
type listLevel struct{ key, lead string }

// precedingKind says what came right before a block.
type precedingKind int8

const (
	afterNothing  precedingKind = iota
	afterHeading                // a heading
	afterQuestion               // an FAQ question, not quoted
	afterPara                   // a quoted paragraph
	afterItem                   // a quoted list item
)

// structure assigns each block its Section and Context and drops the
// headings and questions that are read with the paragraph after them (see
// the rules at the top of this file). title is the document's title: a
// heading that repeats it (a Markdown or HTML page's h1) names the whole
// document, not a section, so it is neither Section nor Context.
func structure(blocks []block, title string) []unit {
	bs := make([]block, 0, len(blocks))
	for _, b := range blocks {
		b.text = collapseSpace(stripControls(b.text))
		if b.text != "" {
			bs = append(bs, b)
		}
	}
	var (
		out     []unit
		section string
		lists   []listLevel
		prev    block // the block before, when prevKind is not afterNothing
		prevBy  precedingKind
	)
	schemes := numberingSchemes(bs)
	for i, b := range bs {
		if b.kind == blockPara {
			if label, ok := paragraphLabel(b.text); ok && schemes[strings.Fields(label)[0]] {
				section = label
			}
		}
		if b.kind == blockHeading {
			out = append(out, unit{numbered: b.numbered})
			lists = nil
			if b.text == title {
				section, prevBy = "", afterNothing
				continue
			}
			section, prev, prevBy = headingLabel(b.text), b, afterHeading
			continue
		}
		if b.kind == blockPara && asksQuestion(b.text) && answered(bs, i) {
			out = append(out, unit{numbered: true})
			lists = nil
			prev, prevBy = b, afterQuestion
			continue
		}
		var ctx string
		if b.kind == blockItem {
			ctx, lists = listContext(lists, b, prev, prevBy)
		} else {
			lists = nil
			if prevBy == afterHeading || prevBy == afterQuestion {
				ctx = prev.text
			}
		}
		out = append(out, unit{text: b.text, section: section, context: ctx, quoted: true, numbered: true})
		prev, prevBy = b, afterPara
		if b.kind == blockItem {
			prevBy = afterItem
		}
	}
	return out
}

// listContext is the Context of list item b, given the lists open before it
// and the block before it, and the lists open after it. A list is
// introduced by the line before its first item when that line ends in ":"
// ("The parties agree to:") or leaves its sentence unfinished ("… shall
// give them notice in advance of"), or when it is an FAQ question; every
// item of the list has that line as its Context, and an item of an outer
// list after a nested one gets the outer list's line again.
//
// Markdown and HTML say where each list starts and what it is nested in
// (block.first, and keys that extend their parent's). Plain text does not,
// so there, in order:
//
//  1. After a question, or after a line ending in ":" that is not an item
//     of the same list, a new list starts, introduced by it.
//  2. An item of a list already open continues it (closing the lists
//     nested in it).
//  3. After a paragraph or item of another list whose sentence is
//     unfinished, a new list starts, introduced by it.
//  4. Otherwise a new list starts with no introduction.
//
// Right after a heading, the first item has the heading as Context, as any
// first paragraph does.
func listContext(lists []listLevel, b, prev block, prevBy precedingKind) (string, []listLevel) {
	// introduces reports whether prev, right before the first item of a
	// list, introduces it; strict asks for a line ending in ":".
	introduces := func(strict bool) bool {
		switch prevBy {
		case afterQuestion:
			return true
		case afterItem:
			if prev.list == b.list || b.first && !strings.HasPrefix(b.list, prev.list) {
				return false // an item of the same list, or of one that ended
			}
		case afterPara:
		default:
			return false
		}
		return strings.HasSuffix(prev.text, ":") || !strict && !endsStatement(prev.text)
	}
	start := func(lead string) (string, []listLevel) {
		lists = append(lists, listLevel{b.list, lead})
		if lead == "" && prevBy == afterHeading {
			return prev.text, lists
		}
		return lead, lists
	}
	if b.first {
		for len(lists) > 0 && !strings.HasPrefix(b.list, lists[len(lists)-1].key+">") {
			lists = lists[:len(lists)-1]
		}
		if introduces(false) {
			return start(prev.text)
		}
		return start("")
	}
	if b.list != "" && introduces(true) {
		return start(prev.text)
	}
	for j := len(lists) - 1; j >= 0; j-- {
		if lists[j].key == b.list {
			return lists[j].lead, lists[:j+1]
		}
	}
	if introduces(false) {
		return start(prev.text)
	}
	return start("")
}

// endsStatement reports whether s ends a sentence or clause: with ".", "!",
// "?" or ";" (before any closing quotes or brackets).
func endsStatement(s string) bool {
	s = strings.TrimRight(s, `"')]”’»`)
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, ";") || strings.HasSuffix(s, "…")
}

// answered reports whether the block after bs[i] answers it: there is one,
// and it is neither a heading nor a question itself.
func answered(bs []block, i int) bool {
	if i+1 >= len(bs) {
		return false
	}
	next := bs[i+1]
	return next.kind != blockHeading && !(next.kind == blockPara && asksQuestion(next.text))
}

// questionPrefix marks a question in an FAQ or a transcript: "Q:", "Q.",
// "Question:".
var questionPrefix = regexp.MustCompile(`^(?i:q|question)\s*[:.]\s+\S`)

// asksQuestion reports whether a paragraph only asks: it starts with
// questionPrefix, or every one of its sentences ends in "?".
func asksQuestion(text string) bool {
	if questionPrefix.MatchString(text) {
		return true
	}
	spans := SplitSentences(text)
	for _, s := range spans {
		if !strings.HasSuffix(strings.TrimRight(text[s.Start:s.End], `"')]”’»`), "?") {
			return false
		}
	}
	return len(spans) > 0
}

// paragraphLabel matches a paragraph that opens with its own numbered
// label, a capitalised word and a number or Roman numeral ending in ".",
// ":" or ")" ("Article 5. No one shall…", "Rule 12: …").
var paragraphLabel = func() func(string) (string, bool) {
	re := regexp.MustCompile(`^(\p{Lu}\p{Ll}+\.?|§) ?([0-9]+|[IVXLC]+)[.:)] `)
	return func(text string) (string, bool) {
		m := re.FindStringSubmatch(text)
		if m == nil {
			return "", false
		}
		return strings.TrimSuffix(m[1], ".") + " " + m[2], true
	}
}()

// numberingSchemes returns the label words ("Article") that open at least
// two paragraphs of the document. Such a document numbers its parts in the
// paragraphs themselves, with no heading lines: each labelled paragraph,
// and the paragraphs after it up to the next label or heading, has its
// label as Section, so a citation says "Article 5" rather than the last
// heading above all the articles. A label word seen once is more likely a
// sentence that starts with a name and a number.
func numberingSchemes(bs []block) map[string]bool {
	seen := map[string]int{}
	for _, b := range bs {
		if b.kind != blockPara {
			continue
		}
		if label, ok := paragraphLabel(b.text); ok {
			seen[strings.Fields(label)[0]]++
		}
	}
	out := map[string]bool{}
	for w, n := range seen {
		if n >= 2 {
			out[w] = true
		}
	}
	return out
}

// headingLabel is a heading's text as a Section: without a trailing ":"
// or "." ("Frequently Asked Questions:" names the section "Frequently Asked
// Questions").
func headingLabel(s string) string {
	return strings.TrimSpace(strings.TrimRight(s, ":."))
}

// Plain text has no markup for headings; a line is read as one when it
// looks like a label rather than a sentence and a body paragraph follows it.
const (
	// maxHeadingWords and maxHeadingRunes bound a heading of plain text.
	// Headings are labels of a few words ("Article IV", "Sec. 3.
	// Definitions.", "Frequently Asked Questions:"); news and style guides
	// keep headlines under about ten words and 70 characters, while body
	// paragraphs, even one-sentence ones, run longer.
	maxHeadingWords = 10
	maxHeadingRunes = 80
)

// sectionLabel matches a numbered label at the start of a heading: a number
// of at most three digits or a Roman numeral, alone or after one
// capitalised word or abbreviation ("3.", "IV.", "Sec. 3.", "Article 12",
// "Chapter II:"), followed by the end, or by a space and a capital letter.
// Years (four digits) are not labels.
var sectionLabel = regexp.MustCompile(`^(?:\p{Lu}[\p{L}]*\.?\s+)?(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]+|[ivxlc]+)[.:)]?(?:$|\s+\p{Lu})`)

// headingCandidate reports whether a paragraph of plain text looks like a
// heading: at most maxHeadingWords words and maxHeadingRunes characters; not
// a question (see asksQuestion: "Q: Carrying days over" is one); it
// starts with a capital letter or a digit; it is not a bullet or lettered
// list item; and it does not end like a sentence or clause (".", "!", "?",
// ";", ","), except that a numbered label may end in a period when what
// follows the label is in title case ("Sec. 3. Definitions.", but not
// "Article 1. Every member may speak."). A colon is allowed: "Frequently Asked Questions:".
func headingCandidate(p string) bool {
	if utf8.RuneCountInString(p) > maxHeadingRunes || len(strings.Fields(p)) > maxHeadingWords || asksQuestion(p) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(p)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	if m, ok := listMarker(p); ok && !isNumberedLabel(m) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(p, `"')]”’»`))
	switch last {
	case '!', '?', ';', ',':
		return false
	case '.':
		loc := sectionLabel.FindStringIndex(p)
		return loc != nil && titleCase(p[loc[1]-1:])
	}
	return true
}

// titleCase reports whether every word of s of four letters or more starts
// with a capital letter, as the words of a heading do in English ("Making
// Care More Accessible and Affordable") and those of a sentence do not.
func titleCase(s string) bool {
	for _, w := range strings.Fields(s) {
		if utf8.RuneCountInString(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })) < 4 {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// isNumberedLabel reports whether a list marker is a decimal one ("3." or
// "3)"), which numbered headings share.
func isNumberedLabel(marker string) bool {
	return marker != "" && marker[0] >= '0' && marker[0] <= '9'
}

// textBlocks classifies the paragraphs of a plain-text document: list items
// by their marker, and headings by headingCandidate when the paragraph after
// them is a body paragraph and the one before them is not a heading
// candidate either, save for a line ending in ":" (a run of short lines is
// a list or an address, not headings over nothing); a line ending in ":"
// before a list item introduces the list and is no heading; and, for a
// numbered one, when no list item stands before or after it (a short item
// of a numbered list is not a heading). Plain-text headings keep their
// paragraph numbers.
func textBlocks(paras []string) []block {
	bs := make([]block, len(paras))
	cand := make([]bool, len(paras))
	markers := make([]string, len(paras))
	for i, p := range paras {
		p = collapseSpace(p)
		bs[i] = block{kind: blockPara, text: p}
		cand[i] = headingCandidate(p)
		markers[i], _ = listMarker(p)
	}
	lastLetter := map[string]rune{} // per marker shape, the letter of the last lettered item
	for i, m := range markers {
		if m == "" {
			// A paragraph between ends the lettered lists: "(i)" after
			// it starts a list of its own.
			clear(lastLetter)
			continue
		}
		bs[i].kind, bs[i].list = blockItem, listKey(m, nextMarker(markers, i), lastLetter)
	}
	for i := range bs {
		if !cand[i] || i+1 == len(bs) || cand[i+1] {
			continue
		}
		// A line ending in ":" before a list introduces the list: it is
		// text to quote, and the items' Context.
		if strings.HasSuffix(bs[i].text, ":") && bs[i+1].kind == blockItem {
			continue
		}
		// The last of a run of short lines ("Apples", "Pears", "Plums")
		// is an item of an unmarked list, not a heading; a line ending in
		// ":" before it introduces it and does not make a run.
		if i > 0 && cand[i-1] && !strings.HasSuffix(bs[i-1].text, ":") {
			continue
		}
		// A numbered heading ("3. Definitions.") is not an item of a
		// list: no list item comes right before or after it.
		if bs[i].kind == blockItem && (bs[i+1].kind == blockItem || i > 0 && bs[i-1].kind == blockItem) {
			continue
		}
		bs[i].kind, bs[i].list, bs[i].numbered = blockHeading, "", true
	}
	return bs
}

// listKey names the kind of list a marker belongs to: its shape ("(x)",
// "x)", "x.") and class (digit, letter, Roman numeral, bullet). A single
// "i", "v" or "x" (or "I", "V", "X") is a Roman numeral unless it continues
// a lettered list: the next marker of the same shape is the next letter
// ("(i)" then "(j)"), or, when that does not tell, the last lettered item
// of the same shape was the letter before ("(h)" then "(i)"). next is the
// next marker of the document ("" at the end).
func listKey(marker, next string, lastLetter map[string]rune) string {
	core, shape := markerParts(marker)
	if core == "" {
		return marker // a bullet
	}
	r, _ := utf8.DecodeRuneInString(core)
	letter := utf8.RuneCountInString(core) == 1 && unicode.IsLetter(r)
	if letter && isRoman(core) {
		nextCore, nextShape := markerParts(next)
		switch {
		case nextShape == shape && nextCore == string(r+1):
		case nextShape == shape && len(nextCore) > 1 && isRoman(nextCore):
			letter = false
		default:
			letter = lastLetter[shape] == r-1
		}
	}
	switch {
	case unicode.IsDigit(r):
		return shape + "1"
	case letter:
		lastLetter[shape] = r
		if unicode.IsUpper(r) {
			return shape + "A"
		}
		return shape + "a"
	case unicode.IsUpper(r):
		return shape + "I"
	}
	return shape + "i"
}

// markerParts splits a list marker into its core ("a" of "(a)") and shape
// ("(x)"); the core is "" for a bullet.
func markerParts(marker string) (core, shape string) {
	core = strings.Trim(marker, "().")
	if core == "" || len(core) == len(marker) {
		return "", marker
	}
	return core, strings.Replace(marker, core, "x", 1)
}

// nextMarker is the first marker after markers[i], "" if none.
func nextMarker(markers []string, i int) string {
	for _, m := range markers[i+1:] {
		if m != "" {
			return m
		}
	}
	return ""
}

func isRoman(s string) bool {
	return s != "" && strings.Trim(strings.ToLower(s), "ivxlc") == ""
}
