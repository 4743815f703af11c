package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The embedding cache keeps the vectors a network embedder returned for
// passages, so that rebuilding an index after a document changed, or
// calibrating again, does not ask the API again for a text it has already
// embedded. It is one append-only file per embedder in the index folder,
//
//	quotebot-embed-cache-<16 hex digits of the SHA-256 of the embedder's ID>.bin
//
// holding a header (embedCacheMagic, the embedder's ID, the dimension) and
// then records of one size: the SHA-256 of the text, its vector (float32,
// little-endian, normalized) and the CRC-32C of both. Records are only
// appended, under an exclusive lock on the file, so processes may share it;
// a record cut short by a crash is cut off at the next append, and a
// damaged one reads as missing. The questions people ask are never written
// to it (see provider.Embed).

const (
	embedCachePrefix = "quotebot-embed-cache-"
	embedCacheExt    = ".bin"
	embedCacheMagic  = "quotebot-embed-cache 1\n"
	// maxEmbedCacheBytes caps the cache file: about 170,000 vectors of
	// 1,536 dimensions, several builds of a large corpus. The index itself
	// keeps its passages' vectors, so a cache past the cap is started
	// afresh the next time it is opened rather than grow without bound.
	maxEmbedCacheBytes = 1 << 30
)

// embedCacheName is the cache file's name for the embedder id.
func embedCacheName(id string) string {
	sum := sha256.Sum256([]byte(id))
	return embedCachePrefix + hex.EncodeToString(sum[:8]) + embedCacheExt
}

// isEmbedCacheName reports whether name is one embedCacheName gives.
func isEmbedCacheName(name string) bool {
	hexPart, ok := strings.CutPrefix(name, embedCachePrefix)
	if !ok {
		return false
	}
	hexPart, ok = strings.CutSuffix(hexPart, embedCacheExt)
	if _, err := hex.DecodeString(hexPart); !ok || len(hexPart) != 16 || err != nil {
		return false
	}
	return true
}

// embedCache is an open cache file's index: where each text's record is.
// A nil *embedCache is a cache that holds nothing and keeps nothing.
type embedCache struct {
	mu   sync.Mutex
	name string
	id   string
	// head is the header's length and dim the vectors' dimension; both 0
	// until the header is written.
	head int64
	dim  int
	at   map[[sha256.Size]byte]int64
}

// openEmbedCache opens the cache of the embedder id in the index folder
// dir, refusing a folder that is not a place for an index (see
// checkIndexPath), and reads where its records are. The folder and the file
// are created by the first put.
func openEmbedCache(ctx context.Context, dir, id string) (*embedCache, error) {
	dir = filepath.Clean(dir)
	if err := checkIndexPath(dir); err != nil {
		return nil, err
	}
	c := &embedCache{name: filepath.Join(dir, embedCacheName(id)), id: id, at: map[[sha256.Size]byte]int64{}}
	if _, err := os.Stat(c.name); errors.Is(err, fs.ErrNotExist) {
		// Created by the first put: a build stopped before any vector
		// came back leaves nothing behind.
		return c, nil
	}
	unlock, err := lockFile(ctx, c.name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	f, err := os.OpenFile(c.name, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxEmbedCacheBytes {
		if err := f.Truncate(0); err != nil {
			return nil, err
		}
		return c, nil
	}
	if err := c.readHeader(f, fi.Size()); err != nil {
		return nil, err
	}
	if c.head == 0 {
		return c, nil
	}
	rec := c.recordSize()
	var key [sha256.Size]byte
	for off := c.head; off+rec <= fi.Size(); off += rec {
		if _, err := f.ReadAt(key[:], off); err != nil {
			return nil, err
		}
		c.at[key] = off
	}
	return c, nil
}

func (c *embedCache) recordSize() int64 { return sha256.Size + 4*int64(c.dim) + 4 }

// readHeader reads the header of f, size bytes long, when it has one. A
// header cut short, of another embedder or damaged is an error: the file
// is then left alone.
func (c *embedCache) readHeader(f *os.File, size int64) error {
	if size == 0 {
		return nil
	}
	want := c.header(0)
	got := make([]byte, min(size, int64(len(want))))
	if _, err := f.ReadAt(got, 0); err != nil {
		return err
	}
	n := len(want) - 4
	if len(got) < len(want) || string(got[:n]) != string(want[:n]) {
		return fmt.Errorf("%s is not the embedding cache of %s", c.name, c.id)
	}
	c.dim = int(binary.LittleEndian.Uint32(got[n:]))
	if c.dim <= 0 || c.dim > maxEmbedDim {
		return fmt.Errorf("%s: damaged header", c.name)
	}
	c.head = int64(len(want))
	return nil
}

// maxEmbedDim bounds the dimension a cache header may claim; the largest
// embedding models give a few thousand.
const maxEmbedDim = 1 << 16

// header is the cache file's header for vectors of dim dimensions.
func (c *embedCache) header(dim int) []byte {
	h := []byte(embedCacheMagic)
	h = binary.LittleEndian.AppendUint32(h, uint32(len(c.id)))
	h = append(h, c.id...)
	return binary.LittleEndian.AppendUint32(h, uint32(dim))
}

// lookup returns the cached vector of each text, nil for those it does not
// hold.
func (c *embedCache) lookup(texts []string) [][]float32 {
	out := make([][]float32, len(texts))
	if c == nil {
		return out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.at) == 0 {
		return out
	}
	f, err := os.Open(c.name)
	if err != nil {
		return out
	}
	defer f.Close()
	buf := make([]byte, c.recordSize())
	for i, t := range texts {
		key := sha256.Sum256([]byte(t))
		off, ok := c.at[key]
		if !ok {
			continue
		}
		if _, err := f.ReadAt(buf, off); err != nil || string(buf[:sha256.Size]) != string(key[:]) {
			continue
		}
		body := buf[:len(buf)-4]
		if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(buf[len(buf)-4:]) {
			continue
		}
		v := make([]float32, c.dim)
		for k := range v {
			v[k] = math.Float32frombits(binary.LittleEndian.Uint32(body[sha256.Size+4*k:]))
		}
		out[i] = v
	}
	return out
}

// put appends the vectors of texts to the cache. It gives up quietly, since
// a cache is only a saving: when the file cannot be locked or written, is
// full, or the vectors are not of its dimension.
func (c *embedCache) put(ctx context.Context, texts []string, vecs [][]float32) {
	if c == nil || len(texts) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if os.MkdirAll(filepath.Dir(c.name), 0o755) != nil {
		return
	}
	unlock, err := lockFile(ctx, c.name)
	if err != nil {
		return
	}
	defer unlock()
	f, err := os.OpenFile(c.name, os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return
	}
	size := fi.Size()
	if c.head == 0 {
		// Written since it was opened, by another process, or not yet.
		if err := c.readHeader(f, size); err != nil {
			return
		}
	}
	if c.head == 0 {
		c.dim = len(vecs[0])
		h := c.header(c.dim)
		if _, err := f.WriteAt(h, 0); err != nil {
			return
		}
		c.head, size = int64(len(h)), int64(len(h))
	}
	rec := c.recordSize()
	if cut := (size - c.head) % rec; cut != 0 {
		size -= cut
		if f.Truncate(size) != nil {
			return
		}
	}
	if size+int64(len(texts))*rec > maxEmbedCacheBytes {
		return
	}
	buf := make([]byte, 0, int64(len(texts))*rec)
	for i, t := range texts {
		if len(vecs[i]) != c.dim {
			return
		}
		start := len(buf)
		key := sha256.Sum256([]byte(t))
		buf = append(buf, key[:]...)
		for _, x := range vecs[i] {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
		buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf[start:], castagnoli))
	}
	if _, err := f.WriteAt(buf, size); err != nil {
		// Whatever was written is cut off by the next append, or read as
		// damaged.
		return
	}
	for i, t := range texts {
		c.at[sha256.Sum256([]byte(t))] = size + int64(i)*rec
	}
}
