// Package format defines the binary lexicon layout and the relation weight
// formula shared by the generator (internal/build) and the decoder (package
// wordnet), so the two cannot drift apart.
//
// A lexicon file is a gzip stream whose payload is, in order (uvarint is
// encoding/binary's unsigned varint; a front-coded string is uvarint p, the
// length of the prefix shared with the previous string of the same list,
// uvarint n, then n bytes appended to that prefix):
//
//	Magic, one byte Version
//	uvarint maxPhraseWords
//	uvarint totalTagCount (the sum of all tag counts of cntlist.rev, at most 2^32-1)
//	uvarint nLemmas
//	nLemmas × { front-coded lemma, one byte POS mask }       lemmas strictly ascending by bytes
//	nLemmas × { uvarint senses }                            by lemma ID
//	nLemmas × { uvarint tagCount }                          by lemma ID
//	uvarint nRelations (the sum of all nRel)
//	nLemmas × { uvarint nRel, nRel × { uvarint zigzag(target-source), uvarint rank<<2 | kind } }
//	uvarint nExceptions
//	nExceptions × { front-coded form, one byte POS mask of the exception lists naming it,
//	                uvarint nBases, nBases × { uvarint lemmaID<<2 | POS index } }
//
// A lemma's ID is its position in the lemma list, counted from 0. Its
// senses is the number of its synsets over all parts of speech, at least
// one per part of speech in its POS mask and at most MaxSenses. Its tagCount
// is the sum over all its senses of their tag counts in WordNet's
// cntlist.rev (how often the sense was tagged in the semantic concordance);
// the tagCounts of all lemmas sum to at most totalTagCount, which also
// counts senses of words the lexicon lacks. Both are stored as columns after
// the lemma list rather than inside it, which compresses better.
//
// Relations of a lemma are stored in their final order: weight descending,
// then target lemma ascending. Exception forms are strictly ascending; bases
// are listed in POS index order, then in exception-file order.
package format

// Magic starts every payload.
const Magic = "QBWN"

// Version is the payload layout version; bump it on any layout change.
const Version = 2

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

// Relation kinds as stored in the file. Of two relations of equal weight
// between the same lemmas the smaller kind is kept, so a link that is both a
// "+" and a "\" pointer ("economic", "economy") counts as a Pertainym.
const (
	Synonym   = 1
	Pertainym = 2
	Derived   = 3
	MaxKind   = Derived
)

// MaxSynonymRank is the largest sense rank (counted from 1) whose synset
// contributes synonyms.
const MaxSynonymRank = 3

// Base weights of each kind for a first-ranked sense.
const (
	SynonymBase   = 0.6
	DerivedBase   = 0.8
	PertainymBase = 0.8
)

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
	default:
		return 0
	}
	return float32(base / float64(rank))
}
