// Package wordnet is a read-only English lexicon built from Princeton
// WordNet 3.0, for matching word forms in retrieval: it maps inflected
// words to their base forms (Lemmas, following WordNet's morphy) and base
// forms to related lemmas (Related: synonyms, derivationally related forms,
// pertainyms, hypernyms and hyponyms), each with a weight that favours a word's most frequent
// senses. It also tells how general a lemma is: its number of senses
// (Senses) and how often they occur in WordNet's sense-tagged corpus
// (TagCount, TotalTagCount), and whether it is a name (IsName), which
// WordNet writes capitalised although the lemmas here are lowercase.
//
// The lexicon is generated from Debian's wordnet-base by internal/gen into
// wordnet.bin and embedded in the binary, laid out (package internal/format)
// to be read in place: Default costs nothing at start-up, and every look-up
// is a hash-table probe, O(1) whatever the lexicon's size. See
// LICENSE.wordnet for the WordNet license. Lemmas are lowercase, with single
// spaces between the words of a collocation ("prime minister") and no
// adjective markers.
package wordnet

import (
	_ "embed"
	"strconv"
	"sync"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/format"
)

//go:generate go run ./internal/gen -src /usr/share/wordnet -out wordnet.bin

// embedded is a string, not a []byte, so that lemmas sliced out of it are
// strings without a copy.
//
//go:embed wordnet.bin
var embedded string

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
)

// Default returns the lexicon embedded in the binary, shared by all
// callers. It reads only the file's header, so it costs the same whatever
// the lexicon's size, and it trusts the rest of the file, which the
// package's tests check with Decode; it panics if the header is corrupt.
func Default() *Lexicon {
	defaultOnce.Do(func() {
		l, err := open(embedded)
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
	// Hypernym links a noun or verb to a broader word one level up,
	// WordNet's "@" pointers ("troop" to "military unit", "nanny" to
	// "keeper"). Names are never linked this way.
	Hypernym Kind = format.Hypernym
	// Hyponym links a noun or verb to a narrower word one level down,
	// WordNet's "~" pointers ("psychotherapy" to "hypnotherapy"), only
	// from words that are not too general (see format.MaxHyponymSynsets).
	// Names are never linked this way.
	Hyponym Kind = format.Hyponym
)

// Taxonomic reports whether k links a word to a broader or narrower one
// (Hypernym or Hyponym) rather than to another form or name of the same
// meaning.
func (k Kind) Taxonomic() bool { return k == Hypernym || k == Hyponym }

// String returns the lowercase name of k, such as "synonym".
func (k Kind) String() string {
	switch k {
	case Synonym:
		return "synonym"
	case Derived:
		return "derived"
	case Pertainym:
		return "pertainym"
	case Hypernym:
		return "hypernym"
	case Hyponym:
		return "hyponym"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Relation is one lemma linked to another.
type Relation struct {
	Lemma string
	Kind  Kind
	// Weight is in (0, 0.8]: 0.6/rank for a Synonym, 0.8/rank for a
	// Derived or Pertainym relation and 0.15/rank for a Hypernym or
	// Hyponym, where rank (from 1) is the WordNet sense number, within its
	// part of speech, of the queried lemma's sense the link hangs on.
	// Synonyms come only from senses ranked 1 to 3, hypernyms and hyponyms
	// from senses ranked 1 and 2. Of several links to the same lemma the
	// strongest is reported; on equal weights Synonym beats Pertainym beats
	// Derived beats Hypernym beats Hyponym.
	Weight float32
}

// Lexicon is a read-only English lexicon built from WordNet 3.0; it is
// safe for concurrent use. The zero Lexicon is empty.
//
// A Lexicon reads the file layout of package internal/format in place: its
// fields are the file's sections, sliced out of one string (for Default,
// the bytes go:embed put in the binary), and each look-up reads the few
// entries it needs. Nothing is decoded or allocated per lemma.
type Lexicon struct {
	maxWords  int
	totalTags int
	n         int // number of lemmas

	lemmaOff  u32s   // lemma i is lemmaText[lemmaOff[i]:lemmaOff[i+1]]
	lemmaText string // all lemmas concatenated, in ascending byte order
	posMask   string // bit format.Noun etc. set for each part of speech of lemma i, plus format.Flags
	senses    u16s   // number of synsets of lemma i
	tags      u32s   // cntlist.rev tag count of lemma i
	relOff    u32s   // relations of lemma i are rels[relOff[i]:relOff[i+1]]
	rels      u32s   // format.PackRelation(target, kind, rank)
	lemmaTab  table  // lemma -> ID
	prefixTab table  // phrase prefix -> ID of the first lemma it starts

	excOff    u32s // exception form i is excText[excOff[i]:excOff[i+1]]
	excText   string
	excListed string // bit p set when form i is in exception list p
	baseOff   u32s   // bases of form i are bases[baseOff[i]:baseOff[i+1]]
	bases     u32s   // lemma ID<<2 | POS index
	excTab    table  // exception form -> index
}

// u32s is an array of little-endian uint32 read in place.
type u32s string

func (a u32s) at(i int) uint32 {
	b := a[4*i : 4*i+4]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func (a u32s) len() int { return len(a) / 4 }

// u16s is an array of little-endian uint16 read in place.
type u16s string

func (a u16s) at(i int) uint16 {
	b := a[2*i : 2*i+2]
	return uint16(b[0]) | uint16(b[1])<<8
}

// table is a stored open-addressing hash table (see package format): each
// look-up hashes the key once and reads on average fewer than two slots.
type table struct {
	slots u32s
	mask  uint32
}

// find returns the ID stored under hash h for which match reports true, or
// -1. The slots must include an empty one, which Decode checks.
func (t table) find(h uint64, match func(id int) bool) int {
	if len(t.slots) == 0 {
		return -1
	}
	tag := format.Tag(h)
	for i := uint32(h) & t.mask; ; i = (i + 1) & t.mask {
		e := t.slots.at(int(i))
		if e == 0 {
			return -1
		}
		if format.EntryTag(e) == tag {
			if id := format.EntryID(e); match(id) {
				return id
			}
		}
	}
}

func span(off u32s, text string, i int) string {
	return text[off.at(i):off.at(i+1)]
}

func (l *Lexicon) lemma(i int) string { return span(l.lemmaOff, l.lemmaText, i) }

// find returns the ID of lemma s, or -1.
func (l *Lexicon) find(s string) int { return l.findHashed(format.Hash(s), s) }

// findHashed is find for a key whose hash h the caller has computed.
func (l *Lexicon) findHashed(h uint64, s string) int {
	return l.lemmaTab.find(h, func(id int) bool { return l.lemma(id) == s })
}

// findJoined returns the ID of lemma a+b+c, or -1, without joining them.
func (l *Lexicon) findJoined(a, b, c string) int {
	h := format.HashSum(format.HashAdd(format.HashAdd(format.HashAdd(format.HashStart, a), b), c))
	return l.lemmaTab.find(h, func(id int) bool {
		s := l.lemma(id)
		return len(s) == len(a)+len(b)+len(c) && s[:len(a)] == a && s[len(a):len(a)+len(b)] == b && s[len(a)+len(b):] == c
	})
}

// basesOf returns the exception-list bases of exception form i, each
// lemma ID<<2 | POS index.
func (l *Lexicon) basesOf(i int) u32s {
	return l.bases[4*l.baseOff.at(i) : 4*l.baseOff.at(i+1)]
}

// hasPOS reports whether s is a lemma in part of speech p.
func (l *Lexicon) hasPOS(s string, p int) bool {
	i := l.find(s)
	return i >= 0 && l.hasPOSID(i, p)
}

// hasPOSID reports whether lemma i has part of speech p.
func (l *Lexicon) hasPOSID(i, p int) bool { return l.posMask[i]&(1<<p) != 0 }

// isNameID reports whether lemma i is a name.
func (l *Lexicon) isNameID(i int) bool { return l.posMask[i]&format.NameFlag != 0 }

// IsName reports whether lemma, lowercase like every lemma, names one
// particular place, person, organisation or other individual thing: its
// most frequent WordNet noun sense is written capitalised ("Peru",
// "People's Republic of China", "NATO", "mainland China") and no verb,
// adjective or adverb sense of it is more frequent in WordNet's tagged
// corpus. So "peru", "china", "burma", "paris" and "nato" are names, while
// "turkey" (first the bird), "bill", "trade" and "march" (the verb
// outnumbers the month) are not, nor is any lemma WordNet 3.0 lacks, such
// as "obama".
//
// Retrieval needs this because names must never stand in for each other:
// a question about Peru is not answered by a passage about Chile, however
// alike their contexts, so a name is matched only exactly, and a question
// naming a place, person or organisation that appears nowhere in the
// documents gets no answer. WordNet knows no pronouns or modal verbs, so a
// function word can be a name here ("us" is the US, "may" the month);
// callers drop stop words first.
func (l *Lexicon) IsName(lemma string) bool {
	i := l.find(lemma)
	return i >= 0 && l.isNameID(i)
}

// RarelyNoun reports whether lemma, lowercase, is seldom a noun: it has no
// noun sense, or the senses of its other parts of speech were tagged more
// than twice as often as its noun senses in WordNet's semantic concordance
// (see format.RareNounFlag). So "run", "carry", "cover", "need" and
// "necessary" are rarely nouns, while "support", "report", "change" and
// "water" are nouns often enough, and so is any noun never tagged. Topics
// use it to tell "the lease runs" (a verb) from "support requests" (a
// noun). False for a lemma WordNet lacks.
func (l *Lexicon) RarelyNoun(lemma string) bool {
	i := l.find(lemma)
	return i >= 0 && (!l.hasPOSID(i, format.Noun) || l.posMask[i]&format.RareNounFlag != 0)
}

// IsVerb reports whether lemma has a verb sense.
func (l *Lexicon) IsVerb(lemma string) bool { return l.hasPOS(lemma, format.Verb) }

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
		return int(l.senses.at(i))
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
		return int(l.tags.at(i))
	}
	return 0
}

// TotalTagCount returns the sum of all tag counts of WordNet's semantic
// concordance, for turning TagCount into a frequency. It exceeds the sum
// of TagCount over all lemmas by the counts of senses whose words the
// lexicon lacks.
func (l *Lexicon) TotalTagCount() int { return l.totalTags }

// Len returns the number of lemmas.
func (l *Lexicon) Len() int { return l.n }

// Related returns the lemmas linked to lemma (which must be a lemma as
// returned by Lemmas; anything else gives nil): its synonyms, derivationally
// related forms, pertainyms, and one level of broader and narrower words
// (see Kind), never lemma itself, each lemma once with
// the weight of its strongest link (see Relation.Weight), sorted by weight
// descending, then by lemma. Lemmas of more than MaxPhraseWords words are
// never returned. The caller owns the returned slice.
func (l *Lexicon) Related(lemma string) []Relation {
	i := l.find(lemma)
	if i < 0 {
		return nil
	}
	rs := l.rels[4*l.relOff.at(i) : 4*l.relOff.at(i+1)]
	if rs.len() == 0 {
		return nil
	}
	out := make([]Relation, rs.len())
	for j := range out {
		target, kind, rank := format.UnpackRelation(rs.at(j))
		out[j] = Relation{Lemma: l.lemma(int(target)), Kind: Kind(kind), Weight: format.Weight(kind, rank)}
	}
	return out
}

// IsPhrasePrefix reports whether some multi-word lemma starts with the given
// words followed by more words: true for "free" ("free trade") and for
// "united" ("united states"), false for "fishery". Callers use it to stop
// looking for longer collocations early.
func (l *Lexicon) IsPhrasePrefix(words string) bool {
	return l.prefixTab.find(format.Hash(words), func(id int) bool {
		s := l.lemma(id)
		return len(s) > len(words) && s[len(words)] == ' ' && s[:len(words)] == words
	}) >= 0
}
