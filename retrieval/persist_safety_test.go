package retrieval

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	chromem "github.com/philippgille/chromem-go"

	"github.com/quotebot/quotebot/corpus"
)

// snapshotTree records every name under root (not following symbolic
// links) with its type, permissions and content or link target.
func snapshotTree(tb testing.TB, root string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "link " + target
		case d.IsDir():
			out[rel] = fmt.Sprintf("dir %v", info.Mode())
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("file %v %q", info.Mode(), data)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func diffTrees(before, after map[string]string) []string {
	var diff []string
	for name, b := range before {
		if a, ok := after[name]; !ok {
			diff = append(diff, "removed "+name)
		} else if a != b {
			diff = append(diff, "changed "+name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			diff = append(diff, "added "+name)
		}
	}
	return diff
}

// TestNotAnIndex gives Config.Path things that are not a place for an
// index: each is refused with ErrNotIndex in one line that names it, and
// nothing in the folder around it changes, byte for byte.
func TestNotAnIndex(t *testing.T) {
	seedText, err := fs.ReadFile(corpus.Seed(), "china-peru-statement.txt")
	if err != nil {
		t.Fatal(err)
	}
	userFolder := func(t *testing.T, dir string) {
		os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
		os.WriteFile(filepath.Join(dir, "todo.txt"), []byte("buy milk\n"), 0o600)
		os.WriteFile(filepath.Join(dir, "sub", "draft.md"), []byte("# Draft\n"), 0o644)
	}
	tests := []struct {
		name string
		// setup makes the path under root and returns it, and the folder
		// of documents to index (empty: the seed).
		setup func(t *testing.T, root string) (path, docs string)
	}{
		{"folder with a user's files", func(t *testing.T, root string) (string, string) {
			userFolder(t, filepath.Join(root, "notes"))
			return filepath.Join(root, "notes"), ""
		}},
		{"a file", func(t *testing.T, root string) (string, string) {
			os.WriteFile(filepath.Join(root, "index"), []byte("not a folder"), 0o644)
			return filepath.Join(root, "index"), ""
		}},
		{"the corpus folder itself", func(t *testing.T, root string) (string, string) {
			dir := filepath.Join(root, "docs")
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, "statement.txt"), seedText, 0o644)
			return dir, dir
		}},
		{"a symbolic link to a user's folder", func(t *testing.T, root string) (string, string) {
			userFolder(t, filepath.Join(root, "notes"))
			if err := os.Symlink(filepath.Join(root, "notes"), filepath.Join(root, "link")); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
			return filepath.Join(root, "link"), ""
		}},
		{"a symbolic link to a file", func(t *testing.T, root string) (string, string) {
			os.WriteFile(filepath.Join(root, "file"), []byte("data"), 0o644)
			if err := os.Symlink(filepath.Join(root, "file"), filepath.Join(root, "link")); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
			return filepath.Join(root, "link"), ""
		}},
		{"a broken symbolic link", func(t *testing.T, root string) (string, string) {
			if err := os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(root, "link")); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
			return filepath.Join(root, "link"), ""
		}},
		{"a folder with someone else's quotebot-index.json", func(t *testing.T, root string) (string, string) {
			dir := filepath.Join(root, "cfg")
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, manifestName), []byte(`{"theme": "dark"}`), 0o644)
			return dir, ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			path, docsDir := tt.setup(t, root)
			docs := mustSeed(t)
			if docsDir != "" {
				var err error
				if docs, err = corpus.Load(os.DirFS(docsDir), corpus.Options{}); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshotTree(t, root)
			_, err := Open(context.Background(), docs, Config{Path: path})
			checkNotIndex(t, err, path)
			_, err = Build(context.Background(), Docs(docs), Config{Path: path})
			checkNotIndex(t, err, path)
			if diff := diffTrees(before, snapshotTree(t, root)); len(diff) > 0 {
				t.Fatalf("the folder changed: %v", diff)
			}
		})
	}
}

func checkNotIndex(t *testing.T, err error, path string) {
	t.Helper()
	if !errors.Is(err, ErrNotIndex) {
		t.Fatalf("err = %v, want ErrNotIndex", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, path) {
		t.Fatalf("error %q is not one line naming %s", msg, path)
	}
}

// TestIndexPathAccepted writes indexes where quotebot may: a folder that
// is empty, one holding only quotebot's own files, and a symbolic link to
// an empty folder.
func TestIndexPathAccepted(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, root string) string
		// at is where the index files must end up, under root.
		at string
	}{
		{"missing", func(t *testing.T, root string) string { return filepath.Join(root, "a", "b") }, "a/b"},
		{"empty folder", func(t *testing.T, root string) string {
			os.Mkdir(filepath.Join(root, "idx"), 0o755)
			return filepath.Join(root, "idx")
		}, "idx"},
		{"only quotebot's files", func(t *testing.T, root string) string {
			os.Mkdir(filepath.Join(root, "idx"), 0o755)
			os.WriteFile(filepath.Join(root, "idx", lockName), nil, 0o644)
			os.WriteFile(filepath.Join(root, "idx", snapshotName+tmpInfix+"9"), []byte("quote"), 0o644)
			return filepath.Join(root, "idx")
		}, "idx"},
		{"symbolic link to an empty folder", func(t *testing.T, root string) string {
			os.Mkdir(filepath.Join(root, "target"), 0o755)
			if err := os.Symlink(filepath.Join(root, "target"), filepath.Join(root, "link")); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
			return filepath.Join(root, "link")
		}, "target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			path := tt.setup(t, root)
			mustIndex(t, mustSeed(t), Config{Path: path})
			if _, err := os.Stat(filepath.Join(root, tt.at, snapshotName)); err != nil {
				t.Fatalf("no index in %s: %v", tt.at, err)
			}
			if !mustIndex(t, mustSeed(t), Config{Path: path}).Stats().Loaded {
				t.Fatal("the index written is not loaded")
			}
		})
	}
}

// chromemFileName is the name chromem-go v0.7.0 gives a document's file in
// a persistent collection (persistence.go, hash2hex): the first 4 bytes of
// the SHA-256 of its ID, in hex.
func chromemFileName(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:4]) + ".gob"
}

// collidingParagraphs finds two paragraphs of the document doc.txt whose
// passage IDs get the same chromem-go file name: a birthday search over 32
// bits, about 80,000 tries. It computes IDs as corpus does (a hash of the
// document ID, the text and its occurrence); the caller checks the result
// with corpus itself.
func collidingParagraphs(tb testing.TB) (string, string) {
	tb.Helper()
	seen := map[uint32]string{}
	for k := range 1 << 22 {
		text := fmt.Sprintf("The harbour board approved works order %d.", k)
		sum := sha256.Sum256([]byte("doc\x00" + text + "\x001"))
		name := sha256.Sum256([]byte(hex.EncodeToString(sum[:8])))
		key := binary.BigEndian.Uint32(name[:4])
		if other, ok := seen[key]; ok {
			return other, text
		}
		seen[key] = text
	}
	tb.Fatal("no collision found")
	return "", ""
}

// TestCollidingIDs indexes two paragraphs whose IDs share a file name in
// chromem-go's persistent layout: both survive a save and a load, and the
// second open loads instead of rebuilding.
func TestCollidingIDs(t *testing.T) {
	a, b := collidingParagraphs(t)
	doc, err := corpus.Parse("doc.txt", []byte(a+"\n\n"+b+"\n"), corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Passages) != 2 || chromemFileName(doc.Passages[0].ID) != chromemFileName(doc.Passages[1].ID) {
		t.Fatalf("corpus no longer derives passage IDs as collidingParagraphs assumes: %+v", doc.Passages)
	}
	docs := []corpus.Document{doc}
	dir := filepath.Join(t.TempDir(), "index")
	mustIndex(t, docs, Config{Path: dir})
	emb := newFake(NewLocal().ID(), LocalDim)
	e := mustIndex(t, docs, Config{Path: dir, Embedder: emb})
	if st := e.Stats(); !st.Loaded || e.Len() != 2 || emb.calls.Load() != 0 {
		t.Fatalf("second open: stats %+v, %d passages, %d embedded; want both passages loaded", st, e.Len(), emb.calls.Load())
	}
	for _, p := range doc.Passages {
		n := strings.TrimSuffix(strings.TrimPrefix(p.Text, "The harbour board approved works order "), ".")
		ans := mustAnswer(t, e, "works order "+n, 1)
		if !ans.Found || ans.Passages[0].ID != p.ID {
			t.Fatalf("works order %s: %+v", n, ans)
		}
	}
}

// writeV1Index writes an index as quotebot wrote it before format 2: a
// chromem-go persistent database of docs' passages and a manifest.
func writeV1Index(t *testing.T, dir string, docs []corpus.Document) {
	t.Helper()
	db, err := chromem.NewPersistentDB(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	local := NewLocal()
	col, err := db.CreateCollection(collectionName, nil, func(ctx context.Context, s string) ([]float32, error) { return local.Embed(ctx, s) })
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range docs {
		for _, p := range d.Passages {
			v, _ := local.Embed(context.Background(), p.Text)
			if err := col.AddDocument(context.Background(), chromem.Document{ID: p.ID, Embedding: v, Content: p.Text}); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	manifest := fmt.Sprintf(`{"format": 1, "embedder": %q, "dim": %d, "corpus": "0123", "passages": %d}`, local.ID(), LocalDim, n)
	if err := os.WriteFile(filepath.Join(dir, manifestName), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeFromFormat1 opens indexes of format 1: their vectors are
// reused, their files replaced, a user's file in the folder kept, and an
// index a killed build had moved aside is put back first.
func TestUpgradeFromFormat1(t *testing.T) {
	for _, aside := range []bool{false, true} {
		t.Run(fmt.Sprintf("moved aside=%v", aside), func(t *testing.T) {
			docs := mustSeed(t)
			dir := filepath.Join(t.TempDir(), "index")
			writeV1Index(t, dir, docs)
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
			if aside {
				if err := os.Rename(dir, dir+".old"); err != nil {
					t.Fatal(err)
				}
			}
			emb := newFake(NewLocal().ID(), LocalDim)
			e := mustIndex(t, docs, Config{Path: dir, Embedder: emb})
			if st := e.Stats(); st.Loaded || st.Reused != e.Len() || emb.calls.Load() != 0 || !strings.Contains(st.Reason, "format 1") {
				t.Fatalf("stats = %+v after %d embeddings; want every vector reused and the reason", st, emb.calls.Load())
			}
			if _, err := os.Stat(v1Collection(dir)); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("format 1's collection is still there: %v", err)
			}
			if data, err := os.ReadFile(filepath.Join(dir, "notes.txt")); err != nil || string(data) != "mine" {
				t.Fatalf("the user's file: %q, %v", data, err)
			}
			if _, err := os.Stat(dir + ".old"); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("%s.old is still there: %v", dir, err)
			}
			if !mustIndex(t, docs, Config{Path: dir}).Stats().Loaded {
				t.Fatal("the upgraded index is not loaded")
			}
		})
	}
}

// fixChecksums recomputes the section and footer checksums of a snapshot
// whose sections were changed, so that reading gets past them.
func fixChecksums(data []byte) {
	tr := data[len(data)-trailerSize:]
	footerOff, footerSize := binary.LittleEndian.Uint64(tr), binary.LittleEndian.Uint64(tr[8:])
	footer := data[footerOff : footerOff+footerSize]
	for i := range int(binary.LittleEndian.Uint32(footer)) {
		b := footer[4+i*24:]
		off, size := binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:])
		binary.LittleEndian.PutUint32(b[4:], crc32.Checksum(data[off:off+size], castagnoli))
	}
	binary.LittleEndian.PutUint32(tr[16:], crc32.Checksum(footer, castagnoli))
}

// TestDamagedSnapshot changes bytes inside the sections of a snapshot and
// fixes its checksums, so that what reading checks of the contents is what
// stands between a damaged file and the engine: loading must fail or
// succeed, never panic.
func TestDamagedSnapshot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	docs := mustDocs(t, map[string]string{
		"a.txt": "Title: A\n\nArticle 1. The harbour was dredged in spring.\n\nThe Federal Aviation Administration (FAA) approved the new runway at Belt and Road Initiative sites.\n",
		"b.md":  "# B\n\nThe ferry runs hourly between the islands. It stops at noon.\n",
	})
	mustIndex(t, docs, Config{Path: dir, Embedder: newFake("fake/4", 4)})
	orig, err := os.ReadFile(filepath.Join(dir, snapshotName))
	if err != nil {
		t.Fatal(err)
	}
	m, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	footerOff := int(binary.LittleEndian.Uint64(orig[len(orig)-trailerSize:]))
	rng := rand.New(rand.NewPCG(1, 2))
	name := filepath.Join(t.TempDir(), "damaged.bin")
	failed := 0
	for range 400 {
		data := bytes.Clone(orig)
		for range 1 + rng.IntN(4) {
			data[headerSize+rng.IntN(footerOff-headerSize)] = byte(rng.IntN(256))
		}
		fixChecksums(data)
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := openSnapshot(name)
		if err != nil {
			t.Fatalf("footer no longer read: %v", err)
		}
		e := newEngine(newFake("fake/4", 4))
		if err := e.loadFrom(s, m.meta); err != nil {
			failed++
		} else {
			for _, q := range []string{"harbour runway ferry islands", "FAA", "article 1", "¶2", "fery"} {
				if _, err := e.Answer(context.Background(), q, 3); err != nil {
					t.Fatalf("answer %q: %v", q, err)
				}
			}
		}
		readTopicCands(s, m.meta.Passages, func(int) int { return 40 })
		s.Close()
	}
	if failed == 0 {
		t.Fatal("no damage was noticed")
	}
}

// TestV1Leftovers checks that a build removes a folder a killed build of
// format 1 left beside the index only when it holds a quotebot manifest,
// and then only quotebot's files in it.
func TestV1Leftovers(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "index")
	docs := mustSeed(t)
	writeV1Index(t, dir+".tmp123", docs)
	writeV1Index(t, dir+".tmp456", docs)
	os.WriteFile(filepath.Join(dir+".tmp456", "mine.txt"), []byte("mine"), 0o644)
	os.MkdirAll(dir+".tmp789", 0o755)
	os.WriteFile(filepath.Join(dir+".tmp789", "x.gob"), []byte("not quotebot's"), 0o644)
	mustIndex(t, docs, Config{Path: dir})
	got := snapshotTree(t, root)
	if _, ok := got["index.tmp123"]; ok {
		t.Error("a leftover index of format 1 was not removed")
	}
	if _, ok := got["index.tmp456/mine.txt"]; !ok {
		t.Error("a user's file in a leftover was removed")
	}
	if _, ok := got["index.tmp456/"+manifestName]; ok {
		t.Error("the leftover's manifest was kept")
	}
	if got["index.tmp789/x.gob"] == "" {
		t.Error("a folder without a quotebot manifest was touched")
	}
}
