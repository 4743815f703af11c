package wordnet

import (
	"errors"
	"fmt"
	"io"
	"math/bits"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/format"
)

// ErrFormat is returned, wrapped, by Decode for input that is not a
// lexicon in the generator's format or is truncated or inconsistent.
var ErrFormat = errors.New("wordnet: malformed lexicon")

// Decode reads a lexicon in the format written by the generator
// (internal/gen), described in package internal/format. Unlike Default,
// which trusts the embedded file, it validates the whole input, so the
// methods of the returned Lexicon cannot fail on it; errors wrap ErrFormat
// when the data itself is bad.
func Decode(r io.Reader) (*Lexicon, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("wordnet: decode: %w", err)
	}
	l, err := open(string(b))
	if err != nil {
		return nil, err
	}
	if err := l.validate(); err != nil {
		return nil, fmt.Errorf("wordnet: decode: %w: %w", ErrFormat, err)
	}
	return l, nil
}

// open returns the lexicon laid out in data, checking only its header: the
// sections are sliced out of data, not copied or decoded.
func open(data string) (*Lexicon, error) {
	h, err := format.ParseHeader(data)
	if err != nil {
		return nil, fmt.Errorf("wordnet: decode: %w: %w", ErrFormat, err)
	}
	layout := h.Layout()
	sec := func(s format.Section) string { return data[layout[s].Start:layout[s].End] }
	return &Lexicon{
		maxWords:  int(h.MaxPhraseWords),
		totalTags: int(h.TotalTagCount),
		n:         int(h.Lemmas),
		lemmaOff:  u32s(sec(format.LemmaOff)),
		lemmaText: sec(format.LemmaText),
		posMask:   sec(format.POSMask),
		senses:    u16s(sec(format.Senses)),
		tags:      u32s(sec(format.Tags)),
		relOff:    u32s(sec(format.RelOff)),
		rels:      u32s(sec(format.Rels)),
		lemmaTab:  table{slots: u32s(sec(format.LemmaSlots)), mask: h.LemmaSlots - 1},
		prefixTab: table{slots: u32s(sec(format.PrefixSlots)), mask: h.PrefixSlots - 1},
		excOff:    u32s(sec(format.ExcOff)),
		excText:   sec(format.ExcText),
		excListed: sec(format.ExcListed),
		baseOff:   u32s(sec(format.BaseOff)),
		bases:     u32s(sec(format.Bases)),
		excTab:    table{slots: u32s(sec(format.ExcSlots)), mask: h.ExceptionSlots - 1},
	}, nil
}

// validate checks every section against the header and each other: after
// it, no method can index out of range or probe a table forever, and every
// lemma, exception form and phrase prefix is found where it is stored.
func (l *Lexicon) validate() error {
	if err := checkStrings(l.lemmaOff, l.lemmaText, "lemma"); err != nil {
		return err
	}
	if err := checkStrings(l.excOff, l.excText, "exception"); err != nil {
		return err
	}
	if err := checkOffsets(l.relOff, l.rels.len(), "relation"); err != nil {
		return err
	}
	if err := checkOffsets(l.baseOff, l.bases.len(), "base"); err != nil {
		return err
	}
	var tagSum uint64
	for i := range l.n {
		mask := l.posMask[i] &^ format.Flags
		if mask == 0 || mask >= 1<<format.NumPOS {
			return fmt.Errorf("lemma %d: bad part-of-speech mask %#x", i, l.posMask[i])
		}
		if l.isNameID(i) && !l.hasPOSID(i, format.Noun) {
			return fmt.Errorf("lemma %d: a name without a noun sense", i)
		}
		if int(l.senses.at(i)) < bits.OnesCount8(mask) {
			return fmt.Errorf("lemma %d: %d senses for part-of-speech mask %#x", i, l.senses.at(i), mask)
		}
		if tagSum += uint64(l.tags.at(i)); tagSum > uint64(l.totalTags) {
			return fmt.Errorf("lemma %d: tag counts sum beyond the total %d", i, l.totalTags)
		}
		for j := l.relOff.at(i); j < l.relOff.at(i+1); j++ {
			t, kind, rank := format.UnpackRelation(l.rels.at(int(j)))
			if int(t) >= l.n || int(t) == i || kind < format.Synonym || kind > format.MaxKind || rank < 1 {
				return fmt.Errorf("lemma %d: bad relation %d", i, j)
			}
		}
	}
	for i := range l.excOff.len() - 1 {
		listed := l.excListed[i]
		if listed == 0 || listed >= 1<<format.NumPOS {
			return fmt.Errorf("exception %d: bad part-of-speech mask %#x", i, listed)
		}
		bs := l.basesOf(i)
		for j := range bs.len() {
			b := bs.at(j)
			id, p := int(b>>2), int(b&3)
			if id >= l.n || listed&(1<<p) == 0 || !l.hasPOSID(id, p) {
				return fmt.Errorf("exception %d: bad base %d", i, j)
			}
		}
	}
	for _, t := range []struct {
		name string
		tab  table
		n    int
	}{{"lemma", l.lemmaTab, l.n}, {"prefix", l.prefixTab, l.n}, {"exception", l.excTab, l.excOff.len() - 1}} {
		if err := checkTable(t.tab, t.n, t.name); err != nil {
			return err
		}
	}
	for i := range l.n {
		s := l.lemma(i)
		if l.find(s) != i {
			return fmt.Errorf("lemma %d (%q) is not in the hash table", i, s)
		}
		for k := 1; k < len(s); k++ {
			if s[k] == ' ' && !l.IsPhrasePrefix(s[:k]) {
				return fmt.Errorf("phrase prefix %q of lemma %d is not in the hash table", s[:k], i)
			}
		}
	}
	for i := range l.excOff.len() - 1 {
		if s := span(l.excOff, l.excText, i); l.findException(s) != i {
			return fmt.Errorf("exception %d (%q) is not in the hash table", i, s)
		}
	}
	return nil
}

// checkStrings checks the offsets of a string list: from 0 to len(text),
// each string non-empty and greater than the one before.
func checkStrings(off u32s, text, what string) error {
	if err := checkOffsets(off, len(text), what); err != nil {
		return err
	}
	prev := ""
	for i := range off.len() - 1 {
		s := span(off, text, i)
		if s == "" || (i > 0 && s <= prev) {
			return fmt.Errorf("%s %d: empty or not in ascending order", what, i)
		}
		prev = s
	}
	return nil
}

// checkOffsets checks that off is non-decreasing from 0 to end.
func checkOffsets(off u32s, end int, what string) error {
	n := off.len()
	if off.at(0) != 0 || int(off.at(n-1)) != end {
		return fmt.Errorf("%s offsets do not span 0 to %d", what, end)
	}
	for i := 1; i < n; i++ {
		if off.at(i) < off.at(i-1) {
			return fmt.Errorf("%s %d: offsets not ascending", what, i-1)
		}
	}
	return nil
}

// checkTable checks that a table's entries hold IDs below n and that it has
// an empty slot, which ends every probe.
func checkTable(t table, n int, what string) error {
	empty := false
	for i := range t.slots.len() {
		e := t.slots.at(i)
		empty = empty || e == 0
		if e != 0 && format.EntryID(e) >= n {
			return fmt.Errorf("%s hash table: slot %d holds ID %d of %d", what, i, format.EntryID(e), n)
		}
	}
	if !empty {
		return fmt.Errorf("%s hash table has no empty slot", what)
	}
	return nil
}
