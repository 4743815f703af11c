package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// Extensions are the file endings Load reads, in lower case.
var Extensions = []string{".txt", ".md", ".html", ".htm"}

// Load reads every document in fsys (recursively, in lexical order of path;
// files and folders whose names start with "." are skipped) and splits it
// into passages. It returns ErrNoDocuments when fsys holds none.
func Load(fsys fs.FS, opts Options) ([]Document, error) {
	var docs []Document
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walk %s: %w", p, err)
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isDocument(p) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		doc, err := Parse(p, data, opts)
		if err != nil {
			return err
		}
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, ErrNoDocuments
	}
	return docs, nil
}

func isDocument(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// Parse splits one document. name is its path (slash-separated); its
// extension chooses the format (.md, .html/.htm, anything else plain text)
// and, without the extension, it is the document ID. Invalid UTF-8 yields an
// error wrapping ErrNotUTF8; an empty document yields no passages.
func Parse(name string, data []byte, opts Options) (Document, error) {
	if !utf8.Valid(data) {
		return Document{}, fmt.Errorf("parse %s: %w", name, ErrNotUTF8)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	text := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")

	ext := strings.ToLower(path.Ext(name))
	doc := Document{ID: strings.TrimSuffix(name, path.Ext(name))}
	var paras []string
	var err error
	switch ext {
	case ".html", ".htm":
		var meta header
		paras, meta, err = parseHTML(text)
		if err != nil {
			return Document{}, fmt.Errorf("parse %s: %w", name, err)
		}
		doc.Title, doc.Date = meta.title, meta.date
	case ".md":
		var meta header
		paras, meta = parseMarkdown(text)
		doc.Title, doc.Date = meta.title, meta.date
	default:
		var meta header
		paras, meta = parseText(text)
		doc.Title, doc.Date = meta.title, meta.date
	}
	if doc.Title == "" {
		base := path.Base(doc.ID)
		doc.Title = strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ").Replace(base))
	}
	doc.Passages = makePassages(doc, paras, opts)
	return doc, nil
}

// header is what a document says about itself.
type header struct{ title, date string }

// readHeader consumes leading "Title:" and "Date:" lines (in any order,
// case-insensitive, blank lines before them allowed) and returns the rest.
func readHeader(lines []string) (header, []string) {
	var h header
	i := 0
	for i < len(lines) {
		line := strings.TrimSpace(lines[i])
		key, val, ok := strings.Cut(line, ":")
		switch {
		case line == "" && h == (header{}):
		case ok && strings.EqualFold(key, "title") && h.title == "":
			h.title = strings.TrimSpace(val)
		case ok && strings.EqualFold(key, "date") && h.date == "":
			h.date = strings.TrimSpace(val)
		default:
			return h, lines[i:]
		}
		i++
	}
	return h, lines[i:]
}

// wrapWidth is the longest line that can be part of a hard-wrapped
// paragraph; longer lines are paragraphs of their own.
const wrapWidth = 120

// splitParagraphs turns plain-text lines into paragraphs. Blank lines always
// separate paragraphs. Inside a block of non-blank lines, a block with any
// line longer than wrapWidth is one paragraph per line (the layout with no
// blank lines); otherwise the lines are a hard-wrapped paragraph, joined with
// single spaces, broken again before a list item and after a line that ends
// a sentence when the wrapping cannot explain the break: the line is short,
// the next line's first word would have fitted on it, or every line of the
// block (three or more) ends a sentence.
func splitParagraphs(lines []string) []string {
	var paras, block []string
	flush := func() {
		paras = append(paras, splitBlock(block)...)
		block = block[:0]
	}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		block = append(block, strings.TrimSpace(l))
	}
	flush()
	return paras
}

func splitBlock(block []string) []string {
	if len(block) == 0 {
		return nil
	}
	width := 0
	for _, l := range block {
		width = max(width, utf8.RuneCountInString(l))
	}
	if width > wrapWidth {
		return append([]string(nil), block...)
	}
	perLine := len(block) >= 3
	for _, l := range block {
		perLine = perLine && endsSentence(l)
	}
	var paras []string
	first := 0 // the first line of the current paragraph
	for i := 1; i < len(block); i++ {
		prev, l := block[i-1], block[i]
		n := utf8.RuneCountInString(prev)
		word, _, _ := strings.Cut(l, " ")
		fits := n+1+utf8.RuneCountInString(word) <= width
		if isListItem(l) || endsSentence(prev) && (perLine || fits || n < width*6/10) {
			paras = append(paras, strings.Join(block[first:i], " "))
			first = i
		}
	}
	return append(paras, strings.Join(block[first:], " "))
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, `"')]”’`)
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, ":")
}

// isListItem reports whether a line starts a bullet or numbered list item.
func isListItem(l string) bool {
	if strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "• ") || strings.HasPrefix(l, "+ ") {
		return true
	}
	i := 0
	for i < len(l) && i < 4 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' '
}

func parseText(text string) ([]string, header) {
	h, rest := readHeader(strings.Split(text, "\n"))
	return splitParagraphs(rest), h
}

// makePassages numbers paragraphs from 1, cuts long ones at sentence
// boundaries and gives each passage its stable ID.
func makePassages(doc Document, paras []string, opts Options) []Passage {
	limit := opts.MaxPassageChars
	if limit <= 0 {
		limit = DefaultMaxPassageChars
	}
	seen := map[string]int{}
	var out []Passage
	n := 0
	for _, para := range paras {
		para = collapseSpace(para)
		if para == "" {
			continue
		}
		n++
		for part, piece := range cutParagraph(para, limit) {
			seen[piece]++
			sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%d", doc.ID, piece, seen[piece])))
			out = append(out, Passage{
				ID:        hex.EncodeToString(sum[:8]),
				DocID:     doc.ID,
				Title:     doc.Title,
				Date:      doc.Date,
				Paragraph: n,
				Part:      part + 1,
				Text:      piece,
				Sentences: SplitSentences(piece),
			})
		}
	}
	return out
}

// cutParagraph cuts para into pieces of at most limit bytes at sentence
// boundaries; a single sentence longer than limit stays whole.
func cutParagraph(para string, limit int) []string {
	if len(para) <= limit {
		return []string{para}
	}
	var pieces []string
	start := 0
	spans := SplitSentences(para)
	for i, s := range spans {
		if s.End-start > limit && i > 0 && spans[i-1].End > start {
			pieces = append(pieces, strings.TrimSpace(para[start:spans[i-1].End]))
			start = s.Start
		}
	}
	return append(pieces, strings.TrimSpace(para[start:]))
}

// collapseSpace trims s and turns every run of white space into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
