// Package format defines the word-vector file that package wordvec embeds
// and reads in place, and writes it.
//
// All integers are little-endian. The file is a 64-byte header followed by
// six sections, each starting right after the one before:
//
//	header   magic "QBWVEC01", then uint32 dim, words, slots, docs,
//	         uint64 tokens, uint32 blob length; zero-padded to 64 bytes
//	slots    slots × uint32: an open-addressing hash table of the words;
//	         entry id+1, or 0 for an empty slot; a word's probe sequence
//	         starts at Hash(word) & (slots-1) and steps by one
//	offsets  (words+1) × uint32: word i is blob[offsets[i]:offsets[i+1]]
//	scales   words × float32 (IEEE 754 bits): scale[i] × vector[i] is a
//	         unit vector
//	df       words × uint32: the number of dictionary entries (of docs)
//	         that contain word i
//	vectors  words × dim int8
//	blob     the words, concatenated
//
// Words are numbered from 0 in the order of their corpus frequency, most
// frequent first (ties in byte order), and are unique. Slots is a power of
// two at least words × 4/3, so probe sequences stay short.
package format

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Magic opens every file; its last two bytes are the format version.
const Magic = "QBWVEC01"

// HeaderSize is the size of the header in bytes.
const HeaderSize = 64

// Header is the decoded file header.
type Header struct {
	Dim, Words, Slots, Docs uint32
	Tokens                  uint64 // corpus tokens the vectors were trained on
	BlobLen                 uint32
}

// Layout gives each section's byte offset; End is the file size.
type Layout struct {
	Slots, Offsets, Scales, DF, Vectors, Blob, End uint64
}

// Layout returns the section offsets h implies.
func (h Header) Layout() Layout {
	var l Layout
	l.Slots = HeaderSize
	l.Offsets = l.Slots + 4*uint64(h.Slots)
	l.Scales = l.Offsets + 4*(uint64(h.Words)+1)
	l.DF = l.Scales + 4*uint64(h.Words)
	l.Vectors = l.DF + 4*uint64(h.Words)
	l.Blob = l.Vectors + uint64(h.Words)*uint64(h.Dim)
	l.End = l.Blob + uint64(h.BlobLen)
	return l
}

// ParseHeader decodes and checks the header of b: the magic, a power-of-two
// slot count larger than the word count, and a length that matches the
// sections exactly.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderSize || string(b[:len(Magic)]) != Magic {
		return Header{}, fmt.Errorf("not a word-vector file (magic %q expected)", Magic)
	}
	le := binary.LittleEndian
	h := Header{
		Dim:     le.Uint32(b[8:]),
		Words:   le.Uint32(b[12:]),
		Slots:   le.Uint32(b[16:]),
		Docs:    le.Uint32(b[20:]),
		Tokens:  le.Uint64(b[24:]),
		BlobLen: le.Uint32(b[32:]),
	}
	switch {
	case h.Dim == 0:
		return Header{}, fmt.Errorf("dimension 0")
	case h.Slots == 0 || h.Slots&(h.Slots-1) != 0 || h.Slots <= h.Words:
		return Header{}, fmt.Errorf("hash table of %d slots for %d words", h.Slots, h.Words)
	case h.Layout().End != uint64(len(b)):
		return Header{}, fmt.Errorf("file is %d bytes, header implies %d", len(b), h.Layout().End)
	}
	return h, nil
}

// Hash is the 32-bit FNV-1a hash of s, which places words in the table.
func Hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Data is what Write stores: words in their final order with their
// quantised vectors.
type Data struct {
	Dim     int
	Docs    uint32
	Tokens  uint64
	Words   []string
	Vectors []int8    // len(Words) × Dim
	Scales  []float32 // per word
	DF      []uint32  // per word
}

// SlotsFor returns the hash table size for n words: the smallest power of
// two at least 4n/3 and larger than n.
func SlotsFor(n int) uint32 {
	s := uint32(1)
	for uint64(s)*3 < uint64(n)*4 || int(s) <= n {
		s <<= 1
	}
	return s
}

// Write writes d to w in the file format. It fails on inconsistent lengths
// or duplicate words.
func Write(w io.Writer, d Data) error {
	n := len(d.Words)
	if d.Dim <= 0 || len(d.Vectors) != n*d.Dim || len(d.Scales) != n || len(d.DF) != n {
		return fmt.Errorf("format: %d words, dim %d, but %d vector values, %d scales, %d df", n, d.Dim, len(d.Vectors), len(d.Scales), len(d.DF))
	}
	blobLen := 0
	for _, w := range d.Words {
		blobLen += len(w)
	}
	if uint64(blobLen) > math.MaxUint32 || uint64(n) >= math.MaxUint32/2 {
		return fmt.Errorf("format: %d words of %d bytes is too large", n, blobLen)
	}
	h := Header{Dim: uint32(d.Dim), Words: uint32(n), Slots: SlotsFor(n), Docs: d.Docs, Tokens: d.Tokens, BlobLen: uint32(blobLen)}
	l := h.Layout()
	b := make([]byte, l.End)
	le := binary.LittleEndian
	copy(b, Magic)
	le.PutUint32(b[8:], h.Dim)
	le.PutUint32(b[12:], h.Words)
	le.PutUint32(b[16:], h.Slots)
	le.PutUint32(b[20:], h.Docs)
	le.PutUint64(b[24:], h.Tokens)
	le.PutUint32(b[32:], h.BlobLen)

	mask := h.Slots - 1
	off := uint32(0)
	for i, word := range d.Words {
		slot := Hash(word) & mask
		for {
			p := l.Slots + 4*uint64(slot)
			id := le.Uint32(b[p:])
			if id == 0 {
				le.PutUint32(b[p:], uint32(i)+1)
				break
			}
			if d.Words[id-1] == word {
				return fmt.Errorf("format: duplicate word %q", word)
			}
			slot = (slot + 1) & mask
		}
		le.PutUint32(b[l.Offsets+4*uint64(i):], off)
		copy(b[l.Blob+uint64(off):], word)
		off += uint32(len(word))
		le.PutUint32(b[l.Scales+4*uint64(i):], math.Float32bits(d.Scales[i]))
		le.PutUint32(b[l.DF+4*uint64(i):], d.DF[i])
	}
	le.PutUint32(b[l.Offsets+4*uint64(n):], off)
	for i, v := range d.Vectors {
		b[l.Vectors+uint64(i)] = byte(v)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("format: write: %w", err)
	}
	return nil
}
