package wordnet

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/format"
)

// ErrFormat is returned, wrapped, by Decode for input that is not a
// lexicon in the generator's format or is truncated or inconsistent.
var ErrFormat = errors.New("wordnet: malformed lexicon")

// Decode reads a lexicon in the format written by the generator
// (internal/gen): a gzip stream as described in package internal/format.
// It validates the whole input, so the methods of the returned Lexicon
// cannot fail on it; errors wrap ErrFormat when the data itself is bad.
func Decode(r io.Reader) (*Lexicon, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("wordnet: decode: %w: %w", ErrFormat, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("wordnet: decode: %w: %w", ErrFormat, err)
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("wordnet: decode: %w: %w", ErrFormat, err)
	}
	d := decoder{data: data}
	l := d.lexicon()
	if d.err != nil {
		return nil, fmt.Errorf("wordnet: decode: %w: %s at byte %d of the payload", ErrFormat, d.err, d.pos)
	}
	return l, nil
}

// decoder reads the payload; after the first error it records it in err
// and returns zero values.
type decoder struct {
	data []byte
	pos  int
	err  error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.pos:])
	if n <= 0 {
		d.fail("bad or truncated varint")
		return 0
	}
	d.pos += n
	return v
}

// count reads a count and checks that at least min bytes per item remain.
func (d *decoder) count(what string, min int) int {
	v := d.uvarint()
	if v > uint64(len(d.data)-d.pos)/uint64(min) {
		d.fail("%s count %d exceeds the remaining data", what, v)
		return 0
	}
	return int(v)
}

func (d *decoder) byte() uint8 {
	if d.err != nil {
		return 0
	}
	if d.pos >= len(d.data) {
		d.fail("truncated")
		return 0
	}
	b := d.data[d.pos]
	d.pos++
	return b
}

// strings reads n front-coded strings, which must be strictly ascending,
// into one concatenated string and their end offsets.
func (d *decoder) strings(n int, what string, read func(i int)) (string, []uint32) {
	var sb strings.Builder
	sb.Grow(min(n*12, len(d.data)-d.pos))
	ends := make([]uint32, n)
	prev := ""
	for i := range n {
		prefix := d.uvarint()
		suffix := d.uvarint()
		if d.err != nil {
			return "", nil
		}
		if prefix > uint64(len(prev)) || suffix > uint64(len(d.data)-d.pos) || suffix == 0 {
			d.fail("%s %d: bad front coding", what, i)
			return "", nil
		}
		added := d.data[d.pos : d.pos+int(suffix)]
		d.pos += int(suffix)
		// Ascending order: the first byte after the shared prefix must
		// exceed the previous string's, if it has one there.
		if i > 0 && int(prefix) < len(prev) && added[0] <= prev[prefix] {
			d.fail("%s %d: not in ascending order", what, i)
			return "", nil
		}
		start := sb.Len()
		sb.WriteString(prev[:prefix])
		sb.Write(added)
		prev = sb.String()[start:]
		ends[i] = uint32(sb.Len())
		read(i)
	}
	return sb.String(), ends
}

func (d *decoder) lexicon() *Lexicon {
	if len(d.data) < len(format.Magic)+1 || string(d.data[:len(format.Magic)]) != format.Magic {
		d.fail("missing magic %q", format.Magic)
		return nil
	}
	d.pos = len(format.Magic)
	if v := d.byte(); v != format.Version {
		d.fail("version %d, want %d", v, format.Version)
		return nil
	}
	l := &Lexicon{}
	l.maxWords = int(d.uvarint())
	if l.maxWords > format.MaxPhraseWords {
		d.fail("max phrase words %d exceeds %d", l.maxWords, format.MaxPhraseWords)
	}
	total := d.uvarint()
	if total > math.MaxUint32 {
		d.fail("total tag count %d exceeds 2^32-1", total)
	}
	l.totalTags = int(total)

	n := d.count("lemma", 6)
	l.posMask = make([]uint8, n)
	l.words, l.wordEnd = d.strings(n, "lemma", func(i int) {
		l.posMask[i] = d.byte()
		if l.posMask[i] == 0 || l.posMask[i] >= 1<<format.NumPOS {
			d.fail("lemma %d: bad part-of-speech mask %#x", i, l.posMask[i])
		}
	})
	l.senses = make([]uint16, n)
	for i := 0; i < n && d.err == nil; i++ {
		senses := d.uvarint()
		if senses < uint64(bits.OnesCount8(l.posMask[i])) || senses > format.MaxSenses {
			d.fail("lemma %d: %d senses for part-of-speech mask %#x", i, senses, l.posMask[i])
		}
		l.senses[i] = uint16(senses)
	}
	l.tags = make([]uint32, n)
	var tagSum uint64
	for i := 0; i < n && d.err == nil; i++ {
		tags := d.uvarint()
		if tagSum += tags; tags > total || tagSum > total {
			d.fail("lemma %d: tag counts sum beyond the total %d", i, total)
		}
		l.tags[i] = uint32(tags)
	}

	nRels := d.count("relation", 2)
	l.relEnd = make([]uint32, n)
	l.rels = make([]rel, 0, nRels)
	for i := 0; i < n && d.err == nil; i++ {
		m := d.count("relation", 2)
		for range m {
			delta := d.uvarint()
			t := int64(i) + (int64(delta>>1) ^ -int64(delta&1))
			meta := d.uvarint()
			kind, rank := uint8(meta&3), meta>>2
			if t < 0 || t >= int64(n) || t == int64(i) || kind < format.Synonym || kind > format.MaxKind || rank < 1 || rank > 255 {
				d.fail("lemma %d: bad relation", i)
				break
			}
			l.rels = append(l.rels, rel{target: uint32(t), kind: kind, rank: uint8(rank)})
		}
		l.relEnd[i] = uint32(len(l.rels))
	}
	if d.err == nil && len(l.rels) != nRels {
		d.fail("%d relations, header says %d", len(l.rels), nRels)
	}

	ne := d.count("exception", 4)
	l.excListed = make([]uint8, ne)
	l.excBaseEnd = make([]uint32, ne)
	l.excForms, l.excEnd = d.strings(ne, "exception", func(i int) {
		l.excListed[i] = d.byte()
		if l.excListed[i] == 0 || l.excListed[i] >= 1<<format.NumPOS {
			d.fail("exception %d: bad part-of-speech mask %#x", i, l.excListed[i])
		}
		for range d.count("base", 1) {
			b := d.uvarint()
			if b>>2 >= uint64(n) || l.excListed[i]&(1<<(b&3)) == 0 || l.posMask[b>>2]&(1<<(b&3)) == 0 {
				d.fail("exception %d: bad base", i)
				return
			}
			l.excBases = append(l.excBases, uint32(b))
		}
		l.excBaseEnd[i] = uint32(len(l.excBases))
	})
	if d.err == nil && d.pos != len(d.data) {
		d.fail("%d trailing bytes", len(d.data)-d.pos)
	}
	if d.err != nil {
		return nil
	}
	return l
}
