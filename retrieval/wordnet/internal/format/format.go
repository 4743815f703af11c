// Package format defines the binary lexicon layout, its hash function and
// the relation weight formula shared by the generator (internal/build) and
// the reader (package wordnet), so the two cannot drift apart.
//
// The layout is made to be used in place, straight from the bytes that
// go:embed puts in the binary: nothing is compressed or variable-length,
// every array has a fixed width and a position that the header alone
// determines, and the hash tables that make look-ups O(1) are stored, so
// opening a lexicon reads the header and nothing else.
//
// A lexicon file is a Header (HeaderSize bytes) followed by the sections of
// Header.Layout, in the order of the Section constants, with no padding.
// All integers are little-endian. With n = Lemmas and e = Exceptions:
//
//	LemmaOff   (n+1) × uint32  lemma i is LemmaText[LemmaOff[i]:LemmaOff[i+1]]; LemmaOff[0] = 0
//	RelOff     (n+1) × uint32  relations of lemma i are Rels[RelOff[i]:RelOff[i+1]]
//	Rels       Relations × uint32, each PackRelation(target lemma ID, kind, rank)
//	Tags       n × uint32      tag count of lemma i
//	LemmaSlots LemmaSlots × uint32   hash table of the lemmas, see below
//	PrefixSlots PrefixSlots × uint32 hash table of the phrase prefixes, see below
//	ExcOff     (e+1) × uint32  exception form i is ExcText[ExcOff[i]:ExcOff[i+1]]; ExcOff[0] = 0
//	BaseOff    (e+1) × uint32  bases of form i are Bases[BaseOff[i]:BaseOff[i+1]]
//	Bases      Bases × uint32, each lemmaID<<2 | POS index
//	ExcSlots   ExceptionSlots × uint32 hash table of the exception forms
//	Senses     n × uint16      number of synsets of lemma i
//	POSMask    n × uint8       bit p set when lemma i has part of speech p, NameFlag when it is a name, RareNounFlag when it is seldom a noun
//	ExcListed  e × uint8       bit p set when form i is in exception list p
//	LemmaText  LemmaBytes bytes
//	ExcText    ExceptionBytes bytes
//
// A lemma is a name (NameFlag) when its most frequent noun sense is written
// capitalised and no sense of another part of speech outranks it in
// cntlist.rev (see internal/build); only nouns are names.
//
// Lemmas are non-empty and strictly ascending by bytes, so a lemma's ID (its
// position, from 0) orders lemmas as strings do. Its senses is the number of
// its synsets over all parts of speech, at least one per part of speech in
// its POS mask. Its tag count is the sum over all its senses of their tag
// counts in WordNet's cntlist.rev (how often the sense was tagged in the
// semantic concordance); the tag counts of all lemmas sum to at most
// TotalTagCount, which also counts senses of words the lexicon lacks.
//
// Relations of a lemma are stored in their final order: weight descending,
// then target lemma ID ascending. Exception forms are non-empty and strictly
// ascending; bases are listed in POS index order, then in exception-file
// order.
//
// Each hash table is an open-addressing table with linear probing of a
// power-of-two number of uint32 slots, at least Slots(count) of them so
// that at least one is empty. A key s is looked for from slot Hash(s) &
// (slots-1) onwards, wrapping around, until an empty (zero) slot; a full
// slot holds Entry(Hash(key), id). The lemma table holds every lemma under
// its ID and the exception table every exception form under its index. The
// prefix table holds every phrase prefix, that is every s such that some
// lemma starts with s followed by a space ("united", "united states" for
// "united states of america"), under the ID of the first lemma that starts
// so; keys are inserted in ID order.
package format

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// Magic starts every lexicon file.
const Magic = "QBWN"

// Version is the layout version; bump it on any layout change.
const Version = 6

// MaxPhraseWords caps the number of words of a kept lemma; longer WordNet
// collocations are dropped together with their relations.
const MaxPhraseWords = 4

// MaxSenses is the largest number of senses a lemma may have.
const MaxSenses = 1<<16 - 1

// POS indexes, in the order Lemmas visits them and exception bases are stored.
const (
	Noun = iota
	Verb
	Adj
	Adv
	NumPOS
)

// NameFlag is the bit of a lemma's POSMask byte set when the lemma is a
// name; the bits from NumPOS up to RareNounFlag are always clear.
const NameFlag = 1 << 7

// RareNounFlag is the bit of a lemma's POSMask byte set when the lemma is
// seldom a noun: the senses of its other parts of speech are tagged more
// than RareNounRatio times as often as its noun senses in cntlist.rev
// ("run": 268 verb tags, 29 noun ones). A lemma never tagged does not
// have it.
const RareNounFlag = 1 << 6

// RareNounRatio is how many times more often a lemma's other senses must
// be tagged than its noun senses for RareNounFlag: twice keeps nouns that
// are often verbs too ("support" 84 to 43, "report", "change") and flags
// words that are mostly verbs or adjectives ("need" 244 to 98, "cover",
// "necessary").
const RareNounRatio = 2

// Flags are the bits of a POSMask byte that are not parts of speech.
const Flags = NameFlag | RareNounFlag

// Relation kinds as stored in the file. Of two relations of equal weight
// between the same lemmas the smaller kind is kept, so a link that is both a
// "+" and a "\" pointer ("economic", "economy") counts as a Pertainym.
// Hypernym and Hyponym are one level of WordNet's "@" and "~" pointers
// between noun or verb synsets (never the instance pointers "@i" and "~i",
// which lead to and from names).
const (
	Synonym   = 1
	Pertainym = 2
	Derived   = 3
	Hypernym  = 4
	Hyponym   = 5
	MaxKind   = Hyponym
)

// MaxSynonymRank is the largest sense rank (counted from 1) whose synset
// contributes synonyms.
const MaxSynonymRank = 3

// Base weights of each kind for a first-ranked sense. A broader or
// narrower word says less than a synonym does ("troops" are military
// personnel, but military personnel are not all troops), so Hypernym and
// Hyponym weigh a quarter of SynonymBase.
const (
	SynonymBase   = 0.6
	DerivedBase   = 0.8
	PertainymBase = 0.8
	HypernymBase  = 0.15
	HyponymBase   = 0.15
)

// MaxTaxonomyRank is the largest sense rank (counted from 1) whose synset
// contributes hypernyms and hyponyms: a word's later senses are seldom the
// one meant, and their broader and narrower words mostly add noise (on the
// development sets, senses 1 and 2 found no more answers than sense 1
// alone and offered a closest passage for one more question the documents
// do not answer; see retrieval/tuning.go).
const MaxTaxonomyRank = 1

// MaxHyponymSynsets is the largest number of hyponym synsets a synset may
// have for its hyponyms to become relations: a synset with more is too
// general ("person", "act", "change") for any one narrower word to stand
// in for it. The development sets scored alike from 6 to 30; 12 keeps the
// kinds of mid-level words ("pollution": air, water, noise pollution…)
// for 150 KB more than 6, and 30 would add 160 KB more.
const MaxHyponymSynsets = 12

// MaxHyponyms caps the number of Hyponym relations of one lemma in one
// part of speech, taken in sense-rank order, then in WordNet's pointer and
// word order: two words for each of MaxHyponymSynsets kinds (synsets
// often list two or three names of one kind).
const MaxHyponyms = 24

// Weight returns the weight of a relation of kind hanging on the source
// lemma's sense of the given rank (1 = WordNet's most frequent sense in that
// part of speech): base(kind)/rank, in (0, 0.8]. It returns 0 for an unknown
// kind or a rank below 1.
func Weight(kind uint8, rank int) float32 {
	if rank < 1 {
		return 0
	}
	var base float64
	switch kind {
	case Synonym:
		base = SynonymBase
	case Derived:
		base = DerivedBase
	case Pertainym:
		base = PertainymBase
	case Hypernym:
		base = HypernymBase
	case Hyponym:
		base = HyponymBase
	default:
		return 0
	}
	return float32(base / float64(rank))
}

// Relations pack the target lemma ID, the sense rank (1 to MaxRank) and the
// kind into one uint32: target<<11 | rank<<3 | kind.
const (
	MaxRank   = 255
	MaxTarget = 1<<21 - 1
)

// PackRelation returns the stored form of a relation; target must be at most
// MaxTarget, rank at most MaxRank and kind at most MaxKind.
func PackRelation(target uint32, kind uint8, rank int) uint32 {
	return target<<11 | uint32(rank)<<3 | uint32(kind)
}

// UnpackRelation is the inverse of PackRelation.
func UnpackRelation(v uint32) (target uint32, kind uint8, rank int) {
	return v >> 11, uint8(v & 7), int(v >> 3 & 0xff)
}

// Hash table entries hold an ID plus one in their low IDBits bits (so that
// zero means empty) and the top TagBits bits of the key's hash in the
// rest, which rules out most non-matching slots without reading their key.
const (
	IDBits  = 20
	TagBits = 32 - IDBits
	// MaxIDs is the largest number of keys a table can hold.
	MaxIDs = 1<<IDBits - 2
	idMask = 1<<IDBits - 1
)

// Entry returns the slot value for the key of hash h and ID id.
func Entry(h uint64, id int) uint32 { return Tag(h)<<IDBits | uint32(id+1) }

// Tag returns the part of hash h that an Entry keeps.
func Tag(h uint64) uint32 { return uint32(h >> (64 - TagBits)) }

// EntryID returns the ID an entry holds, -1 for an empty slot.
func EntryID(e uint32) int { return int(e&idMask) - 1 }

// EntryTag returns the hash tag an entry holds.
func EntryTag(e uint32) uint32 { return e >> IDBits }

// Slots returns the number of slots of a hash table of n keys: the smallest
// power of two above 1.5n, which keeps the load at most 2/3 and at least
// one slot empty.
func Slots(n int) uint32 {
	return 1 << bits.Len(uint(n+n/2))
}

// The hash is 64-bit FNV-1a over the key's bytes, finished by MurmurHash3's
// 64-bit mixer so that both its low bits (the slot) and its high bits (the
// tag) depend on every byte. HashStart, HashAdd and HashSum let a key made
// of several pieces be hashed without joining them.
const (
	HashStart = 14695981039346656037
	hashPrime = 1099511628211
)

// HashAdd returns h updated with the bytes of s.
func HashAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= hashPrime
	}
	return h
}

// HashSum finishes a hash started with HashStart and updated with HashAdd.
func HashSum(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// Hash returns the hash of key s.
func Hash(s string) uint64 { return HashSum(HashAdd(HashStart, s)) }

// Header is the fixed-size start of a lexicon file, after Magic and Version.
type Header struct {
	MaxPhraseWords uint32
	TotalTagCount  uint32
	Lemmas         uint32
	LemmaBytes     uint32
	Relations      uint32
	LemmaSlots     uint32
	PrefixSlots    uint32
	Exceptions     uint32
	ExceptionBytes uint32
	Bases          uint32
	ExceptionSlots uint32
}

// fields returns pointers to the header's fields in file order.
func (h *Header) fields() []*uint32 {
	return []*uint32{&h.MaxPhraseWords, &h.TotalTagCount, &h.Lemmas, &h.LemmaBytes, &h.Relations,
		&h.LemmaSlots, &h.PrefixSlots, &h.Exceptions, &h.ExceptionBytes, &h.Bases, &h.ExceptionSlots}
}

// HeaderSize is the size in bytes of Magic, Version (a uint32) and a Header.
const HeaderSize = len(Magic) + 4 + 11*4

// Append appends Magic, Version and h to b.
func (h Header) Append(b []byte) []byte {
	b = append(b, Magic...)
	b = binary.LittleEndian.AppendUint32(b, Version)
	for _, f := range h.fields() {
		b = binary.LittleEndian.AppendUint32(b, *f)
	}
	return b
}

// ErrHeader is returned, wrapped, by ParseHeader.
var ErrHeader = errors.New("bad lexicon header")

// ParseHeader reads the header at the start of data and checks that data
// has exactly the size its layout gives, that MaxPhraseWords is at most
// the package's, that the key counts fit IDs and that each hash table has
// a power-of-two number of slots, more than it has keys. It checks nothing
// beyond the header.
func ParseHeader(data string) (Header, error) {
	var h Header
	if len(data) < HeaderSize || data[:len(Magic)] != Magic {
		return h, fmt.Errorf("%w: missing magic %q", ErrHeader, Magic)
	}
	if v := u32(data, len(Magic)); v != Version {
		return h, fmt.Errorf("%w: version %d, want %d", ErrHeader, v, Version)
	}
	for i, f := range h.fields() {
		*f = u32(data, len(Magic)+4+4*i)
	}
	switch {
	case h.MaxPhraseWords > MaxPhraseWords:
		return h, fmt.Errorf("%w: max phrase words %d exceeds %d", ErrHeader, h.MaxPhraseWords, MaxPhraseWords)
	case h.Lemmas > MaxIDs || h.Exceptions > MaxIDs:
		return h, fmt.Errorf("%w: more than %d lemmas or exceptions", ErrHeader, MaxIDs)
	case !tableFits(h.LemmaSlots, h.Lemmas) || !tableFits(h.ExceptionSlots, h.Exceptions) || !tableFits(h.PrefixSlots, 0):
		return h, fmt.Errorf("%w: hash table sizes", ErrHeader)
	case h.Size() != uint64(len(data)):
		return h, fmt.Errorf("%w: the layout takes %d bytes, the data has %d", ErrHeader, h.Size(), len(data))
	}
	return h, nil
}

func tableFits(slots, keys uint32) bool {
	return slots > keys && slots&(slots-1) == 0
}

func u32(s string, off int) uint32 {
	return binary.LittleEndian.Uint32([]byte(s[off : off+4]))
}

// Section names a section of the layout.
type Section int

// Sections, in file order.
const (
	LemmaOff Section = iota
	RelOff
	Rels
	Tags
	LemmaSlots
	PrefixSlots
	ExcOff
	BaseOff
	Bases
	ExcSlots
	Senses
	POSMask
	ExcListed
	LemmaText
	ExcText
	NumSections
)

// Span is the byte range [Start, End) of a section in the file.
type Span struct{ Start, End uint64 }

// Layout returns where each section lies in the file.
func (h Header) Layout() [NumSections]Span {
	n, e := uint64(h.Lemmas), uint64(h.Exceptions)
	sizes := [NumSections]uint64{
		LemmaOff:    4 * (n + 1),
		RelOff:      4 * (n + 1),
		Rels:        4 * uint64(h.Relations),
		Tags:        4 * n,
		LemmaSlots:  4 * uint64(h.LemmaSlots),
		PrefixSlots: 4 * uint64(h.PrefixSlots),
		ExcOff:      4 * (e + 1),
		BaseOff:     4 * (e + 1),
		Bases:       4 * uint64(h.Bases),
		ExcSlots:    4 * uint64(h.ExceptionSlots),
		Senses:      2 * n,
		POSMask:     n,
		ExcListed:   e,
		LemmaText:   uint64(h.LemmaBytes),
		ExcText:     uint64(h.ExceptionBytes),
	}
	var out [NumSections]Span
	at := uint64(HeaderSize)
	for s, size := range sizes {
		out[s] = Span{at, at + size}
		at += size
	}
	return out
}

// Size returns the size in bytes of a file with header h.
func (h Header) Size() uint64 { return h.Layout()[NumSections-1].End }
