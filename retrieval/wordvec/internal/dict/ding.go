package dict

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Ding reads the English synonym groups of the Ding English–German
// dictionary as Debian's dict-freedict-eng-deu installs it in dir
// (freedict-eng-deu.index and freedict-eng-deu.dict.dz, dictzip files that
// compress/gzip reads as a whole) and returns them in file order, each
// group once.
//
// An article is one sense of one English headword:
//
//	withdraw /wɪθdɹˈɔː/ <v>
//	aus einer Institution austreten, ausscheiden <v, intr> [adm.]
//	      "resign/withdraw from a party"  - aus einer Partei austreten
//	   Synonyms: {resign}, {leave}, {quit}
//
//	 see: {withdrawing}, {resigning}, {withdrawn}, …
//
// Its group is the headword (the first line up to the pronunciation
// " /…/", or else up to a "<" or "(" marker) followed by the phrases in
// braces of its "Synonyms:" or "Synonym:" lines. Articles without such a
// line (most of them, and the "00database…" information entries) give no
// group; German lines, quoted examples, notes and "see:" lines (inflected
// forms and related phrases, not synonyms) are ignored.
//
// The Synonyms list is the other English keywords of the Ding line the
// article came from (FreeDict's importer splits a line's keywords into
// articles that point to one another), that is, the English words that
// share that line's German translations. Headwords whose German lines are
// merely identical are not grouped further: translations of one German
// word across lines ("Lauf": run, course, barrel) share a German
// polysemy, not an English meaning.
//
// Each phrase is cleaned (see dingPhrase) and lowercased; a group is kept
// if it has at least two distinct phrases, and once: each member's article
// repeats the group, which would otherwise count it once per member.
func Ding(dir string) ([][]string, error) {
	spans, err := readIndex("ding", filepath.Join(dir, "freedict-eng-deu.index"))
	if err != nil {
		return nil, err
	}
	text, err := readDict("ding", filepath.Join(dir, "freedict-eng-deu.dict.dz"))
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool)
	var groups [][]string
	for _, s := range spans {
		if s.off+s.n > len(text) {
			return nil, fmt.Errorf("ding: index span %d+%d past the end of the dictionary (%d bytes)", s.off, s.n, len(text))
		}
		g := dingGroup(text[s.off : s.off+s.n])
		if len(g) < 2 {
			continue
		}
		key := slices.Clone(g)
		slices.Sort(key)
		if k := strings.Join(key, "\x00"); !seen[k] {
			seen[k] = true
			groups = append(groups, g)
		}
	}
	return groups, nil
}

// dingGroup returns the cleaned, distinct phrases of one article's group,
// headword first, or nil if the article lists no synonyms.
func dingGroup(article string) []string {
	first, rest, _ := strings.Cut(article, "\n")
	head, ok := dingHeadword(first)
	if !ok {
		return nil
	}
	var syns []string
	for line := range strings.SplitSeq(rest, "\n") {
		line = strings.TrimSpace(line)
		list, ok := strings.CutPrefix(line, "Synonyms:")
		if !ok {
			list, ok = strings.CutPrefix(line, "Synonym:")
		}
		if !ok {
			continue
		}
		for {
			_, after, ok := strings.Cut(list, "{")
			if !ok {
				break
			}
			phrase, after2, ok := strings.Cut(after, "}")
			if !ok {
				break
			}
			syns = append(syns, phrase)
			list = after2
		}
	}
	if len(syns) == 0 {
		return nil
	}
	var g []string
	for _, p := range append([]string{head}, syns...) {
		if p = dingPhrase(p); p != "" && !slices.Contains(g, p) {
			g = append(g, p)
		}
	}
	return g
}

// dingHeadword returns the headword of an article's first line: the text
// before the pronunciation (" /"), or, without one, before a marker (" <"
// or " ("). A line with neither is not an article.
func dingHeadword(line string) (string, bool) {
	cut := -1
	for _, m := range []string{" /", " <", " ("} {
		if i := strings.Index(line, m); i > 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut < 0 {
		return "", false
	}
	return line[:cut], true
}

// dingPlaceholders are Ding's stand-ins for an object ("pull out from
// sth.", "sb.'s"), longest first, removed from phrases: they are not
// words of the meaning, and as tokens ("sth", "sb") they would be among
// the commonest of the group entries.
var dingPlaceholders = []string{"sb./sth.", "sth./sb.", "sb.'s", "sth.'s", "sb.", "sth."}

// dingPhrase cleans one phrase: placeholders and parenthesised optional
// parts ("backward(s) compatibility", "exhaust (end) section") removed, a
// verb's "to " dropped, spaces collapsed and the result lowercased.
func dingPhrase(p string) string {
	for _, ph := range dingPlaceholders {
		p = strings.ReplaceAll(p, ph, " ")
	}
	var b strings.Builder
	depth := 0
	for _, r := range p {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
			b.WriteByte(' ')
		case depth == 0:
			b.WriteRune(r)
		}
	}
	p = strings.ToLower(strings.Join(strings.Fields(b.String()), " "))
	return strings.TrimPrefix(p, "to ")
}

// DingEntries calls emit with the training entries of Ding's synonym
// groups, in order: each group's phrases become the headwords of one
// entry, so that every word is paired with every other, and a phrase
// becomes one '_'-joined headword only if lemmas (WordNet's) has it, as
// for the thesaurus (Thesaurus.Entries); otherwise its words go into the
// entry's one sense. A group of more than maxWords phrases (maxWords ≥ 2)
// is split into entries that each keep its headword (its first phrase).
func DingEntries(groups [][]string, lemmas map[string]bool, maxWords int, emit func(Entry)) {
	for _, g := range groups {
		for _, chunk := range chunkGroup(g[:1], g[1:], max(maxWords, 2)) {
			var e Entry
			var text []string
			for _, p := range chunk {
				e.Heads, text = addHead(e.Heads, text, Join(p), lemmas)
			}
			e.Senses = [][]string{text}
			emit(e)
		}
	}
}

// chunkGroup splits a group of title and rest into lists of at most n
// items, each the title followed by the next items of rest; a group of at
// most n items is one list. n must exceed len(title).
func chunkGroup[T any](title, rest []T, n int) [][]T {
	if len(title)+len(rest) <= n {
		return [][]T{append(slices.Clone(title), rest...)}
	}
	per := n - len(title)
	var out [][]T
	for len(rest) > 0 {
		k := min(per, len(rest))
		out = append(out, append(slices.Clone(title), rest[:k]...))
		rest = rest[k:]
	}
	return out
}
