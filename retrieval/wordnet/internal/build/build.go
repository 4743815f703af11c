// Package build turns a WordNet 3.0 database directory into the compact
// lexicon file embedded by package wordnet. Its output is a pure function of
// the input files: everything is sorted and hash tables are filled in
// sorted order, so running it twice gives the same bytes.
package build

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/format"
)

// posNames are the WordNet file name parts, by format POS index.
var posNames = [format.NumPOS]string{"noun", "verb", "adj", "adv"}

// Build reads the WordNet database in srcDir (index.*, data.* and *.exc for
// noun, verb, adj and adv, and cntlist.rev, as installed by Debian's
// wordnet-base in /usr/share/wordnet) and writes the lexicon file
// described in package format to w. Relations are derived as follows, with
// the rank of a sense counted from 1 in the order of the lemma's index.pos
// entry:
//
//   - Synonym: every other member of a synset ranked at most
//     format.MaxSynonymRank among the lemma's senses, weight 0.6/rank.
//   - Derived: both ends of every "+" (derivationally related form)
//     pointer, weight 0.8/rank of the sense the pointer hangs on.
//   - Pertainym: both ends of every "\" pointer (adjective pertains to
//     noun, adverb derived from adjective), weight 0.8/rank likewise.
//   - Hypernym and Hyponym: from a noun or verb lemma's senses ranked at
//     most format.MaxTaxonomyRank, the words of the synsets one "@"
//     (hypernym) or "~" (hyponym) pointer away, weight 0.15/rank. Hyponyms
//     come only from synsets with at most format.MaxHyponymSynsets of
//     them, and at most format.MaxHyponyms per lemma and part of speech.
//     Instance pointers ("@i", "~i") are not read, and no such link starts
//     or ends at a name (a word its synset writes capitalised, or a lemma
//     isName reports), so names are never reached through them.
//
// Lemmas are lowercased with underscores turned into spaces and adjective
// markers such as "(a)" removed. Lemmas of more than format.MaxPhraseWords
// words are dropped with all their relations, as are links from a lemma to
// itself. Of several relations between the same two lemmas the one with
// the highest weight is kept (ties go to the smaller kind).
//
// A lemma's sense count is the sum of the synset_cnt fields of its index.pos
// entries. Its tag count is the sum of the tag_cnt fields of the
// cntlist.rev lines whose sense key names it (the part before '%',
// normalized like a lemma), whatever the part of speech; lines naming a
// word that no index file lists (cntlist.rev keeps some senses WordNet 3.0
// dropped) count only toward the total of all tag counts. Whether a lemma
// is a name is decided by isName, from how its noun sense 1 is written and
// the tag counts of its senses.
func Build(srcDir string, w io.Writer) error {
	db, err := load(srcDir)
	if err != nil {
		return err
	}
	payload, err := db.encode()
	if err != nil {
		return err
	}
	if _, err := w.Write(payload); err != nil {
		return fmt.Errorf("build: write lexicon: %w", err)
	}
	return nil
}

// synset is one line of a data.pos file, reduced to what the lexicon needs.
type synset struct {
	words   []string // normalized lemmas, in synset order (word number - 1)
	capital []bool   // whether words[i] is written capitalised, see capitalised
	ptrs    []pointer
}

// pointer is a "+", "\", "@" or "~" pointer of a synset.
type pointer struct {
	kind     uint8 // format.Derived, format.Pertainym, format.Hypernym or format.Hyponym
	pos      int
	offset   uint32
	src, tgt int // word numbers counted from 1; 0 means every word
}

type pairKey struct{ from, to string }

type relation struct {
	kind uint8
	rank int
}

// database is the parsed WordNet database.
type database struct {
	senses  [format.NumPOS]map[string][]uint32 // lemma -> synset offsets, sense 1 first
	synsets [format.NumPOS]map[uint32]*synset
	exc     [format.NumPOS]map[string][]string // inflected form -> base forms
	rels    map[pairKey]relation
	tags    map[string]uint64 // lemma -> sum of its cntlist.rev tag counts
	total   uint64            // sum of all cntlist.rev tag counts
	// senseTags holds the cntlist.rev tag count of each sense.
	senseTags map[senseKey]uint64
}

// senseKey names one sense of a lemma: its part of speech and its sense
// number (from 1) in that part of speech.
type senseKey struct {
	lemma string
	pos   int
	num   int
}

func load(dir string) (*database, error) {
	db := &database{rels: make(map[pairKey]relation)}
	for p, name := range posNames {
		var err error
		if db.senses[p], err = readIndex(filepath.Join(dir, "index."+name)); err != nil {
			return nil, err
		}
		if db.synsets[p], err = readData(filepath.Join(dir, "data."+name)); err != nil {
			return nil, err
		}
		if db.exc[p], err = readExceptions(filepath.Join(dir, name+".exc")); err != nil {
			return nil, err
		}
	}
	var err error
	if db.tags, db.senseTags, db.total, err = readCntlist(filepath.Join(dir, "cntlist.rev")); err != nil {
		return nil, err
	}
	if err := db.collectRelations(); err != nil {
		return nil, err
	}
	return db, nil
}

// normalize turns a WordNet word or lemma into quotebot's lemma form.
func normalize(word string) string {
	for _, marker := range []string{"(a)", "(p)", "(ip)"} {
		word = strings.TrimSuffix(word, marker)
	}
	return strings.ToLower(strings.ReplaceAll(word, "_", " "))
}

func wordCount(lemma string) int { return strings.Count(lemma, " ") + 1 }

// lines returns the lines of a WordNet file, without the license header
// lines that start with two spaces.
func lines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	var out []string
	for line := range strings.SplitSeq(string(b), "\n") {
		line = strings.TrimRight(line, " \r")
		if line == "" || strings.HasPrefix(line, "  ") {
			continue
		}
		out = append(out, line)
	}
	return out, nil
}

func readIndex(path string) (map[string][]uint32, error) {
	ls, err := lines(path)
	if err != nil {
		return nil, err
	}
	senses := make(map[string][]uint32, len(ls))
	for n, line := range ls {
		f := strings.Fields(line)
		bad := func(why string) error {
			return fmt.Errorf("build: %s: entry %d (%q): %s", path, n+1, f[0], why)
		}
		if len(f) < 6 {
			return nil, bad("too few fields")
		}
		synsetCnt, err1 := strconv.Atoi(f[2])
		ptrCnt, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil || synsetCnt < 1 || ptrCnt < 0 {
			return nil, bad("bad counts")
		}
		offs := f[4+ptrCnt+2:]
		if len(offs) != synsetCnt {
			return nil, bad(fmt.Sprintf("%d synset offsets, want %d", len(offs), synsetCnt))
		}
		lemma := normalize(f[0])
		if _, dup := senses[lemma]; dup {
			return nil, bad("duplicate lemma")
		}
		list := make([]uint32, len(offs))
		for i, o := range offs {
			v, err := strconv.ParseUint(o, 10, 32)
			if err != nil {
				return nil, bad(fmt.Sprintf("synset offset: %v", err))
			}
			list[i] = uint32(v)
		}
		senses[lemma] = list
	}
	return senses, nil
}

// pointerPOS maps the pos field of a pointer to a format POS index; "s"
// (adjective satellite) lives in data.adj.
var pointerPOS = map[string]int{"n": format.Noun, "v": format.Verb, "a": format.Adj, "s": format.Adj, "r": format.Adv}

func readData(path string) (map[uint32]*synset, error) {
	ls, err := lines(path)
	if err != nil {
		return nil, err
	}
	synsets := make(map[uint32]*synset, len(ls))
	for _, line := range ls {
		head, _, _ := strings.Cut(line, " | ")
		f := strings.Fields(head)
		bad := func(why string) error {
			return fmt.Errorf("build: %s: synset %s: %s", path, f[0], why)
		}
		if len(f) < 4 {
			return nil, bad("too few fields")
		}
		off, err := strconv.ParseUint(f[0], 10, 32)
		if err != nil {
			return nil, bad(fmt.Sprintf("offset: %v", err))
		}
		wcnt, err := strconv.ParseUint(f[3], 16, 8)
		if err != nil || wcnt == 0 || len(f) < 5+2*int(wcnt) {
			return nil, bad("bad word count")
		}
		s := &synset{}
		for i := range int(wcnt) {
			s.words = append(s.words, normalize(f[4+2*i]))
			s.capital = append(s.capital, capitalised(f[4+2*i]))
		}
		rest := f[4+2*wcnt:]
		pcnt, err := strconv.Atoi(rest[0])
		if err != nil || len(rest) < 1+4*pcnt {
			return nil, bad("bad pointer count")
		}
		for i := range pcnt {
			p := rest[1+4*i : 5+4*i]
			var kind uint8
			switch p[0] {
			case "+":
				kind = format.Derived
			case `\`:
				kind = format.Pertainym
			case "@":
				kind = format.Hypernym
			case "~":
				kind = format.Hyponym
			default:
				continue
			}
			toff, err1 := strconv.ParseUint(p[1], 10, 32)
			tpos, ok := pointerPOS[p[2]]
			st, err2 := strconv.ParseUint(p[3], 16, 16)
			if err1 != nil || !ok || err2 != nil || len(p[3]) != 4 {
				return nil, bad(fmt.Sprintf("bad pointer %q", strings.Join(p, " ")))
			}
			s.ptrs = append(s.ptrs, pointer{kind: kind, pos: tpos, offset: uint32(toff), src: int(st >> 8), tgt: int(st & 0xff)})
		}
		synsets[uint32(off)] = s
	}
	return synsets, nil
}

func readExceptions(path string) (map[string][]string, error) {
	ls, err := lines(path)
	if err != nil {
		return nil, err
	}
	exc := make(map[string][]string, len(ls))
	for n, line := range ls {
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil, fmt.Errorf("build: %s: line %d: want a form and at least one base form", path, n+1)
		}
		form := normalize(f[0])
		for _, b := range f[1:] {
			if b := normalize(b); !slices.Contains(exc[form], b) {
				exc[form] = append(exc[form], b)
			}
		}
	}
	return exc, nil
}

// sensePOS maps the ss_type digit of a sense key to a format POS index; 5
// (adjective satellite) is an adjective.
var sensePOS = map[byte]int{'1': format.Noun, '2': format.Verb, '3': format.Adj, '4': format.Adv, '5': format.Adj}

// readCntlist reads cntlist.rev, whose lines are "sense_key sense_number
// tag_cnt", and returns the tag counts summed by the lemma of the sense key,
// the tag count of each sense and the sum of all of them.
func readCntlist(path string) (map[string]uint64, map[senseKey]uint64, uint64, error) {
	ls, err := lines(path)
	if err != nil {
		return nil, nil, 0, err
	}
	tags := make(map[string]uint64, len(ls))
	senseTags := make(map[senseKey]uint64, len(ls))
	var total uint64
	for n, line := range ls {
		f := strings.Fields(line)
		bad := func(why string) error {
			return fmt.Errorf("build: %s: line %d (%q): %s", path, n+1, line, why)
		}
		if len(f) != 3 {
			return nil, nil, 0, bad("want sense key, sense number and tag count")
		}
		word, rest, ok := strings.Cut(f[0], "%")
		if !ok || word == "" || rest == "" {
			return nil, nil, 0, bad("bad sense key")
		}
		pos, ok := sensePOS[rest[0]]
		if !ok {
			return nil, nil, 0, bad("bad sense key")
		}
		num, err := strconv.ParseUint(f[1], 10, 16)
		if err != nil {
			return nil, nil, 0, bad(fmt.Sprintf("sense number: %v", err))
		}
		cnt, err := strconv.ParseUint(f[2], 10, 32)
		if err != nil {
			return nil, nil, 0, bad(fmt.Sprintf("tag count: %v", err))
		}
		lemma := normalize(word)
		tags[lemma] += cnt
		senseTags[senseKey{lemma, pos, int(num)}] += cnt
		total += cnt
		if total > math.MaxUint32 {
			return nil, nil, 0, bad("tag counts sum beyond the format's 2^32-1")
		}
	}
	return tags, senseTags, total, nil
}

// capitalised reports whether a word field of a data.pos file is written
// as a proper name: one of its words, split at underscores and hyphens, is
// longer than one letter and starts with an upper-case letter ("Peru",
// "People's_Republic_of_China", "NATO", "mainland_China", "al-Qaeda"). A
// lone capital letter does not count, as it marks a symbol or a shape
// rather than a name ("X_ray", "A" for angstrom, "T-shirt").
func capitalised(word string) bool {
	for w := range strings.FieldsFuncSeq(word, func(r rune) bool { return r == '_' || r == '-' }) {
		if r, size := utf8.DecodeRuneInString(w); unicode.IsUpper(r) && len(w) > size {
			return true
		}
	}
	return false
}

// isName reports whether lemma is a name: its most frequent noun sense
// (sense 1 in index.noun) is written capitalised in its synset, and none of
// its verb, adjective or adverb senses was tagged more often than that noun
// sense in cntlist.rev. So "peru" and "china" (sense 1 the country, sense
// 2 the porcelain) are names, while "turkey" (sense 1 the bird), "bill"
// and "march" (sense 1 the month, tagged 16 times, but the verb's sense 1
// was tagged 24 times) are not.
func (db *database) isName(lemma string) bool {
	offs := db.senses[format.Noun][lemma]
	if len(offs) == 0 {
		return false
	}
	s := db.synsets[format.Noun][offs[0]]
	found := false
	for i, w := range s.words {
		if w == lemma {
			if !s.capital[i] {
				return false
			}
			found = true
		}
	}
	if !found {
		return false
	}
	top := db.senseTags[senseKey{lemma, format.Noun, 1}]
	for p := format.Verb; p < format.NumPOS; p++ {
		for k := range db.senses[p][lemma] {
			if db.senseTags[senseKey{lemma, p, k + 1}] > top {
				return false
			}
		}
	}
	return true
}

// rarelyNoun reports whether lemma's senses of other parts of speech are
// tagged more than format.RareNounRatio times as often as its noun senses
// (see format.RareNounFlag).
func (db *database) rarelyNoun(lemma string) bool {
	var noun, other uint64
	for p := range format.NumPOS {
		for k := range db.senses[p][lemma] {
			n := db.senseTags[senseKey{lemma, p, k + 1}]
			if p == format.Noun {
				noun += n
			} else {
				other += n
			}
		}
	}
	return other > format.RareNounRatio*noun
}

// rank returns the sense number (from 1) of synset off among lemma's senses
// in part of speech p.
func (db *database) rank(lemma string, p int, off uint32) (int, error) {
	i := slices.Index(db.senses[p][lemma], off)
	if i < 0 {
		return 0, fmt.Errorf("build: %s synset %08d holds %q, which index.%s does not list for it", posNames[p], off, lemma, posNames[p])
	}
	return i + 1, nil
}

// add records a relation from one lemma to another, keeping the stronger
// of two relations between the same lemmas.
func (db *database) add(from, to string, kind uint8, rank int) {
	if from == to || wordCount(from) > format.MaxPhraseWords || wordCount(to) > format.MaxPhraseWords {
		return
	}
	k := pairKey{from, to}
	r := relation{kind: kind, rank: rank}
	if old, ok := db.rels[k]; ok && !stronger(r, old) {
		return
	}
	db.rels[k] = r
}

// stronger reports whether a should replace b: higher weight, then smaller
// kind, then smaller rank.
func stronger(a, b relation) bool {
	wa, wb := format.Weight(a.kind, a.rank), format.Weight(b.kind, b.rank)
	if wa != wb {
		return wa > wb
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.rank < b.rank
}

// wordsAt returns the words a pointer end designates: word number n
// (from 1) or, for 0, all of them.
func wordsAt(s *synset, n int) ([]string, bool) {
	if n == 0 {
		return s.words, true
	}
	if n > len(s.words) {
		return nil, false
	}
	return s.words[n-1 : n], true
}

func (db *database) collectRelations() error {
	for p := range format.NumPOS {
		offs := make([]uint32, 0, len(db.synsets[p]))
		for off := range db.synsets[p] {
			offs = append(offs, off)
		}
		slices.Sort(offs)
		for _, off := range offs {
			s := db.synsets[p][off]
			for _, a := range s.words {
				r, err := db.rank(a, p, off)
				if err != nil {
					return err
				}
				if r > format.MaxSynonymRank {
					continue
				}
				for _, b := range s.words {
					db.add(a, b, format.Synonym, r)
				}
			}
			for _, ptr := range s.ptrs {
				if taxonomic(ptr.kind) {
					continue
				}
				t, ok := db.synsets[ptr.pos][ptr.offset]
				if !ok {
					return fmt.Errorf("build: %s synset %08d: pointer to missing %s synset %08d", posNames[p], off, posNames[ptr.pos], ptr.offset)
				}
				from, ok1 := wordsAt(s, ptr.src)
				to, ok2 := wordsAt(t, ptr.tgt)
				if !ok1 || !ok2 {
					return fmt.Errorf("build: %s synset %08d: pointer word number out of range", posNames[p], off)
				}
				for _, a := range from {
					ra, err := db.rank(a, p, off)
					if err != nil {
						return err
					}
					for _, b := range to {
						rb, err := db.rank(b, ptr.pos, ptr.offset)
						if err != nil {
							return err
						}
						db.add(a, b, ptr.kind, ra)
						db.add(b, a, ptr.kind, rb)
					}
				}
			}
		}
	}
	return db.collectTaxonomy()
}

// taxonomic reports whether kind is Hypernym or Hyponym, the relations
// collectTaxonomy adds.
func taxonomic(kind uint8) bool { return kind == format.Hypernym || kind == format.Hyponym }

// collectTaxonomy adds the Hypernym and Hyponym relations described at
// Build, visiting lemmas in order and each lemma's senses by rank so that
// format.MaxHyponyms keeps the hyponyms of its most frequent senses.
func (db *database) collectTaxonomy() error {
	for _, p := range []int{format.Noun, format.Verb} {
		lemmas := make([]string, 0, len(db.senses[p]))
		for lemma := range db.senses[p] {
			lemmas = append(lemmas, lemma)
		}
		slices.Sort(lemmas)
		for _, a := range lemmas {
			if db.isName(a) {
				continue
			}
			hyponyms := 0
			for i, off := range db.senses[p][a] {
				rank := i + 1
				if rank > format.MaxTaxonomyRank {
					break
				}
				s, ok := db.synsets[p][off]
				if !ok {
					return fmt.Errorf("build: index.%s lists %q in missing synset %08d", posNames[p], a, off)
				}
				if s.writesCapitalised(a) {
					continue
				}
				narrow := s.count(format.Hyponym) <= format.MaxHyponymSynsets
				for _, ptr := range s.ptrs {
					if !taxonomic(ptr.kind) || (ptr.kind == format.Hyponym && !narrow) {
						continue
					}
					t, ok := db.synsets[ptr.pos][ptr.offset]
					if !ok {
						return fmt.Errorf("build: %s synset %08d: pointer to missing %s synset %08d", posNames[p], off, posNames[ptr.pos], ptr.offset)
					}
					for j, b := range t.words {
						if t.capital[j] || db.isName(b) {
							continue
						}
						if ptr.kind == format.Hyponym {
							if hyponyms == format.MaxHyponyms {
								break
							}
							hyponyms++
						}
						db.add(a, b, ptr.kind, rank)
					}
				}
			}
		}
	}
	return nil
}

// writesCapitalised reports whether s writes lemma capitalised.
func (s *synset) writesCapitalised(lemma string) bool {
	for i, w := range s.words {
		if w == lemma && s.capital[i] {
			return true
		}
	}
	return false
}

// count returns the number of pointers of kind s has.
func (s *synset) count(kind uint8) int {
	n := 0
	for _, p := range s.ptrs {
		if p.kind == kind {
			n++
		}
	}
	return n
}

// encode lays the database out as described in package format.
func (db *database) encode() ([]byte, error) {
	posMask := make(map[string]uint8)
	for p := range format.NumPOS {
		for lemma := range db.senses[p] {
			if wordCount(lemma) <= format.MaxPhraseWords {
				posMask[lemma] |= 1 << p
			}
		}
	}
	lemmas := make([]string, 0, len(posMask))
	maxWords := 0
	for lemma := range posMask {
		lemmas = append(lemmas, lemma)
		maxWords = max(maxWords, wordCount(lemma))
	}
	slices.Sort(lemmas)
	if len(lemmas) > format.MaxIDs || len(lemmas) > format.MaxTarget+1 {
		return nil, fmt.Errorf("build: %d lemmas, beyond the format's %d", len(lemmas), format.MaxIDs)
	}
	id := make(map[string]int, len(lemmas))
	for i, lemma := range lemmas {
		id[lemma] = i
	}

	var s sections
	s.strings(format.LemmaOff, format.LemmaText, lemmas)
	for _, lemma := range lemmas {
		senses := 0
		for p := range format.NumPOS {
			senses += len(db.senses[p][lemma])
		}
		if senses > format.MaxSenses {
			return nil, fmt.Errorf("build: %q has %d senses, beyond the format's %d", lemma, senses, format.MaxSenses)
		}
		s[format.Senses] = binary.LittleEndian.AppendUint16(s[format.Senses], uint16(senses))
		mask := posMask[lemma]
		if db.isName(lemma) {
			mask |= format.NameFlag
		}
		if db.rarelyNoun(lemma) {
			mask |= format.RareNounFlag
		}
		s[format.POSMask] = append(s[format.POSMask], mask)
		s.u32(format.Tags, uint32(db.tags[lemma]))
	}
	s.table(format.LemmaSlots, lemmas)

	var prefixes []string
	first := make(map[string]bool)
	var prefixID []int
	for i, lemma := range lemmas {
		for k := range len(lemma) {
			if lemma[k] == ' ' && !first[lemma[:k]] {
				first[lemma[:k]] = true
				prefixes = append(prefixes, lemma[:k])
				prefixID = append(prefixID, i)
			}
		}
	}
	s.tableIDs(format.PrefixSlots, prefixes, prefixID)

	type target struct {
		id int
		relation
	}
	bySource := make([][]target, len(lemmas))
	for k, r := range db.rels {
		from, ok1 := id[k.from]
		to, ok2 := id[k.to]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("build: relation %q -> %q names a lemma missing from the index files", k.from, k.to)
		}
		bySource[from] = append(bySource[from], target{to, r})
	}
	s.u32(format.RelOff, 0)
	nRels := 0
	for from, ts := range bySource {
		slices.SortFunc(ts, func(a, b target) int {
			wa, wb := format.Weight(a.kind, a.rank), format.Weight(b.kind, b.rank)
			if c := cmp.Compare(wb, wa); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
		for _, t := range ts {
			if t.rank > format.MaxRank {
				return nil, fmt.Errorf("build: %q has a sense ranked %d, beyond the format's %d", lemmas[from], t.rank, format.MaxRank)
			}
			s.u32(format.Rels, format.PackRelation(uint32(t.id), t.kind, t.rank))
		}
		nRels += len(ts)
		s.u32(format.RelOff, uint32(nRels))
	}

	type exception struct {
		listed uint8
		bases  []uint32 // lemma ID<<2 | POS index
	}
	excs := make(map[string]*exception)
	for p := range format.NumPOS {
		for form, bases := range db.exc[p] {
			if wordCount(form) > format.MaxPhraseWords {
				continue
			}
			e := excs[form]
			if e == nil {
				e = &exception{}
				excs[form] = e
			}
			e.listed |= 1 << p
			for _, b := range bases {
				if i, ok := id[b]; ok && posMask[b]&(1<<p) != 0 {
					e.bases = append(e.bases, uint32(i)<<2|uint32(p))
				}
			}
		}
	}
	forms := make([]string, 0, len(excs))
	for form := range excs {
		forms = append(forms, form)
	}
	slices.Sort(forms)
	if len(forms) > format.MaxIDs {
		return nil, fmt.Errorf("build: %d exception forms, beyond the format's %d", len(forms), format.MaxIDs)
	}
	s.strings(format.ExcOff, format.ExcText, forms)
	s.u32(format.BaseOff, 0)
	nBases := 0
	for _, form := range forms {
		e := excs[form]
		s[format.ExcListed] = append(s[format.ExcListed], e.listed)
		for _, b := range e.bases {
			s.u32(format.Bases, b)
		}
		nBases += len(e.bases)
		s.u32(format.BaseOff, uint32(nBases))
	}
	s.table(format.ExcSlots, forms)

	h := format.Header{
		MaxPhraseWords: uint32(maxWords),
		TotalTagCount:  uint32(db.total),
		Lemmas:         uint32(len(lemmas)),
		LemmaBytes:     uint32(len(s[format.LemmaText])),
		Relations:      uint32(nRels),
		LemmaSlots:     format.Slots(len(lemmas)),
		PrefixSlots:    format.Slots(len(prefixes)),
		Exceptions:     uint32(len(forms)),
		ExceptionBytes: uint32(len(s[format.ExcText])),
		Bases:          uint32(nBases),
		ExceptionSlots: format.Slots(len(forms)),
	}
	out := h.Append(make([]byte, 0, h.Size()))
	for sec, span := range h.Layout() {
		if uint64(len(out)) != span.Start || uint64(len(s[sec])) != span.End-span.Start {
			return nil, fmt.Errorf("build: section %d has %d bytes at %d, the layout says %d at %d",
				sec, len(s[sec]), len(out), span.End-span.Start, span.Start)
		}
		out = append(out, s[sec]...)
	}
	if len(out) > math.MaxUint32 {
		return nil, fmt.Errorf("build: %d bytes, beyond the format's 32-bit offsets", len(out))
	}
	return out, nil
}

// sections holds the bytes of each section of the file as they are built.
type sections [format.NumSections][]byte

func (s *sections) u32(sec format.Section, v uint32) {
	s[sec] = binary.LittleEndian.AppendUint32(s[sec], v)
}

// strings writes a list of strings: their concatenation into text and their
// offsets, from 0, into off.
func (s *sections) strings(off, text format.Section, list []string) {
	s.u32(off, 0)
	for _, str := range list {
		s[text] = append(s[text], str...)
		s.u32(off, uint32(len(s[text])))
	}
}

// table writes the hash table of keys, key i under ID i.
func (s *sections) table(sec format.Section, keys []string) {
	ids := make([]int, len(keys))
	for i := range ids {
		ids[i] = i
	}
	s.tableIDs(sec, keys, ids)
}

// tableIDs writes the hash table of keys, key i under ids[i], inserting
// keys in order with linear probing as package format describes.
func (s *sections) tableIDs(sec format.Section, keys []string, ids []int) {
	slots := make([]uint32, format.Slots(len(keys)))
	mask := uint32(len(slots) - 1)
	for i, k := range keys {
		h := format.Hash(k)
		j := uint32(h) & mask
		for slots[j] != 0 {
			j = (j + 1) & mask
		}
		slots[j] = format.Entry(h, ids[i])
	}
	for _, v := range slots {
		s.u32(sec, v)
	}
}
