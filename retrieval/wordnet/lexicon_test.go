package wordnet

import (
	"math/bits"
	"strings"
	"testing"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/format"
)

// TestRelatedInvariants checks the contract of Related for every lemma of
// the embedded lexicon.
func TestRelatedInvariants(t *testing.T) {
	l := Default()
	if l.Len() < 140000 {
		t.Fatalf("Len() = %d, want the ~147k WordNet 3.0 lemmas", l.Len())
	}
	total := 0
	for i := range l.Len() {
		lemma := l.lemma(i)
		rs := l.Related(lemma)
		hyponyms := 0
		total += len(rs)
		seen := make(map[string]bool, len(rs))
		for j, r := range rs {
			switch {
			case r.Lemma == lemma:
				t.Fatalf("Related(%q) contains the lemma itself", lemma)
			case seen[r.Lemma]:
				t.Fatalf("Related(%q) contains %q twice", lemma, r.Lemma)
			case !(r.Weight > 0 && r.Weight <= 1):
				t.Fatalf("Related(%q): %q has weight %v outside (0,1]", lemma, r.Lemma, r.Weight)
			case !l.IsLemma(r.Lemma):
				t.Fatalf("Related(%q): %q is not a lemma", lemma, r.Lemma)
			case strings.Count(r.Lemma, " ")+1 > l.MaxPhraseWords():
				t.Fatalf("Related(%q): %q has more than %d words", lemma, r.Lemma, l.MaxPhraseWords())
			case r.Kind < Synonym || r.Kind > Hyponym:
				t.Fatalf("Related(%q): %q has kind %v", lemma, r.Lemma, r.Kind)
			case r.Kind == Synonym && r.Weight < 0.6/3-1e-6:
				t.Fatalf("Related(%q): synonym %q from a sense beyond the third (weight %v)", lemma, r.Lemma, r.Weight)
			case r.Kind.Taxonomic() && r.Weight != format.Weight(uint8(r.Kind), format.MaxTaxonomyRank) && r.Weight != format.Weight(uint8(r.Kind), 1):
				t.Fatalf("Related(%q): %v %q from a sense beyond rank %d (weight %v)", lemma, r.Kind, r.Lemma, format.MaxTaxonomyRank, r.Weight)
			case r.Kind.Taxonomic() && (l.IsName(lemma) || l.IsName(r.Lemma)):
				// Names must never stand in for each other or for a
				// common word ("china" the country is no kind of ware).
				t.Fatalf("Related(%q): %v %q links a name", lemma, r.Kind, r.Lemma)
			}
			if r.Kind == Hyponym {
				hyponyms++
			}
			if j > 0 {
				p := rs[j-1]
				if p.Weight < r.Weight || (p.Weight == r.Weight && p.Lemma >= r.Lemma) {
					t.Fatalf("Related(%q): %+v before %+v is out of order", lemma, p, r)
				}
			}
			seen[r.Lemma] = true
		}
		if hyponyms > 2*format.MaxHyponyms {
			t.Fatalf("Related(%q) has %d hyponyms, more than %d in each of its noun and verb senses", lemma, hyponyms, format.MaxHyponyms)
		}
		if strings.Count(lemma, " ")+1 > l.MaxPhraseWords() {
			t.Fatalf("lemma %q has more than %d words", lemma, l.MaxPhraseWords())
		}
	}
	if total != l.rels.len() {
		t.Errorf("Related returned %d relations over all lemmas, the lexicon holds %d", total, len(l.rels))
	}
}

// TestCountInvariants checks Senses and TagCount for every lemma of the
// embedded lexicon against each other and TotalTagCount.
func TestCountInvariants(t *testing.T) {
	l := Default()
	tags := 0
	for i := range l.Len() {
		lemma := l.lemma(i)
		if got, min := l.Senses(lemma), bits.OnesCount8(l.posMask[i]&^format.Flags); got < min {
			t.Fatalf("Senses(%q) = %d, want at least %d, one per part of speech", lemma, got, min)
		}
		tags += l.TagCount(lemma)
	}
	// Some tagged senses belong to words the index files no longer list or
	// to lemmas of more than MaxPhraseWords words, but few.
	if total := l.TotalTagCount(); tags > total || tags < total*95/100 {
		t.Errorf("TagCount sums to %d over all lemmas, want at most TotalTagCount() = %d and at least 95%% of it", tags, total)
	}
}

// TestLemmasAreLemmas checks that every result of Lemmas is a lemma, over
// the inflections morphy handles, for a sample of the lexicon.
func TestLemmasAreLemmas(t *testing.T) {
	l := Default()
	for i := 0; i < l.Len(); i += 97 {
		for _, suffix := range []string{"", "s", "es", "ed", "ing", "er", "est"} {
			w := l.lemma(i) + suffix
			for _, b := range l.Lemmas(w) {
				if !l.IsLemma(b) {
					t.Fatalf("Lemmas(%q) contains %q, not a lemma", w, b)
				}
			}
		}
	}
}
