package retrieval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/quotebot/quotebot/corpus"
)

// A persistent index is a folder that quotebot alone writes to. It holds:
//
//	quotebot-index.json  the manifest: what the index was built from (snapshotMeta)
//	quotebot-index.bin   the snapshot: everything the engine loads (snapshot.go)
//	quotebot-index.lock  held while a process builds
//	quotebot-embed-cache-*.bin  vectors a network embedder returned (embedcache.go)
//
// A build writes the snapshot under a temporary name in the folder, renames
// it over the old one, then replaces the manifest the same way; a process
// killed at any point leaves the previous index usable. Loading needs the
// manifest and the snapshot's copy of it to agree. quotebot never renames
// or removes the folder itself, nor anything in it but its own files.

const (
	manifestName = "quotebot-index.json"
	lockName     = "quotebot-index.lock"
	// manifestKind marks a manifest as quotebot's.
	manifestKind = "quotebot-index"
	// snapshotFormat changes when the layout of the index changes; format 1
	// was chromem-go's persistent database with a manifest beside it; 3
	// aligns raw arrays (rawAlign) so that they load in place.
	snapshotFormat = 3
	// tmpInfix joins a file's name and the random part of its temporary
	// name while it is written.
	tmpInfix = ".tmp-"
)

// ErrNotIndex is returned by Open and Build when Config.Path names
// something other than a place for a quotebot index: a file, or a folder
// holding files quotebot did not write. Nothing there is changed.
var ErrNotIndex = errors.New("not a quotebot index")

// analysisVersion changes whenever what is derived from a document's
// bytes changes (passage splitting, tokens, terms, topic candidates), so
// that stored passages and analysis are not reused across it, or how the
// stored topics are chosen from them (2: topics from headings, verbs and
// names kept out). The build's
// VCS revision, when the binary records one, is part of it as well.
const analysisVersion = "2"

func analysisID() string {
	id := "v" + analysisVersion
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				id += "+" + s.Value
			}
		}
	}
	return id
}

// snapshotMeta is the manifest, and the snapshot's meta section: the same
// bytes in both.
type snapshotMeta struct {
	Kind     string `json:"kind"`
	Format   int    `json:"format"`
	Embedder string `json:"embedder"`
	Dim      int    `json:"dim"`
	// Analysis is analysisID of the quotebot that built the index.
	Analysis string `json:"analysis"`
	// Source is the key of the documents (see Source).
	Source    string `json:"source"`
	Documents int    `json:"documents"`
	// Skipped are the files the documents' Source could not read.
	Skipped  []skippedFile `json:"skipped,omitempty"`
	Passages int           `json:"passages"`
	Terms    int           `json:"terms"`
	Topics   []string      `json:"topics"`
	// Thresholds are the decision's thresholds saved by `quotebot
	// calibrate --save` (SaveThresholds), by the ID of the embedder they
	// were calibrated for; absent from older manifests. Saving rewrites
	// only the manifest, so this is the one field in which it may differ
	// from the snapshot's copy (see sameMeta), and the manifest's is the
	// one used.
	Thresholds map[string]Thresholds `json:"thresholds,omitempty"`
}

// sameMeta reports whether two encodings of snapshotMeta describe the same
// index: equal but for their thresholds.
func sameMeta(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	canon := func(raw []byte) ([]byte, bool) {
		var m snapshotMeta
		if json.Unmarshal(raw, &m) != nil {
			return nil, false
		}
		m.Thresholds = nil
		out, err := json.Marshal(m)
		return out, err == nil
	}
	ca, ok1 := canon(a)
	cb, ok2 := canon(b)
	return ok1 && ok2 && bytes.Equal(ca, cb)
}

// skippedFile is a corpus.Skipped as the manifest records it.
type skippedFile struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func skippedFiles(skipped []corpus.Skipped) []skippedFile {
	out := make([]skippedFile, len(skipped))
	for i, s := range skipped {
		out[i] = skippedFile{Path: s.Path, Reason: s.Err.Error()}
	}
	return out
}

// stats are the Stats of the index m describes, loaded as is.
func (m snapshotMeta) stats() Stats {
	st := Stats{Loaded: true, Passages: m.Passages, Documents: m.Documents}
	for _, s := range m.Skipped {
		st.Skipped = append(st.Skipped, corpus.Skipped{Path: s.Path, Err: errors.New(s.Reason)})
	}
	return st
}

// wanted is what an index must have been built with to be used as is.
type wanted struct {
	embedder, analysis, source string
}

// errUnknownSource is why an index is rebuilt for a Source without a key.
var errUnknownSource = staleError{"the documents could not be identified without loading them"}

func (e *Engine) want(src Source) wanted {
	return wanted{embedder: e.emb.ID(), analysis: analysisID(), source: src.Key}
}

// reasonDocsChanged is why an index built from other documents is rebuilt;
// the rebuild adds how many passages came and went.
const reasonDocsChanged = "the documents changed"

// staleError says why an index cannot be used as is.
type staleError struct{ reason string }

func (s staleError) Error() string { return s.reason }

// reasonOf turns why an index was not loaded into the reason Stats gives.
func reasonOf(err error) string {
	var stale staleError
	switch {
	case errors.As(err, &stale):
		return stale.reason
	case errors.Is(err, errDamaged):
		return "the index is damaged: " + err.Error()
	default:
		return "the index cannot be read: " + err.Error()
	}
}

// manifestFile is the manifest as read, formats 1 and 2.
type manifestFile struct {
	raw  []byte
	meta snapshotMeta
	// v1 holds format 1's own field.
	v1Corpus string
}

// readManifest reads the manifest of the index folder dir; an error
// wrapping fs.ErrNotExist when there is none.
func readManifest(dir string) (manifestFile, error) {
	var m manifestFile
	raw, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return m, err
	}
	var fields struct {
		snapshotMeta
		Corpus string `json:"corpus"`
	}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return m, fmt.Errorf("%w: manifest: %v", errDamaged, err)
	}
	return manifestFile{raw: raw, meta: fields.snapshotMeta, v1Corpus: fields.Corpus}, nil
}

// ours reports whether the manifest is one quotebot writes.
func (m manifestFile) ours() bool {
	return m.meta.Kind == manifestKind || (m.meta.Format == 1 && m.meta.Embedder != "" && m.v1Corpus != "")
}

// checkManifest reports whether the index in dir was built as wanted.
func checkManifest(dir string, want wanted) (manifestFile, error) {
	m, err := readManifest(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return m, staleError{"there is no index yet"}
	case err != nil:
		return m, err
	case !m.ours():
		return m, staleError{"the manifest is not quotebot's"}
	case m.meta.Format != snapshotFormat:
		return m, staleError{fmt.Sprintf("the index has format %d, this quotebot writes format %d", m.meta.Format, snapshotFormat)}
	case m.meta.Embedder != want.embedder:
		return m, staleError{fmt.Sprintf("the embedder changed (the index holds %s vectors)", m.meta.Embedder)}
	case m.meta.Analysis != want.analysis:
		return m, staleError{"quotebot's text analysis changed"}
	case m.meta.Source != want.source:
		return m, staleError{reasonDocsChanged}
	}
	return m, nil
}

// openIndex opens the snapshot of the index in dir, built as wanted, and
// checks that it is the one the manifest describes.
func openIndex(dir string, want wanted) (*snapshot, snapshotMeta, error) {
	m, err := checkManifest(dir, want)
	if err != nil {
		return nil, m.meta, err
	}
	s, err := openSnapshot(filepath.Join(dir, snapshotName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, m.meta, staleError{"the index's data file is missing"}
	}
	if err != nil {
		return nil, m.meta, err
	}
	raw, err := s.readSection(secMeta)
	if err != nil {
		s.Close()
		return nil, m.meta, err
	}
	if !sameMeta(raw, m.raw) {
		s.Close()
		return nil, m.meta, staleError{"the index's manifest does not match its data"}
	}
	return s, m.meta, nil
}

// openPersistent loads the index at path when it was built as wanted, and
// otherwise builds a new one in its place and loads that. Building holds a
// lock file, so of two processes opening a changed corpus at once one
// builds and the other loads what it built.
func (e *Engine) openPersistent(ctx context.Context, src Source, path string) (*Engine, error) {
	path = filepath.Clean(path)
	want := e.want(src)
	if src.Key != "" && e.load(path, want) == nil {
		return e, nil
	}
	unlock, err := e.prepare(ctx, src, path)
	if err != nil {
		return nil, err
	}
	defer unlock()
	err = errUnknownSource
	if src.Key != "" {
		if err = e.load(path, want); err == nil {
			return e, nil
		}
	}
	reason := reasonOf(err)
	if err := e.rebuild(ctx, src, path, want, reason); err != nil {
		return nil, err
	}
	// The engine answers from what later processes load, not from what the
	// build left in memory.
	built := e.stats
	if err := e.load(path, want); err != nil {
		return nil, fmt.Errorf("load the index just built: %w", err)
	}
	e.stats = built
	return e, nil
}

// buildPersistent brings the index at path up to date without loading it.
func (e *Engine) buildPersistent(ctx context.Context, src Source, path string) (Stats, error) {
	path = filepath.Clean(path)
	want := e.want(src)
	check := func() (Stats, error) {
		if src.Key == "" {
			return Stats{}, errUnknownSource
		}
		meta, err := e.check(path, want)
		return meta.stats(), err
	}
	if st, err := check(); err == nil {
		return st, nil
	}
	unlock, err := e.prepare(ctx, src, path)
	if err != nil {
		return Stats{}, err
	}
	defer unlock()
	st, err := check()
	if err == nil {
		return st, nil
	}
	if err := e.rebuild(ctx, src, path, want, reasonOf(err)); err != nil {
		return Stats{}, err
	}
	return e.stats, nil
}

// check verifies that the index at path was built as wanted and is whole.
func (e *Engine) check(path string, want wanted) (snapshotMeta, error) {
	s, meta, err := openIndex(path, want)
	if err != nil {
		return meta, err
	}
	defer s.Close()
	return meta, s.verify()
}

// prepare readies a build: it refuses a path that is not a place for an
// index (see checkIndexPath), loads the documents (so that documents that
// cannot be indexed leave nothing behind), restores an index an older
// quotebot left aside, creates the folder and takes the build lock.
func (e *Engine) prepare(ctx context.Context, src Source, path string) (func(), error) {
	if err := checkIndexPath(path); err != nil {
		return nil, err
	}
	res, err := src.Load()
	if err != nil {
		return nil, err
	}
	if err := e.setPassages(res); err != nil {
		return nil, err
	}
	restoreV1(path)
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("create index folder: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(path, lockName))
	if err != nil {
		return nil, fmt.Errorf("lock index %s: %w", path, err)
	}
	return unlock, nil
}

// checkIndexPath returns an error wrapping ErrNotIndex unless path is a
// place quotebot may write an index to: nothing yet, or a folder (or a
// symbolic link to one) that is empty, holds only quotebot's own files, or
// holds a quotebot manifest.
func checkIndexPath(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("index %s: %w", path, err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if fi, err = os.Stat(path); err != nil {
			return notIndex(path, "it is a symbolic link to nothing")
		}
	}
	if !fi.IsDir() {
		return notIndex(path, "it is a file, not a folder")
	}
	if m, err := readManifest(path); err == nil && m.ours() {
		return nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return fmt.Errorf("index %s: %w", path, err)
	}
	for _, de := range entries {
		// A manifest that is not quotebot's was read above.
		if de.Name() == manifestName || !isOwnName(de.Name()) {
			return notIndex(path, fmt.Sprintf("the folder holds %q, which quotebot did not write", de.Name()))
		}
	}
	return nil
}

func notIndex(path, why string) error {
	return fmt.Errorf("%q is %w: %s; use a new or empty folder for the index", path, ErrNotIndex, why)
}

// isOwnName reports whether name is one quotebot gives its files in an
// index folder.
func isOwnName(name string) bool {
	switch name {
	case manifestName, snapshotName, lockName:
		return true
	}
	return isEmbedCacheName(name) || strings.HasPrefix(name, manifestName+tmpInfix) || strings.HasPrefix(name, snapshotName+tmpInfix)
}

// removeStaleTemps removes the temporary files of builds that were killed:
// files of the folder named as quotebot names them while writing, that are
// empty or begin as quotebot's files do. The caller holds the lock.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range entries {
		name := de.Name()
		var prefix string
		switch {
		case strings.HasPrefix(name, snapshotName+tmpInfix):
			prefix = snapshotMagic
		case strings.HasPrefix(name, manifestName+tmpInfix):
			prefix = `{"kind":"` + manifestKind + `"`
		default:
			continue
		}
		if !de.Type().IsRegular() {
			continue
		}
		full := filepath.Join(dir, name)
		if startsWith(full, prefix) {
			os.Remove(full)
		}
	}
}

// startsWith reports whether the file name begins with prefix, or with a
// part of it when it is shorter (a write cut short).
func startsWith(name, prefix string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, len(prefix))
	n, _ := io.ReadFull(f, buf)
	return string(buf[:n]) == prefix[:n]
}

// writeFileAtomic replaces name with data: written to a temporary file
// beside it, synced, and renamed over it.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+tmpInfix+"*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	tmp := f.Name()
	err = f.Chmod(0o644)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// syncDir makes the renames in dir durable where the system allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
