package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// Extensions are the file endings Load reads, in lower case.
var Extensions = []string{".txt", ".md", ".html", ".htm"}

// Unsupported are the endings, in lower case, of document formats quotebot
// cannot read. Scan reports such files as skipped (ErrUnsupportedFormat)
// rather than passing over them in silence as it does other files, so
// whoever put a PDF among the documents learns it is not searched.
var Unsupported = []string{".pdf", ".docx", ".doc", ".odt", ".rtf", ".pages", ".epub"}

// MaxDocumentBytes is the largest document file Scan and ReadFile read:
// 50 MiB. The longest official documents (a budget, a code of law) are a
// few MiB as text or HTML; parsing takes several times a file's size in
// memory, so without a cap one stray file (a database dump or a log named
// .txt) could take gigabytes. A larger file is skipped with ErrTooLarge.
const MaxDocumentBytes = 50 << 20

// Skipped is a file Scan could not read as a document.
type Skipped struct {
	// Path is the file's slash-separated path in the folder scanned; a
	// folder that could not be listed ends in "/".
	Path string
	// Err says why, without the path: it wraps ErrNotUTF8, ErrTooLarge,
	// ErrEmpty, ErrUnsupportedFormat or ErrNotRegular, an error of reading
	// the file (errors.Is(err, fs.ErrPermission) for permission denied), or
	// a parse error.
	Err error
}

// String is "path: reason", with any control character of the path shown
// as "?" so printing it cannot send escape sequences to a terminal.
func (s Skipped) String() string {
	path := strings.Map(func(r rune) rune {
		if isControl(r) || r == '\t' || r == '\n' {
			return '?'
		}
		return r
	}, s.Path)
	return path + ": " + s.Err.Error()
}

// Result is what Scan read from a folder.
type Result struct {
	// Docs are the documents read, in lexical order of path.
	Docs []Document
	// Skipped are the document files that could not be read, in lexical
	// order of path.
	Skipped []Skipped
}

// Scan reads every document in fsys (recursively, in lexical order of path;
// files and folders whose names start with "." are passed over, and so are
// files whose ending is neither in Extensions nor in Unsupported) and
// splits it into passages. A document file that cannot be read — see
// ReadFile — or a subfolder that cannot be listed does not stop it: it is
// listed in Result.Skipped with the reason. Scan returns an error only when
// fsys itself cannot be read, or, wrapping ErrNoDocuments, when no document
// could be read (Result.Skipped then says why).
func Scan(fsys fs.FS, opts Options) (Result, error) {
	var res Result
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return fmt.Errorf("read folder: %w", unwrapPath(err))
			}
			res.Skipped = append(res.Skipped, Skipped{Path: p + "/", Err: fmt.Errorf("cannot read folder: %w", unwrapPath(err))})
			return fs.SkipDir
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if ext := strings.ToLower(path.Ext(p)); slices.Contains(Unsupported, ext) {
			res.Skipped = append(res.Skipped, Skipped{Path: p, Err: fmt.Errorf("%w %s: save it as .txt, .md or .html", ErrUnsupportedFormat, ext)})
			return nil
		}
		if !isDocument(p) {
			return nil
		}
		doc, err := readFile(fsys, p, opts)
		if err != nil {
			res.Skipped = append(res.Skipped, Skipped{Path: p, Err: err})
			return nil
		}
		res.Docs = append(res.Docs, doc)
		return nil
	})
	if err != nil {
		return res, err
	}
	if len(res.Docs) == 0 {
		if len(res.Skipped) > 0 {
			return res, fmt.Errorf("%w could be read: %d skipped, the first %s", ErrNoDocuments, len(res.Skipped), res.Skipped[0])
		}
		return res, ErrNoDocuments
	}
	return res, nil
}

// Load is Scan for callers that need every document or none: a file Scan
// would skip is an error naming it.
func Load(fsys fs.FS, opts Options) ([]Document, error) {
	res, err := Scan(fsys, opts)
	if len(res.Skipped) > 0 {
		s := res.Skipped[0]
		return nil, fmt.Errorf("load %s: %w", s.Path, s.Err)
	}
	if err != nil {
		return nil, err
	}
	return res.Docs, nil
}

// ReadFile reads and parses the document at name in fsys. It fails, with an
// error naming the file, when the file is not a regular file
// (ErrNotRegular), is larger than MaxDocumentBytes (ErrTooLarge), cannot be
// read, is not UTF-8 (ErrNotUTF8), cannot be parsed, or has no paragraphs
// (ErrEmpty).
func ReadFile(fsys fs.FS, name string, opts Options) (Document, error) {
	doc, err := readFile(fsys, name, opts)
	if err != nil {
		return Document{}, fmt.Errorf("read %s: %w", name, err)
	}
	return doc, nil
}

// readFile is ReadFile with errors that do not name the file.
func readFile(fsys fs.FS, name string, opts Options) (Document, error) {
	// Stat follows symbolic links; a named pipe or device must not be
	// opened, since opening or reading it can block for ever.
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return Document{}, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return Document{}, ErrNotRegular
	}
	if fi.Size() > MaxDocumentBytes {
		return Document{}, ErrTooLarge
	}
	f, err := fsys.Open(name)
	if err != nil {
		return Document{}, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	defer f.Close()
	// The file may have grown since Stat: read one byte past the cap.
	data, err := io.ReadAll(io.LimitReader(f, MaxDocumentBytes+1))
	if err != nil {
		return Document{}, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	if len(data) > MaxDocumentBytes {
		return Document{}, ErrTooLarge
	}
	doc, err := parse(name, data, opts)
	if err != nil {
		return Document{}, err
	}
	if len(doc.Passages) == 0 {
		return Document{}, ErrEmpty
	}
	return doc, nil
}

// unwrapPath drops the operation and path of a *fs.PathError, which name a
// path on the machine (os.DirFS joins its root), keeping its cause.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func isDocument(p string) bool {
	return slices.Contains(Extensions, strings.ToLower(path.Ext(p)))
}

// Parse splits one document. name is its path (slash-separated); its
// extension chooses the format (.md, .html/.htm, anything else plain text)
// and, without the extension, it is the document ID. Invalid UTF-8 yields an
// error wrapping ErrNotUTF8; an empty document yields no passages. Control
// characters other than tab and line feed, and bidirectional embeddings,
// overrides and isolates, are removed from the title, date and passages
// (see isControl).
func Parse(name string, data []byte, opts Options) (Document, error) {
	doc, err := parse(name, data, opts)
	if err != nil {
		return Document{}, fmt.Errorf("parse %s: %w", name, err)
	}
	return doc, nil
}

// parse is Parse with errors that do not name the document.
func parse(name string, data []byte, opts Options) (Document, error) {
	if !utf8.Valid(data) {
		return Document{}, ErrNotUTF8
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	text := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
	// Controls go before parsing, so a line of escape codes is a blank
	// line, and again from what parsing yields, since HTML character
	// references and front matter escapes can spell them.
	text = stripControls(text)

	ext := strings.ToLower(path.Ext(name))
	doc := Document{ID: strings.TrimSuffix(name, path.Ext(name))}
	var (
		blocks []block
		meta   header
		err    error
	)
	switch ext {
	case ".html", ".htm":
		blocks, meta, err = parseHTML(text)
		if err != nil {
			return Document{}, err
		}
	case ".md":
		blocks, meta = parseMarkdown(text)
	default:
		blocks, meta = parseText(text)
	}
	doc.Title = collapseSpace(stripControls(meta.title))
	doc.Date = collapseSpace(stripControls(meta.date))
	doc.URL = meta.url
	if doc.Title == "" {
		base := path.Base(doc.ID)
		doc.Title = collapseSpace(stripControls(strings.NewReplacer("_", " ", "-", " ").Replace(base)))
	}
	doc.Passages = makePassages(doc, structure(blocks, doc.Title), opts)
	return doc, nil
}

// header is what a document says about itself. url is empty or an http(s)
// URL (see webURL).
type header struct{ title, date, url string }

// readHeader consumes leading "Title:", "Date:" and "URL:" lines (in any
// order, case-insensitive, blank lines before them allowed) and returns the
// rest. A "URL:" value that is not an http(s) URL is dropped.
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
		case ok && strings.EqualFold(key, "url") && h.url == "":
			h.url = webURL(val)
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
		if startsItem(prev, l) || endsSentence(prev) && (perLine || fits || n < width*6/10) {
			paras = append(paras, strings.Join(block[first:i], " "))
			first = i
		}
	}
	return append(paras, strings.Join(block[first:], " "))
}

// startsItem reports whether line l of a hard-wrapped block starts a list
// item after line prev. A bullet or "1." always does; a parenthesised or
// lettered marker only after a line that closes (see closesLine), since
// wrapped prose can put "(b) of this section" at the start of a line.
func startsItem(prev, l string) bool {
	m, ok := listMarker(l)
	return ok && (!bareMarker(m) || closesLine(prev))
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, `"')]”’`)
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, ":")
}

// listMarker returns the marker of a line that starts a list item, without
// the space after it: a bullet ("-", "*", "•", "+"); a number of up to four
// digits with "." or ")" ("1.", "12)"); in parentheses, a number of up to
// three digits, a letter or a Roman numeral ("(1)", "(a)", "(iv)", "(B)");
// or a lower-case letter or Roman numeral with ")" ("a)", "iv)"). Text must
// follow the space.
func listMarker(l string) (string, bool) {
	for _, b := range []string{"-", "*", "•", "+"} {
		if strings.HasPrefix(l, b+" ") {
			return b, true
		}
	}
	sp := strings.IndexByte(l, ' ')
	if sp < 2 || sp+1 >= len(l) || l[sp+1] == ' ' {
		return "", false
	}
	m := l[:sp]
	inner := m[:len(m)-1]
	switch {
	case m[len(m)-1] != ')' && m[len(m)-1] != '.':
		return "", false
	case m[0] == '(' && m[len(m)-1] == ')':
		inner = inner[1:]
		if (isDigits(inner) && len(inner) <= 3) || isASCIILetter(inner) || (isRoman(inner) && len(inner) <= 5 &&
			(strings.ToLower(inner) == inner || strings.ToUpper(inner) == inner)) {
			return m, true
		}
	case isDigits(inner) && len(inner) <= 4:
		return m, true
	case m[len(m)-1] == ')' && (isASCIILetter(inner) && inner[0] >= 'a' || isRoman(inner) && len(inner) <= 5 && strings.ToLower(inner) == inner):
		return m, true
	}
	return "", false
}

// bareMarker reports whether a list marker is one that a wrapped line of
// prose can start with too ("(b) of this section", "a) ..."): anything but
// a bullet or "1." / "1)".
func bareMarker(m string) bool {
	return m[0] == '(' || !isDigits(m[:len(m)-1]) && len(m) > 1
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func isASCIILetter(s string) bool {
	return len(s) == 1 && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z')
}

// closesLine reports whether a line of a hard-wrapped block ends where a
// list item may start after it: a sentence or clause end, a colon, or the
// "and" / "or" that joins the last two items of a list.
func closesLine(l string) bool {
	l = strings.TrimRight(l, `"')]”’`)
	for _, end := range []string{".", ":", ";", "!", "?", " and", " or"} {
		if strings.HasSuffix(l, end) {
			return true
		}
	}
	return false
}

func parseText(text string) ([]block, header) {
	h, rest := readHeader(strings.Split(text, "\n"))
	return textBlocks(splitParagraphs(rest)), h
}

// makePassages numbers paragraphs from 1, cuts long ones at sentence
// boundaries and gives each passage its stable ID. A unit that is not
// quoted (a heading or question read with the next paragraph) may still
// take a number (see unit).
func makePassages(doc Document, units []unit, opts Options) []Passage {
	limit := opts.MaxPassageChars
	if limit <= 0 {
		limit = DefaultMaxPassageChars
	}
	seen := map[string]int{}
	var out []Passage
	n := 0
	for _, u := range units {
		if u.numbered {
			n++
		}
		if !u.quoted {
			continue
		}
		for part, piece := range cutParagraph(u.text, limit) {
			seen[piece]++
			id := fmt.Sprintf("%s\x00%s\x00%d", doc.ID, piece, seen[piece])
			if u.context != "" {
				// Search reads the context with the text, so a vector
				// made for another context must not be reused.
				id += "\x00" + u.context
			}
			sum := sha256.Sum256([]byte(id))
			out = append(out, Passage{
				ID:        hex.EncodeToString(sum[:8]),
				DocID:     doc.ID,
				Title:     doc.Title,
				Date:      doc.Date,
				Paragraph: n,
				Part:      part + 1,
				Text:      piece,
				Sentences: SplitSentences(piece),
				Section:   u.section,
				Context:   u.context,
				URL:       doc.URL,
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
