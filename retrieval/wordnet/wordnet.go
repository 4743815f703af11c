// Package wordnet is a read-only English lexicon built from Princeton
// WordNet 3.0, for matching word forms in retrieval: it maps inflected
// words to their base forms (Lemmas, following WordNet's morphy) and base
// forms to related lemmas (Related: synonyms, derivationally related forms
// and pertainyms), each with a weight that favours a word's most frequent
// senses. It also tells how general a lemma is: its number of senses
// (Senses) and how often they occur in WordNet's sense-tagged corpus
// (TagCount, TotalTagCount).
//
// The lexicon is generated from Debian's wordnet-base by internal/gen into
// wordnet.bin.gz and embedded in the binary; see LICENSE.wordnet for the
// WordNet license. Lemmas are lowercase, with single spaces between the
// words of a collocation ("prime minister") and no adjective markers.
package wordnet

import (
	"bytes"
	_ "embed"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/format"
)

//go:generate go run ./internal/gen -src /usr/share/wordnet -out wordnet.bin.gz

//go:embed wordnet.bin.gz
var embedded []byte

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
)

// Default returns the lexicon embedded in the binary, decoded once, on the
// first call, and shared by all callers. It panics if the embedded file is
// corrupt, which the package's tests rule out.
func Default() *Lexicon {
	defaultOnce.Do(func() {
		l, err := Decode(bytes.NewReader(embedded))
		if err != nil {
			panic("wordnet: embedded lexicon: " + err.Error())
		}
		defaultLex = l
	})
	return defaultLex
}

// Kind is the kind of link between two lemmas.
type Kind uint8

// Kinds of Relation. Each link is recorded at both of its ends, but Related
// can still list it for one end only, as the synonym rank cutoff and the
// weights depend on the sense ranks at each end.
const (
	// Synonym links members of the same synset ("pact", "treaty").
	Synonym Kind = format.Synonym
	// Pertainym links a relational adjective to its noun and an adverb to
	// its adjective, WordNet's "\" pointers ("economic", "economy").
	Pertainym Kind = format.Pertainym
	// Derived links derivationally related forms, WordNet's "+" pointers
	// ("fishery", "fish"; "agree", "agreement").
	Derived Kind = format.Derived
)

// String returns the lowercase name of k, such as "synonym".
func (k Kind) String() string {
	switch k {
	case Synonym:
		return "synonym"
	case Derived:
		return "derived"
	case Pertainym:
		return "pertainym"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Relation is one lemma linked to another.
type Relation struct {
	Lemma string
	Kind  Kind
	// Weight is in (0, 0.8]: 0.6/rank for a Synonym and 0.8/rank for a
	// Derived or Pertainym relation, where rank (from 1) is the WordNet
	// sense number, within its part of speech, of the queried lemma's sense
	// the link hangs on. Synonyms come only from senses ranked 1 to 3. Of
	// several links to the same lemma the strongest is reported; on equal
	// weights Synonym beats Pertainym beats Derived.
	Weight float32
}

// Lexicon is a read-only English lexicon built from WordNet 3.0; it is
// safe for concurrent use. The zero Lexicon is empty.
type Lexicon struct {
	maxWords int

	words   string   // all lemmas concatenated, in ascending byte order
	wordEnd []uint32 // lemma i is words[wordEnd[i-1]:wordEnd[i]], with wordEnd[-1] = 0
	posMask []uint8  // bit format.Noun etc. set for each part of speech of lemma i
	senses  []uint16 // number of synsets of lemma i
	tags    []uint32 // cntlist.rev tag count of lemma i

	totalTags int // sum of all cntlist.rev tag counts

	relEnd []uint32 // relations of lemma i are rels[relEnd[i-1]:relEnd[i]]
	rels   []rel

	excForms   string // exception forms concatenated, ascending
	excEnd     []uint32
	excListed  []uint8  // bit p set when form i is in exception list p
	excBaseEnd []uint32 // bases of form i are excBases[excBaseEnd[i-1]:excBaseEnd[i]]
	excBases   []uint32 // lemma ID<<2 | POS index
}

// rel is a stored relation; its weight is format.Weight(kind, rank).
type rel struct {
	target uint32
	kind   uint8
	rank   uint8
}

func (l *Lexicon) lemma(i int) string {
	start := uint32(0)
	if i > 0 {
		start = l.wordEnd[i-1]
	}
	return l.words[start:l.wordEnd[i]]
}

// find returns the ID of lemma s, or -1.
func (l *Lexicon) find(s string) int {
	i := sort.Search(len(l.wordEnd), func(i int) bool { return l.lemma(i) >= s })
	if i < len(l.wordEnd) && l.lemma(i) == s {
		return i
	}
	return -1
}

// bases returns the exception-list bases of exception form i, each
// lemma ID<<2 | POS index.
func (l *Lexicon) bases(i int) []uint32 {
	start := uint32(0)
	if i > 0 {
		start = l.excBaseEnd[i-1]
	}
	return l.excBases[start:l.excBaseEnd[i]]
}

// hasPOS reports whether s is a lemma in part of speech p.
func (l *Lexicon) hasPOS(s string, p int) bool {
	i := l.find(s)
	return i >= 0 && l.posMask[i]&(1<<p) != 0
}

// IsLemma reports whether phrase, lowercase with words separated by single
// spaces, is a lemma in any part of speech, e.g. "trade", "free trade",
// "prime minister" or "united states".
func (l *Lexicon) IsLemma(phrase string) bool { return l.find(phrase) >= 0 }

// IsNoun reports whether lemma has a noun sense.
func (l *Lexicon) IsNoun(lemma string) bool { return l.hasPOS(lemma, format.Noun) }

// IsAdjective reports whether lemma has an adjective sense.
func (l *Lexicon) IsAdjective(lemma string) bool { return l.hasPOS(lemma, format.Adj) }

// MaxPhraseWords returns the largest number of words in a lemma, at most 4;
// callers looking for multi-word lemmas in text need not try longer runs.
func (l *Lexicon) MaxPhraseWords() int { return l.maxWords }

// Senses returns the number of WordNet senses (synsets) of lemma over all
// parts of speech, at least 1 for a lemma ("make" has 51: 49 as a verb and
// 2 as a noun); 0 when WordNet does not know it. Like Related, it expects
// a lemma as returned by Lemmas, not an inflected word.
func (l *Lexicon) Senses(lemma string) int {
	if i := l.find(lemma); i >= 0 {
		return int(l.senses[i])
	}
	return 0
}

// TagCount returns how often lemma's senses were tagged in WordNet's
// semantic concordance (cntlist.rev), over all its senses and parts of
// speech: a measure of how common the word is in general English, in the
// hundreds or more for generic words such as "make" and "give", in the
// tens or less for topical ones such as "tax" or "football"; 0 for rare or
// unknown lemmas. Like Related, it expects a lemma as returned by Lemmas.
func (l *Lexicon) TagCount(lemma string) int {
	if i := l.find(lemma); i >= 0 {
		return int(l.tags[i])
	}
	return 0
}

// TotalTagCount returns the sum of all tag counts of WordNet's semantic
// concordance, for turning TagCount into a frequency. It exceeds the sum
// of TagCount over all lemmas by the counts of senses whose words the
// lexicon lacks.
func (l *Lexicon) TotalTagCount() int { return l.totalTags }

// Len returns the number of lemmas.
func (l *Lexicon) Len() int { return len(l.wordEnd) }

// Related returns the lemmas linked to lemma (which must be a lemma as
// returned by Lemmas; anything else gives nil): its synonyms, derivationally
// related forms and pertainyms, never lemma itself, each lemma once with
// the weight of its strongest link (see Relation.Weight), sorted by weight
// descending, then by lemma. Lemmas of more than MaxPhraseWords words are
// never returned. The caller owns the returned slice.
func (l *Lexicon) Related(lemma string) []Relation {
	i := l.find(lemma)
	if i < 0 {
		return nil
	}
	start := uint32(0)
	if i > 0 {
		start = l.relEnd[i-1]
	}
	rs := l.rels[start:l.relEnd[i]]
	if len(rs) == 0 {
		return nil
	}
	out := make([]Relation, len(rs))
	for j, r := range rs {
		out[j] = Relation{Lemma: l.lemma(int(r.target)), Kind: Kind(r.kind), Weight: format.Weight(r.kind, int(r.rank))}
	}
	return out
}

// IsPhrasePrefix reports whether some multi-word lemma starts with the given
// words followed by more words: true for "free" ("free trade") and for
// "united" ("united states"), false for "fishery". Callers use it to stop
// looking for longer collocations early.
func (l *Lexicon) IsPhrasePrefix(words string) bool {
	p := words + " "
	i := sort.Search(len(l.wordEnd), func(i int) bool { return l.lemma(i) >= p })
	return i < len(l.wordEnd) && strings.HasPrefix(l.lemma(i), p)
}
