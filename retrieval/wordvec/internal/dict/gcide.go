package dict

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// GCIDE reads the GCIDE dictionary as Debian's dict-gcide installs it in
// dir (gcide.index and gcide.dict.dz, a dictzip file that compress/gzip
// reads as a whole) and calls emit for each article, in file order. The
// articles are the distinct (offset, length) spans of the index, less the
// "00-database-*" and "00-gcide-*" information entries.
//
// An article's heads are the headwords of its first line ("Color
// \Col"or\, Colour \Col"our\, n."); a multi-word headword becomes one
// token only if lemmas has it, otherwise its words start the first sense.
// Its senses are its paragraphs, less literary quotations: a paragraph
// indented deeper than the source tag that ends it ("[1913 Webster]") is
// skipped, as 1913 quotations from Shakespeare or Milton teach archaic
// usage more than meaning. The text is cleaned before tokenising: the part
// of speech after the headwords ("n.", "v. t."), sense numbers ("2.",
// "(b)"), bracketed etymologies and tags and citations ("--Shak.",
// right-aligned author lines) are dropped, accent codes such as "[=a]" and
// "['e]" become their letters, and syllable and stress marks inside words
// are removed.
func GCIDE(dir string, lemmas map[string]bool, emit func(Entry)) error {
	spans, err := readIndex("gcide", filepath.Join(dir, "gcide.index"))
	if err != nil {
		return err
	}
	text, err := readDict("gcide", filepath.Join(dir, "gcide.dict.dz"))
	if err != nil {
		return err
	}
	for _, s := range spans {
		if s.off+s.n > len(text) {
			return fmt.Errorf("gcide: index span %d+%d past the end of the dictionary (%d bytes)", s.off, s.n, len(text))
		}
		emit(parseArticle(text[s.off:s.off+s.n], lemmas))
	}
	return nil
}

type span struct{ off, n int }

// readIndex returns the distinct article spans of a dictd index, sorted by
// offset; name (the dictionary's) prefixes its errors.
func readIndex(name, path string) ([]span, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	seen := make(map[span]bool)
	var spans []span
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		word, rest, ok1 := strings.Cut(sc.Text(), "\t")
		off, size, ok2 := strings.Cut(rest, "\t")
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: %s:%d: not word<TAB>offset<TAB>length", name, path, n)
		}
		if strings.HasPrefix(word, "00-") {
			continue
		}
		o, err1 := decode64(off)
		l, err2 := decode64(size)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: %s:%d: bad offset or length", name, path, n)
		}
		s := span{o, l}
		if !seen[s] {
			seen[s] = true
			spans = append(spans, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, path, err)
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(cmp.Compare(a.off, b.off), cmp.Compare(a.n, b.n)) })
	return spans, nil
}

// decode64 decodes a dictd index number: base 64, most significant digit
// first, digits A–Z a–z 0–9 + /.
func decode64(s string) (int, error) {
	if s == "" || len(s) > 8 {
		return 0, fmt.Errorf("bad number %q", s)
	}
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int
		switch {
		case 'A' <= c && c <= 'Z':
			d = int(c - 'A')
		case 'a' <= c && c <= 'z':
			d = int(c-'a') + 26
		case '0' <= c && c <= '9':
			d = int(c-'0') + 52
		case c == '+':
			d = 62
		case c == '/':
			d = 63
		default:
			return 0, fmt.Errorf("bad number %q", s)
		}
		v = v<<6 | d
	}
	return v, nil
}

// maxDictSize bounds a decompressed dictionary (GCIDE 0.48 is 40 MB,
// FreeDict's eng-deu 80 MB).
const maxDictSize = 256 << 20

// readDict returns the whole text of a dictzip (or gzip) file; name (the
// dictionary's) prefixes its errors.
func readDict(name, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return "", fmt.Errorf("%s: %s: %w", name, path, err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, maxDictSize+1))
	if err != nil {
		return "", fmt.Errorf("%s: %s: %w", name, path, err)
	}
	if len(b) > maxDictSize {
		return "", fmt.Errorf("%s: %s: more than %d bytes decompressed", name, path, maxDictSize)
	}
	return string(b), nil
}

// parseArticle splits one article into heads, senses and quotations.
func parseArticle(text string, lemmas map[string]bool) Entry {
	first, body, _ := strings.Cut(text, "\n")
	heads, rest := parseHeadLine(first)
	var e Entry
	var lead []string // words of multi-word headwords WordNet does not list
	for _, h := range heads {
		e.Heads, lead = addHead(e.Heads, lead, Join(decodeAccents(stripMarks(h))), lemmas)
	}
	for i, para := range strings.Split(skipPartOfSpeech(rest)+"\n"+body, "\n\n") {
		if i > 0 && isQuotation(para) {
			continue
		}
		if toks := Tokens(nil, cleanParagraph(para)); len(toks) > 0 {
			e.Senses = append(e.Senses, toks)
		}
	}
	if len(lead) > 0 {
		if len(e.Senses) == 0 {
			e.Senses = [][]string{nil}
		}
		e.Senses[0] = append(lead, e.Senses[0]...)
	}
	return e
}

// parseHeadLine returns the headwords of an article's first line, each the
// text before a \pronunciation\ segment, and the rest of the line after the
// last such segment (and after a parenthesised pronunciation right after
// it). A line without a segment has no headwords.
func parseHeadLine(line string) (heads []string, rest string) {
	rest = line
	for {
		before, after, ok := strings.Cut(rest, `\`)
		if !ok {
			return heads, rest
		}
		h := strings.Trim(before, " ,")
		if h == "" || (len(heads) > 0 && strings.ContainsAny(h, ".;:()[]")) {
			return heads, rest
		}
		_, after, ok = strings.Cut(after, `\`)
		if !ok {
			return heads, rest
		}
		heads = append(heads, h)
		rest = after
		if t := strings.TrimLeft(rest, " "); strings.HasPrefix(t, "(") {
			if j := strings.IndexByte(t, ')'); j > 0 {
				rest = t[j+1:]
			}
		}
	}
}

// partsOfSpeech are GCIDE's part-of-speech and inflection abbreviations,
// which open the text after the headwords ("n.", "v. t.", "a.", "n.; pl.").
var partsOfSpeech = map[string]bool{
	"n": true, "v": true, "t": true, "i": true, "a": true, "adv": true, "pl": true,
	"prep": true, "conj": true, "interj": true, "pron": true, "p": true, "pr": true,
	"imp": true, "vb": true, "sing": true, "superl": true, "compar": true, "adj": true,
}

// skipPartOfSpeech drops the abbreviations in partsOfSpeech, each ending
// in '.', and the punctuation between them from the start of s.
func skipPartOfSpeech(s string) string {
	for {
		t := strings.TrimLeft(s, " ,;&")
		word, _, ok := strings.Cut(t, ".")
		if !ok || !partsOfSpeech[word] {
			return s
		}
		s = t[len(word)+1:]
	}
}

// skipSenseNumber drops a sense number ("2.") or letter ("(b)") that opens
// a line, with the indentation before it.
func skipSenseNumber(line string) string {
	t := strings.TrimLeft(line, " ")
	digits := len(t) - len(strings.TrimLeft(t, "0123456789"))
	switch {
	case digits > 0 && digits < len(t) && t[digits] == '.':
		return t[digits+1:]
	case len(t) >= 3 && t[0] == '(' && t[2] == ')' && isASCIILetter(t[1]):
		return t[3:]
	}
	return line
}

// isQuotation reports whether a paragraph is a literary quotation: its
// first line is indented at least three columns deeper than the source tag
// ("[1913 Webster]") on its last line.
func isQuotation(para string) bool {
	lines := strings.Split(strings.Trim(para, "\n"), "\n")
	if len(lines) < 2 {
		return false
	}
	last := lines[len(lines)-1]
	if !strings.HasPrefix(strings.TrimLeft(last, " "), "[") {
		return false
	}
	return indent(lines[0]) >= indent(last)+3
}

func indent(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// citationIndent is the indentation from which a line is a right-aligned
// author citation rather than text.
const citationIndent = 30

// cleanParagraph turns a paragraph of GCIDE markup into plain text.
func cleanParagraph(para string) string {
	var b strings.Builder
	for _, line := range strings.Split(para, "\n") {
		if indent(line) >= citationIndent {
			continue
		}
		if i := citationStart(line); i >= 0 {
			line = line[:i]
		}
		line = skipSenseNumber(line)
		b.WriteString(line)
		b.WriteByte(' ')
	}
	return stripMarks(dropBrackets(decodeAccents(b.String())))
}

// citationStart returns the index of an inline citation ("--Shak.", "--Sir
// T. Browne.": two hyphens directly before a capital letter), or -1.
func citationStart(line string) int {
	for i := 0; i+2 < len(line); i++ {
		if line[i] == '-' && line[i+1] == '-' && 'A' <= line[i+2] && line[i+2] <= 'Z' {
			return i
		}
	}
	return -1
}

// specialAccents are GCIDE's named character codes, by their bracketed name.
var specialAccents = map[string]string{
	"ae": "ae", "AE": "Ae", "oe": "oe", "OE": "Oe", "ng": "ng", "th": "th",
	"eth": "th", "edh": "th", "imac": "i", "aum": "a", "udd": "u", "add": "a",
	"asl": "a", "yogh": "y",
}

// accentMarks are the diacritic characters of GCIDE's accent codes: "[=a]"
// is a macron a, "['e]" an acute e, "[a^]" a breve a.
const accentMarks = "=-'\"`^~.,*"

// accentLetters returns the plain letters an accent code stands for.
func accentLetters(code string) (string, bool) {
	if s, ok := specialAccents[code]; ok {
		return s, true
	}
	if len(code) < 2 || len(code) > 3 {
		return "", false
	}
	var letters string
	switch {
	case strings.IndexByte(accentMarks, code[0]) >= 0:
		letters = code[1:]
	case code[len(code)-1] == '^':
		letters = code[:len(code)-1]
	default:
		return "", false
	}
	for i := 0; i < len(letters); i++ {
		if c := letters[i] | 0x20; c < 'a' || c > 'z' {
			return "", false
		}
	}
	return letters, true
}

// decodeAccents replaces GCIDE's bracketed accent codes by their letters.
func decodeAccents(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '[' {
			if j := strings.IndexByte(s[i+1:min(len(s), i+7)], ']'); j > 0 {
				if letters, ok := accentLetters(s[i+1 : i+1+j]); ok {
					b.WriteString(letters)
					i += j + 1
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// dropBrackets removes bracketed text, nested or not (etymologies,
// "[Obs.]", "[1913 Webster]"). A '[' that is never closed becomes a space.
func dropBrackets(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '[' {
			b.WriteByte(s[i])
			continue
		}
		depth, j := 0, i
		for ; j < len(s); j++ {
			if s[j] == '[' {
				depth++
			} else if s[j] == ']' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		b.WriteByte(' ')
		if j < len(s) {
			i = j
		}
	}
	return b.String()
}

// stripMarks removes GCIDE's syllable marks ('*'), backslashes around
// pronunciations, and stress marks ('"', '`') between two letters, so that
// `Un*wor"thi*ly` reads "Unworthily".
func stripMarks(s string) string {
	if !strings.ContainsAny(s, "*\\\"`") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*', '\\':
			continue
		case '"', '`':
			if i > 0 && i+1 < len(s) && isASCIILetter(s[i-1]) && isASCIILetter(s[i+1]) {
				continue
			}
			b = append(b, c)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isASCIILetter(c byte) bool { c |= 0x20; return 'a' <= c && c <= 'z' }
