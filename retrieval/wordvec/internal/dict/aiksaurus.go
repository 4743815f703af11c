package dict

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Thesaurus is the Aiksaurus thesaurus (derived from the public-domain
// Moby thesaurus) as Debian's libaiksaurus-1.2-data installs it: its words
// and its meanings, each a group of words related in one sense.
type Thesaurus struct {
	// Words are the thesaurus's words and phrases as the aiksaurus command
	// prints them: words of a phrase separated by spaces ("pull out"),
	// case and hyphens kept ("Ash Wednesday", "clear-cut").
	Words []string
	// Meanings are the groups, in file order; their numbers are the
	// indices the meaning lists of WordMeanings refer to.
	Meanings []Meaning
	// WordMeanings lists, for each word, the meanings the thesaurus shows
	// when the word is looked up, in its order.
	WordMeanings [][]int
}

// Meaning is one group of words related in one sense.
type Meaning struct {
	// Title are the two words that name the meaning; the aiksaurus command
	// heads a group with one of them. Both are also in Words.
	Title [2]int
	// Words are the group's words as indices into Thesaurus.Words, in file
	// order (alphabetical).
	Words []int
}

// ErrAiksaurusFormat reports a words.dat or meanings.dat that does not
// follow the format ReadAiksaurus documents.
var ErrAiksaurusFormat = errors.New("aiksaurus: bad file")

// maxAiksaurusFile bounds each file read (Debian's are 394 KB and 126 KB;
// 16-bit word numbers cannot address more than a few megabytes of words).
const maxAiksaurusFile = 16 << 20

// aiksaurusEnd ends every list of 16-bit numbers in both files.
const aiksaurusEnd = 0xffff

// ReadAiksaurus reads words.dat and meanings.dat in dir (Debian installs
// them in /usr/share/aiksaurus). The format, from aiksaurus's source and
// checked against the aiksaurus command:
//
//   - words.dat is, for each word in alphabetical order, its spelling
//     (ASCII, ':' for a space) ending in a 0 byte, then the numbers of the
//     meanings that list it, each a big-endian uint16, ending in 0xffff.
//     A word's number is its position in this file, counted from 0.
//   - meanings.dat is, for each meaning, the numbers of its two title
//     words and then of all its words, each a big-endian uint16, ending in
//     0xffff. A meaning's number is its position, counted from 0.
//
// Any number out of range, a list without its end mark or a meaning
// without a title is an ErrAiksaurusFormat error.
func ReadAiksaurus(dir string) (*Thesaurus, error) {
	wb, err := readSmallFile(filepath.Join(dir, "words.dat"))
	if err != nil {
		return nil, err
	}
	mb, err := readSmallFile(filepath.Join(dir, "meanings.dat"))
	if err != nil {
		return nil, err
	}
	th := &Thesaurus{}
	if th.Words, th.WordMeanings, err = parseAiksaurusWords(wb); err != nil {
		return nil, fmt.Errorf("%w: words.dat: %v", ErrAiksaurusFormat, err)
	}
	if th.Meanings, err = parseAiksaurusMeanings(mb, len(th.Words)); err != nil {
		return nil, fmt.Errorf("%w: meanings.dat: %v", ErrAiksaurusFormat, err)
	}
	for i, ms := range th.WordMeanings {
		for _, m := range ms {
			if m >= len(th.Meanings) {
				return nil, fmt.Errorf("%w: words.dat: word %q lists meaning %d of %d", ErrAiksaurusFormat, th.Words[i], m, len(th.Meanings))
			}
		}
	}
	return th, nil
}

func readSmallFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("aiksaurus: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxAiksaurusFile+1))
	if err != nil {
		return nil, fmt.Errorf("aiksaurus: %s: %w", path, err)
	}
	if len(b) > maxAiksaurusFile {
		return nil, fmt.Errorf("%w: %s: more than %d bytes", ErrAiksaurusFormat, path, maxAiksaurusFile)
	}
	return b, nil
}

// parseAiksaurusWords parses words.dat: the words, ':' turned into spaces,
// and each word's meaning numbers.
func parseAiksaurusWords(b []byte) (words []string, meanings [][]int, err error) {
	for len(b) > 0 {
		if len(words) == aiksaurusEnd {
			return nil, nil, fmt.Errorf("more than %d words", aiksaurusEnd)
		}
		n := 0
		for n < len(b) && b[n] != 0 {
			n++
		}
		if n == len(b) {
			return nil, nil, fmt.Errorf("word %d has no 0 byte", len(words))
		}
		if n == 0 {
			return nil, nil, fmt.Errorf("word %d is empty", len(words))
		}
		w := latin1(b[:n])
		var ms []int
		if ms, b, err = uint16List(b[n+1:]); err != nil {
			return nil, nil, fmt.Errorf("word %q: %v", w, err)
		}
		words = append(words, strings.ReplaceAll(w, ":", " "))
		meanings = append(meanings, ms)
	}
	return words, meanings, nil
}

// parseAiksaurusMeanings parses meanings.dat, whose word numbers must be
// below nWords.
func parseAiksaurusMeanings(b []byte, nWords int) ([]Meaning, error) {
	var out []Meaning
	for len(b) > 0 {
		ids, rest, err := uint16List(b)
		if err != nil {
			return nil, fmt.Errorf("meaning %d: %v", len(out), err)
		}
		b = rest
		if len(ids) < 2 {
			return nil, fmt.Errorf("meaning %d has no title", len(out))
		}
		for _, id := range ids {
			if id >= nWords {
				return nil, fmt.Errorf("meaning %d: word %d of %d", len(out), id, nWords)
			}
		}
		out = append(out, Meaning{Title: [2]int{ids[0], ids[1]}, Words: ids[2:]})
	}
	return out, nil
}

// uint16List returns the big-endian uint16 numbers at the start of b up to
// the 0xffff that ends them, and the bytes after it.
func uint16List(b []byte) (ids []int, rest []byte, err error) {
	for {
		if len(b) < 2 {
			return nil, nil, fmt.Errorf("no 0xffff end mark")
		}
		v := binary.BigEndian.Uint16(b)
		b = b[2:]
		if v == aiksaurusEnd {
			return ids, b, nil
		}
		ids = append(ids, int(v))
	}
}

// latin1 decodes bytes as ISO 8859-1 (the files are ASCII; a stray high
// byte still becomes a letter rather than invalid UTF-8).
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// Entries calls emit with the training entries of the thesaurus, in
// meaning order: each meaning's words become the headwords of one entry,
// so that every word is paired with every other, and a phrase becomes one
// '_'-joined headword only if lemmas (WordNet's) has it, as GCIDE's
// multi-word headwords do; otherwise its words go into the entry's one
// sense, where subsampling thins out particles such as "out" and "up".
// An entry's sense is empty when every word is a headword.
//
// A meaning of more than maxWords words (maxWords ≥ 3) is split into
// entries of at most maxWords words: its two title words in each, the
// rest in file order. Pairings grow with the square of a group's size, so
// without the cap the few largest, loosest groups (Debian's largest has
// 183 words, the median 17) would outweigh hundreds of small ones and
// every member would learn more from them than from its own definitions.
func (th *Thesaurus) Entries(lemmas map[string]bool, maxWords int, emit func(Entry)) {
	for _, m := range th.Meanings {
		for _, chunk := range chunkMeaning(m, max(maxWords, 3)) {
			emit(th.entry(chunk, lemmas))
		}
	}
}

// chunkMeaning splits m's words into lists of at most n words, each with
// the title words first.
func chunkMeaning(m Meaning, n int) [][]int {
	if len(m.Words) <= n {
		return [][]int{m.Words}
	}
	var rest []int
	for _, w := range m.Words {
		if w != m.Title[0] && w != m.Title[1] {
			rest = append(rest, w)
		}
	}
	title := m.Title[:]
	if m.Title[0] == m.Title[1] {
		title = m.Title[:1]
	}
	return chunkGroup(title, rest, n)
}

func (th *Thesaurus) entry(ids []int, lemmas map[string]bool) Entry {
	var e Entry
	var text []string
	for _, id := range ids {
		e.Heads, text = addHead(e.Heads, text, Join(th.Words[id]), lemmas)
	}
	e.Senses = [][]string{text}
	return e
}
