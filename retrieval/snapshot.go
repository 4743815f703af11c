package retrieval

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
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
// Arrays are stored raw (see rawio.go), so the vectors load in one read.
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

// putRaw writes a raw array into the current section.
func putRaw[T fixed](w *snapWriter, s []T) {
	if w.err == nil {
		if err := writeRaw(w, s); err != nil && w.err == nil {
			w.err = err
		}
	}
}

// strings writes a table of strings: u32 count, u64 offsets (count+1),
// then their bytes.
func (w *snapWriter) strings(ss []string) {
	w.u32(uint32(len(ss)))
	offs := make([]uint64, len(ss)+1)
	for i, s := range ss {
		offs[i+1] = offs[i] + uint64(len(s))
	}
	putRaw(w, offs)
	for _, s := range ss {
		w.str(s)
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
	secs map[uint32]section
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

func (s *snapshot) Close() error { return s.f.Close() }

func (s *snapshot) readFooter() error {
	fi, err := s.f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
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

// section opens section id for reading from its start.
func (s *snapshot) section(id uint32) *secReader {
	sec, ok := s.secs[id]
	r := &secReader{name: sectionNames[id], want: sec.crc, left: sec.size}
	if !ok {
		r.err = fmt.Errorf("%w: no %s section", errDamaged, r.name)
		return r
	}
	// Large arrays are read past the buffer, straight into place.
	r.br = bufio.NewReaderSize(io.NewSectionReader(s.f, sec.off, sec.size), 64<<10)
	return r
}

// secReader reads one section, checking its size and checksum. Errors are
// sticky: close reports the first.
type secReader struct {
	name      string
	br        *bufio.Reader
	left      int64
	crc, want uint32
	err       error
}

func (r *secReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if int64(len(p)) > r.left {
		r.fail("truncated")
		return 0, r.err
	}
	n, err := io.ReadFull(r.br, p)
	r.left -= int64(n)
	r.crc = crc32.Update(r.crc, castagnoli, p[:n])
	if err != nil {
		r.err = fmt.Errorf("read %s section: %w", r.name, err)
	}
	return n, r.err
}

func (r *secReader) fail(why string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s section %s", errDamaged, r.name, why)
	}
}

func (r *secReader) u32() uint32 {
	var b [4]byte
	r.Read(b[:])
	return binary.LittleEndian.Uint32(b[:])
}

// count reads a u32 count of items of at least minSize bytes each, which
// must fit in what is left of the section.
func (r *secReader) count(minSize int64) int {
	n := int64(r.u32())
	if r.err == nil && n*minSize > r.left {
		r.fail("count out of range")
		return 0
	}
	return int(n)
}

// skip discards n bytes.
func (r *secReader) skip(n int64) {
	if r.err != nil {
		return
	}
	if n > r.left {
		r.fail("truncated")
		return
	}
	buf := make([]byte, min(n, 1<<16))
	for n > 0 {
		k := min(n, int64(len(buf)))
		r.Read(buf[:k])
		n -= k
	}
}

// align skips padding up to a multiple of n bytes from the section start.
func (r *secReader) align(size int64, n int64) {
	if m := size % n; m != 0 {
		r.skip(n - m)
	}
}

// getRaw reads a raw array of n values; nil on error.
func getRaw[T fixed](r *secReader, n int) []T {
	size := int64(unsafe.Sizeof(*new(T)))
	if r.err != nil || int64(n)*size > r.left || n < 0 {
		r.fail("truncated")
		return nil
	}
	s := make([]T, n)
	if err := readRaw(r, s); err != nil {
		r.fail("truncated")
		return nil
	}
	return s
}

// strings reads a table written by snapWriter.strings. The strings share
// one allocation.
func (r *secReader) strings() []string {
	n := r.count(8)
	offs := getRaw[uint64](r, n+1)
	if r.err != nil {
		return nil
	}
	total := offs[n]
	if offs[0] != 0 || total > uint64(r.left) {
		r.fail("string table out of range")
		return nil
	}
	for i := range n {
		if offs[i] > offs[i+1] {
			r.fail("string table out of order")
			return nil
		}
	}
	blob := make([]byte, total)
	if _, err := r.Read(blob); err != nil {
		return nil
	}
	all := ""
	if total > 0 {
		// blob is never written again, so the string can share it.
		all = unsafe.String(&blob[0], len(blob))
	}
	out := make([]string, n)
	for i := range out {
		out[i] = all[offs[i]:offs[i+1]]
	}
	return out
}

// close checks that the whole section was read and its checksum matches.
func (r *secReader) close() error {
	if r.err != nil {
		return r.err
	}
	if r.left != 0 {
		r.fail("has trailing bytes")
	} else if r.crc != r.want {
		r.fail("checksum does not match")
	}
	return r.err
}

// verify reads every section of s and checks its checksum.
func (s *snapshot) verify() error {
	for id := range s.secs {
		r := s.section(id)
		r.skip(r.left)
		if err := r.close(); err != nil {
			return err
		}
	}
	return nil
}
