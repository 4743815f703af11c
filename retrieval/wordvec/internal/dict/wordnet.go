package dict

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// wordnetFiles are the WordNet data files read, in this order.
var wordnetFiles = []string{"data.noun", "data.verb", "data.adj", "data.adv"}

// WordNet reads the synsets of the WordNet 3.0 database in dir (Debian's
// wordnet-base installs it in /usr/share/wordnet) and calls emit for each,
// in file order (noun, verb, adj, adv) and line order. A synset's heads are
// its lemmas (lowercased, adjective markers such as "(a)" removed, words
// joined by '_'); its one sense is the text after '|': the gloss and its
// quoted examples. The license header lines, which start with a space, are
// skipped.
func WordNet(dir string, emit func(Entry)) error {
	for _, name := range wordnetFiles {
		if err := readWordNetFile(filepath.Join(dir, name), emit); err != nil {
			return err
		}
	}
	return nil
}

// WordNetLemmas returns the set of all WordNet lemmas in dir as headword
// tokens, for telling which multi-word GCIDE headwords to join.
func WordNetLemmas(dir string) (map[string]bool, error) {
	set := make(map[string]bool)
	err := WordNet(dir, func(e Entry) {
		for _, h := range e.Heads {
			set[h] = true
		}
	})
	return set, err
}

func readWordNetFile(path string, emit func(Entry)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("wordnet: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || line[0] == ' ' {
			continue
		}
		e, err := parseSynset(line)
		if err != nil {
			return fmt.Errorf("wordnet: %s:%d: %w", path, n, err)
		}
		emit(e)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("wordnet: %s: %w", path, err)
	}
	return nil
}

// parseSynset parses one line of a data.pos file:
//
//	synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss
func parseSynset(line string) (Entry, error) {
	data, gloss, ok := strings.Cut(line, "|")
	if !ok {
		return Entry{}, fmt.Errorf("no gloss")
	}
	f := strings.Fields(data)
	if len(f) < 4 {
		return Entry{}, fmt.Errorf("short synset line")
	}
	wcnt, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil {
		return Entry{}, fmt.Errorf("w_cnt %q: %w", f[3], err)
	}
	if len(f) < 4+2*int(wcnt) {
		return Entry{}, fmt.Errorf("w_cnt %d but %d fields", wcnt, len(f))
	}
	var e Entry
	for i := range int(wcnt) {
		w := f[4+2*i]
		if j := strings.IndexByte(w, '('); j > 0 {
			w = w[:j] // adjective marker: "(a)", "(p)", "(ip)"
		}
		if h := Join(w); h != "" && !slices.Contains(e.Heads, h) {
			e.Heads = append(e.Heads, h)
		}
	}
	if s := Tokens(nil, gloss); len(s) > 0 {
		e.Senses = [][]string{s}
	}
	return e, nil
}
