package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"

	chromem "github.com/philippgille/chromem-go"

	"github.com/quotebot/quotebot/corpus"
)

// Indexes of format 1 were chromem-go persistent databases: a folder per
// collection named by the first 4 bytes of the SHA-256 of its name, holding
// a gob file per document named the same way by its ID (so that two IDs
// could share a file), with quotebot's manifest beside. A build moved the
// old index to path+".old" and built the new one in path+".tmp…". A
// rebuild reuses their vectors, restores an index a killed build left
// aside, and removes what they consist of, file by file, never anything
// else.

// v1Collection is the folder of format 1's collection.
func v1Collection(dir string) string {
	sum := sha256.Sum256([]byte(collectionName))
	return filepath.Join(dir, hex.EncodeToString(sum[:4]))
}

// v1File matches the files chromem-go writes in a collection folder.
var v1File = regexp.MustCompile(`^[0-9a-f]{8}\.gob$`)

// readV1Vectors returns the vectors the index of format 1 in dir holds
// for passages, by ID; nil when it cannot be read.
func readV1Vectors(dir string, passages []corpus.Passage) map[string][]float32 {
	if _, err := os.Stat(v1Collection(dir)); err != nil {
		return nil
	}
	db, err := chromem.NewPersistentDB(dir, false)
	if err != nil {
		return nil
	}
	col := db.GetCollection(collectionName, func(context.Context, string) ([]float32, error) { return nil, nil })
	if col == nil {
		return nil
	}
	out := map[string][]float32{}
	for _, p := range passages {
		if d, err := col.GetByID(context.Background(), p.ID); err == nil && len(d.Embedding) > 0 {
			out[p.ID] = d.Embedding
		}
	}
	return out
}

// v1Vectors gives a format 1 index's vectors to streamVectors.
type v1Vectors struct {
	e    *Engine
	vecs map[string][]float32
	d    int
}

func (v v1Vectors) dim() int { return v.d }

func (v v1Vectors) has(i int) bool {
	vec, ok := v.vecs[v.e.toIndex[i].ID]
	return ok && len(vec) == v.d
}

func (v v1Vectors) read(i int, dst []float32) ([]float32, error) {
	copy(dst, v.vecs[v.e.toIndex[i].ID])
	return dst, nil
}

// removeV1Collection removes format 1's collection from the index folder
// dir: chromem-go's files, then the folder if that left it empty.
func removeV1Collection(dir string) {
	col := v1Collection(dir)
	entries, err := os.ReadDir(col)
	if err != nil {
		return
	}
	for _, de := range entries {
		if de.Type().IsRegular() && v1File.MatchString(de.Name()) {
			os.Remove(filepath.Join(col, de.Name()))
		}
	}
	os.Remove(col)
}

// isV1Index reports whether dir is a folder with a manifest of format 1.
func isV1Index(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	m, err := readManifest(dir)
	return err == nil && m.ours() && m.meta.Format == 1
}

// restoreV1 deals with the folders a build of format 1 left beside path:
// path+".old", the index it had moved aside, goes back in place when path
// is missing; that and every path+".tmp…" that holds a format 1 manifest
// are otherwise removed, file by file.
func restoreV1(path string) {
	old := path + ".old"
	if _, err := os.Lstat(path); os.IsNotExist(err) && isV1Index(old) {
		os.Rename(old, path)
	}
	leftovers, _ := filepath.Glob(path + ".tmp*")
	for _, dir := range append(leftovers, old) {
		if !isV1Index(dir) {
			continue
		}
		removeV1Collection(dir)
		os.Remove(filepath.Join(dir, manifestName))
		os.Remove(dir)
	}
}
