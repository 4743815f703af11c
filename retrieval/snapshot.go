package retrieval

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"unsafe"
)

// The snapshot is the one file of a persistent index, snapshotName: every
// section an Engine loads (passages, the lexical index, topics, vectors) and
// the per-passage analysis a rebuild reuses, each section with its own
// CRC-32C. Layout, all numbers little-endian:
//
//	header   "quotebot", u32 format, u32 0
//	sections each at a multiple of sectionAlign bytes
//	footer   u32 count, then per section: u32 id, u32 crc, u64 offset, u64 size
//	trailer  u64 footer offset, u64 footer size, u32 footer crc, u32 format, "quotebot"
//
// Arrays are stored raw (see rawio.go) at multiples of rawAlign bytes, so
// that a loaded index uses them, and its strings, in place: the file is
// mapped whole (see mapping) and nothing but a few small tables is copied.
// The file is written beside its final name and renamed into place, so a
// reader sees either the old snapshot or the new one, whole.

const (
	snapshotName  = "quotebot-index.bin"
	snapshotMagic = "quotebot"
	headerSize    = 16
	trailerSize   = 32
	sectionAlign  = 64
)

// Sections of the snapshot.
const (
	secMeta     uint32 = iota + 1 // JSON: snapshotMeta, the same bytes as the manifest
	secDocs                       // documents: IDs, titles, dates
	secPassages                   // passages: IDs, documents, numbers, texts, sentences
	secTerms                      // the vocabulary, sorted
	secPostings                   // BM25 postings and passage lengths
	secTopics                     // each passage's candidate topics, for rebuilds
	secVectors                    // passages × dim float32
)

var sectionNames = map[uint32]string{secMeta: "meta", secDocs: "documents", secPassages: "passages",
	secTerms: "terms", secPostings: "postings", secTopics: "topics", secVectors: "vectors"}

// errDamaged is wrapped by errors about a snapshot that cannot be read as
// written: truncated, a checksum that does not match, numbers out of range.
var errDamaged = errors.New("damaged")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type section struct {
	id        uint32
	crc       uint32
	off, size int64
}

// snapWriter writes a snapshot file section by section. Errors are sticky:
// finish reports the first.
type snapWriter struct {
	f    *os.File
	bw   *bufio.Writer
	off  int64
	crc  uint32
	cur  *section
	secs []section
	err  error
}

func newSnapWriter(f *os.File) *snapWriter {
	w := &snapWriter{f: f, bw: bufio.NewWriterSize(f, 1<<20)}
	w.Write([]byte(snapshotMagic))
	w.u32(snapshotFormat)
	w.u32(0)
	return w
}

// Write implements io.Writer, adding to the current section's checksum.
func (w *snapWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.bw.Write(p)
	w.off += int64(n)
	if w.cur != nil {
		w.crc = crc32.Update(w.crc, castagnoli, p[:n])
	}
	if err != nil {
		w.err = err
	}
	return n, err
}

func (w *snapWriter) u32(x uint32) { w.Write(binary.LittleEndian.AppendUint32(nil, x)) }
func (w *snapWriter) u64(x uint64) { w.Write(binary.LittleEndian.AppendUint64(nil, x)) }

func (w *snapWriter) str(s string) {
	if s != "" {
		w.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
	}
}

// pad writes zeros up to the next multiple of n bytes.
func (w *snapWriter) pad(n int64) {
	if r := w.off % n; r != 0 {
		w.Write(make([]byte, n-r))
	}
}

// begin starts section id.
func (w *snapWriter) begin(id uint32) {
	w.pad(sectionAlign)
	w.cur = &section{id: id, off: w.off}
	w.crc = 0
}

// end closes the current section.
func (w *snapWriter) end() {
	w.cur.size = w.off - w.cur.off
	w.cur.crc = w.crc
	w.secs = append(w.secs, *w.cur)
	w.cur = nil
}

// rawAlign is the alignment of raw arrays from their section's start (so
// in the file, sections being aligned more): 8 bytes, the largest value, so
// that a loaded array is read in place (getRaw).
const rawAlign = 8

// padding is the number of bytes from off to the next multiple of n.
func padding(off, n int) int { return (n - off%n) % n }

// putRaw writes a raw array into the current section, after zeros up to a
// multiple of rawAlign bytes.
func putRaw[T fixed](w *snapWriter, s []T) {
	w.pad(rawAlign)
	appendRaw(w, s)
}

// appendRaw writes a raw array right after what precedes it: the next
// values of the array putRaw began.
func appendRaw[T fixed](w *snapWriter, s []T) {
	if w.err == nil {
		if err := writeRaw(w, s); err != nil && w.err == nil {
			w.err = err
		}
	}
}

// strings writes a table of strings: u32 count, u64 offsets (count+1, a
// raw array), then their bytes.
func (w *snapWriter) strings(ss []string) { w.strTable(strTable{list: ss}) }

// strTable writes t as strings does.
func (w *snapWriter) strTable(t strTable) {
	n := t.len()
	w.u32(uint32(n))
	offs := make([]uint64, n+1)
	for i := range n {
		offs[i+1] = offs[i] + uint64(len(t.at(i)))
	}
	putRaw(w, offs)
	for i := range n {
		w.str(t.at(i))
	}
}

// finish writes the footer and trailer and flushes and syncs the file.
func (w *snapWriter) finish() error {
	w.pad(8)
	footerOff := w.off
	footer := binary.LittleEndian.AppendUint32(nil, uint32(len(w.secs)))
	for _, s := range w.secs {
		footer = binary.LittleEndian.AppendUint32(footer, s.id)
		footer = binary.LittleEndian.AppendUint32(footer, s.crc)
		footer = binary.LittleEndian.AppendUint64(footer, uint64(s.off))
		footer = binary.LittleEndian.AppendUint64(footer, uint64(s.size))
	}
	w.Write(footer)
	trailer := binary.LittleEndian.AppendUint64(nil, uint64(footerOff))
	trailer = binary.LittleEndian.AppendUint64(trailer, uint64(len(footer)))
	trailer = binary.LittleEndian.AppendUint32(trailer, crc32.Checksum(footer, castagnoli))
	trailer = binary.LittleEndian.AppendUint32(trailer, snapshotFormat)
	w.Write(append(trailer, snapshotMagic...))
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	return w.f.Sync()
}

// snapshot is an open snapshot file whose footer has been read.
type snapshot struct {
	f    *os.File
	name string
	size int64
	secs map[uint32]section
	// data is the whole file once mapBytes mapped it, and mem its owner;
	// both nil when the system cannot map it, and then each section is
	// read into memory when asked for.
	data []byte
	mem  *mapping
}

// openSnapshot opens a snapshot file and reads its section table. An error
// wrapping errDamaged says the file is not a whole snapshot of this format.
func openSnapshot(name string) (*snapshot, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	s := &snapshot{f: f, name: name, secs: map[uint32]section{}}
	if err := s.readFooter(); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the file. What was read from a mapping stays readable: the
// mapping lives as long as its owner, s.mem (see mapping).
func (s *snapshot) Close() error { return s.f.Close() }

// mapBytes maps the whole file read-only where the system allows and the
// machine stores numbers as the file does, so that sections are read in
// place (see mapping). Where it cannot, sections are read into memory.
func (s *snapshot) mapBytes() {
	if !littleEndian || s.data != nil {
		return
	}
	if m, err := newMapping(s.f, s.size); err == nil {
		s.data, s.mem = m.data, m
	}
}

func (s *snapshot) readFooter() error {
	fi, err := s.f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	s.size = size
	if size < headerSize+trailerSize {
		return fmt.Errorf("%w: %d bytes is too short", errDamaged, size)
	}
	head := make([]byte, headerSize)
	if _, err := s.f.ReadAt(head, 0); err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	if string(head[:8]) != snapshotMagic {
		return fmt.Errorf("%w: not a quotebot snapshot", errDamaged)
	}
	if f := binary.LittleEndian.Uint32(head[8:]); f != snapshotFormat {
		return fmt.Errorf("%w: format %d, want %d", errDamaged, f, snapshotFormat)
	}
	tr := make([]byte, trailerSize)
	if _, err := s.f.ReadAt(tr, size-trailerSize); err != nil {
		return fmt.Errorf("read trailer: %w", err)
	}
	if string(tr[24:]) != snapshotMagic {
		return fmt.Errorf("%w: truncated (no trailer)", errDamaged)
	}
	footerOff, footerSize := int64(binary.LittleEndian.Uint64(tr)), int64(binary.LittleEndian.Uint64(tr[8:]))
	if footerOff < headerSize || footerSize < 4 || footerSize > size || footerOff > size-trailerSize-footerSize {
		return fmt.Errorf("%w: footer out of range", errDamaged)
	}
	footer := make([]byte, footerSize)
	if _, err := s.f.ReadAt(footer, footerOff); err != nil {
		return fmt.Errorf("read footer: %w", err)
	}
	if crc32.Checksum(footer, castagnoli) != binary.LittleEndian.Uint32(tr[16:]) {
		return fmt.Errorf("%w: footer checksum", errDamaged)
	}
	n := int64(binary.LittleEndian.Uint32(footer))
	if 4+n*24 != footerSize {
		return fmt.Errorf("%w: footer size", errDamaged)
	}
	for i := range n {
		b := footer[4+i*24:]
		sec := section{id: binary.LittleEndian.Uint32(b), crc: binary.LittleEndian.Uint32(b[4:]),
			off: int64(binary.LittleEndian.Uint64(b[8:])), size: int64(binary.LittleEndian.Uint64(b[16:]))}
		if sec.off < headerSize || sec.size < 0 || sec.off > footerOff || sec.size > footerOff-sec.off {
			return fmt.Errorf("%w: section %d out of range", errDamaged, sec.id)
		}
		s.secs[sec.id] = sec
	}
	return nil
}

// section opens section id for reading from its start: in place in the
// mapping, or read into memory. It does not check the section's checksum:
// verify and verifySection do, through the file.
func (s *snapshot) section(id uint32) *secReader {
	sec, ok := s.secs[id]
	r := &secReader{name: sectionNames[id]}
	if !ok {
		r.err = fmt.Errorf("%w: no %s section", errDamaged, r.name)
		return r
	}
	if s.data != nil {
		r.b = s.data[sec.off : sec.off+sec.size : sec.off+sec.size]
		return r
	}
	r.b = make([]byte, sec.size)
	if _, err := s.f.ReadAt(r.b, sec.off); err != nil {
		r.b, r.err = nil, fmt.Errorf("read %s section: %w", r.name, err)
	}
	return r
}

// readSection returns the bytes of section id, read from the file into
// memory and checked against its checksum.
func (s *snapshot) readSection(id uint32) ([]byte, error) {
	sec, ok := s.secs[id]
	if !ok {
		return nil, fmt.Errorf("%w: no %s section", errDamaged, sectionNames[id])
	}
	b := make([]byte, sec.size)
	if _, err := s.f.ReadAt(b, sec.off); err != nil {
		return nil, fmt.Errorf("read %s section: %w", sectionNames[id], err)
	}
	if crc32.Checksum(b, castagnoli) != sec.crc {
		return nil, damaged(sectionNames[id], "checksum does not match")
	}
	return b, nil
}

// verifyBuffer is how many bytes verifySection reads at a time.
const verifyBuffer = 256 << 10

// verifySection checks the checksum of section id by reading the file
// through its descriptor into buf (reused; at least verifyBuffer bytes),
// never through the mapping: pages of the mapping that answering never
// touches then never count in the process's resident memory.
func (s *snapshot) verifySection(id uint32, buf []byte) error {
	sec, ok := s.secs[id]
	if !ok {
		return fmt.Errorf("%w: no %s section", errDamaged, sectionNames[id])
	}
	var crc uint32
	for off := int64(0); off < sec.size; {
		n := min(int64(len(buf)), sec.size-off)
		if _, err := s.f.ReadAt(buf[:n], sec.off+off); err != nil {
			return fmt.Errorf("read %s section: %w", sectionNames[id], err)
		}
		crc = crc32.Update(crc, castagnoli, buf[:n])
		off += n
	}
	if crc != sec.crc {
		return damaged(sectionNames[id], "checksum does not match")
	}
	return nil
}

// verify checks the checksum of every section of s.
func (s *snapshot) verify() error {
	buf := make([]byte, verifyBuffer)
	for id := range s.secs {
		if err := s.verifySection(id, buf); err != nil {
			return err
		}
	}
	return nil
}

// secReader reads one section's bytes, b, from the front. Errors are
// sticky: close reports the first.
type secReader struct {
	name string
	b    []byte
	// pos is how far into the section b starts.
	pos int
	err error
}

// left is the number of bytes not read yet.
func (r *secReader) left() int { return len(r.b) }

// next returns the next n bytes, nil when fewer are left.
func (r *secReader) next(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.fail("truncated")
		return nil
	}
	out := r.b[:n:n]
	r.b, r.pos = r.b[n:], r.pos+n
	return out
}

func (r *secReader) fail(why string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s section %s", errDamaged, r.name, why)
	}
}

func (r *secReader) u32() uint32 {
	if b := r.next(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// count reads a u32 count of items of at least minSize bytes each, which
// must fit in what is left of the section.
func (r *secReader) count(minSize int64) int {
	n := int64(r.u32())
	if r.err == nil && n*minSize > int64(len(r.b)) {
		r.fail("count out of range")
		return 0
	}
	return int(n)
}

// getRaw returns a raw array of n values (see putRaw: it starts at a
// multiple of rawAlign bytes from the section start); nil on error. On a
// little-endian machine it is the section's own bytes, in the mapping when
// the file is mapped, never a copy; the caller must not modify it.
func getRaw[T fixed](r *secReader, n int) []T {
	r.next(padding(r.pos, rawAlign))
	size := int(unsafe.Sizeof(*new(T)))
	if r.err != nil || n < 0 || n > len(r.b)/size {
		r.fail("truncated")
		return nil
	}
	b := r.next(n * size)
	if n == 0 {
		return []T{}
	}
	if !littleEndian || uintptr(unsafe.Pointer(&b[0]))%unsafe.Alignof(*new(T)) != 0 {
		// A copy, converted: the values are not in the machine's order,
		// or not where it can read them in place.
		s := make([]T, n)
		copy(rawBytes(s), b)
		if !littleEndian {
			swapBytes(s)
		}
		return s
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

// strings reads a table written by snapWriter.strings. The strings are the
// section's own bytes, never copied (see getRaw).
func (r *secReader) strings() []string {
	t := r.stringTable()
	if r.err != nil {
		return nil
	}
	out := make([]string, t.len())
	for i := range out {
		out[i] = t.at(i)
	}
	return out
}

// stringTable is strings without a string header per entry: the table's
// offsets and bytes, in place; the zero table on error.
func (r *secReader) stringTable() strTable {
	n := r.count(8)
	offs := getRaw[uint64](r, n+1)
	if r.err != nil {
		return strTable{}
	}
	total := offs[n]
	if offs[0] != 0 || total > uint64(len(r.b)) {
		r.fail("string table out of range")
		return strTable{}
	}
	for i := range n {
		if offs[i] > offs[i+1] {
			r.fail("string table out of order")
			return strTable{}
		}
	}
	blob := r.next(int(total))
	all := ""
	if total > 0 {
		// The section's bytes are never written, so strings can share them.
		all = unsafe.String(&blob[0], len(blob))
	}
	return strTable{offs: offs, all: all}
}

// close checks that the whole section was read.
func (r *secReader) close() error {
	if r.err == nil && len(r.b) != 0 {
		r.fail("has trailing bytes")
	}
	return r.err
}
