package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	chromem "github.com/philippgille/chromem-go"
)

// manifestName is the file, beside chromem-go's collection folders, that
// records what an index was built from. chromem-go skips files at the top of
// its folder, and does not give collection metadata back, so quotebot keeps
// its own record.
const manifestName = "quotebot-index.json"

// manifestFormat changes when the layout of the index changes.
const manifestFormat = 1

type manifest struct {
	Format   int    `json:"format"`
	Embedder string `json:"embedder"`
	Dim      int    `json:"dim"`
	Corpus   string `json:"corpus"`
	Passages int    `json:"passages"`
}

// fingerprint identifies the set of passages: a hash of their sorted IDs
// (which hash their text).
func (e *Engine) fingerprint() string {
	ids := make([]string, 0, len(e.passages))
	for _, p := range e.passages {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func readManifest(dir string) (manifest, error) {
	var m manifest
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("read %s: %w", filepath.Join(dir, manifestName), err)
	}
	return m, nil
}

// openPersistent loads the index at path when it matches, and otherwise
// builds a new one beside it and swaps it in. Building holds a lock file, so
// of two processes opening a changed corpus at once one builds and the other
// loads what it built.
func (e *Engine) openPersistent(ctx context.Context, path string) error {
	path = filepath.Clean(path)
	want := manifest{Format: manifestFormat, Embedder: e.emb.ID(), Corpus: e.fingerprint(), Passages: len(e.passages)}
	if e.tryLoad(path, want) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create index folder: %w", err)
	}
	unlock, err := lockFile(ctx, path+".lock")
	if err != nil {
		return fmt.Errorf("lock index %s: %w", path, err)
	}
	defer unlock()
	// A build killed between its two renames leaves only the ".old" folder.
	old := path + ".old"
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(old); err == nil {
			if err := os.Rename(old, path); err != nil {
				return fmt.Errorf("restore index %s: %w", old, err)
			}
		}
	}
	if e.tryLoad(path, want) {
		return nil
	}
	// Vectors of unchanged passages are taken from the old index when it was
	// built by the same embedder.
	var reuse map[string][]float32
	if m, err := readManifest(path); err == nil && m.Format == want.Format && m.Embedder == want.Embedder {
		reuse = e.oldVectors(ctx, path)
	}
	return e.rebuild(ctx, path, want, reuse)
}

// tryLoad loads the index at path when its manifest says it was built from
// these passages by this embedder.
func (e *Engine) tryLoad(path string, want manifest) bool {
	m, err := readManifest(path)
	if err != nil || m.Format != want.Format || m.Embedder != want.Embedder || m.Corpus != want.Corpus || m.Passages != want.Passages {
		return false
	}
	col, err := e.loadCollection(path, len(e.passages))
	if err != nil {
		return false
	}
	e.col, e.dim = col, m.Dim
	e.stats.Loaded = true
	return true
}

// loadCollection opens the persistent database at path and checks that its
// collection holds n passages.
func (e *Engine) loadCollection(path string, n int) (*chromem.Collection, error) {
	db, err := chromem.NewPersistentDB(path, false)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	col := db.GetCollection(collectionName, e.embedFunc())
	if col == nil || col.Count() != n {
		return nil, fmt.Errorf("open index %s: collection %q missing or incomplete", path, collectionName)
	}
	return col, nil
}

// oldVectors returns the vectors of the passages the index at path shares
// with e; nil when it cannot be read.
func (e *Engine) oldVectors(ctx context.Context, path string) map[string][]float32 {
	db, err := chromem.NewPersistentDB(path, false)
	if err != nil {
		return nil
	}
	col := db.GetCollection(collectionName, e.embedFunc())
	if col == nil {
		return nil
	}
	out := map[string][]float32{}
	for _, p := range e.passages {
		if d, err := col.GetByID(ctx, p.ID); err == nil && len(d.Embedding) > 0 {
			out[p.ID] = d.Embedding
		}
	}
	return out
}

// rebuild writes a new index to a temporary folder beside path, then moves
// the current index to path+".old", the new one to path, and removes the old
// one; temporary folders left by killed builds are removed first. The
// caller holds the lock.
func (e *Engine) rebuild(ctx context.Context, path string, m manifest, reuse map[string][]float32) (err error) {
	if stale, _ := filepath.Glob(path + ".tmp*"); len(stale) > 0 {
		for _, dir := range stale {
			os.RemoveAll(dir)
		}
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), filepath.Base(path)+".tmp")
	if err != nil {
		return fmt.Errorf("create temporary index: %w", err)
	}
	// Whatever stops the build (a cancelled context, a full disk) leaves
	// no temporary folder behind once the new index is not swapped in.
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	db, err := chromem.NewPersistentDB(tmp, false)
	if err != nil {
		return fmt.Errorf("create index %s: %w", tmp, err)
	}
	col, dim, err := e.buildCollection(ctx, db, reuse)
	if err != nil {
		return err
	}
	m.Dim = dim
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := writeFileSync(filepath.Join(tmp, manifestName), data); err != nil {
		return err
	}
	old := path + ".old"
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("clear %s: %w", old, err)
	}
	if _, err := os.Stat(path); err == nil {
		if err := os.Rename(path, old); err != nil {
			return fmt.Errorf("move old index aside: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("move new index in place: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("remove old index: %w", err)
	}
	e.col, e.dim = col, dim
	return nil
}

func writeFileSync(name string, data []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	return nil
}
