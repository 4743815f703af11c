package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
)

// Thresholds saved with a persistent index: `quotebot calibrate --save`
// fits the decision's thresholds for the configured embedder and stores them
// in the index's manifest (snapshotMeta.Thresholds), by embedder ID, so that
// a network embedder, whose similarity scores are its own, decides with
// thresholds fitted to them. Rebuilds keep them; an embedder without saved
// thresholds decides with DefaultThresholds.

// ErrNoIndex is wrapped by SaveThresholds' error when there is no index of
// the current format at the path: build one first (Build).
var ErrNoIndex = errors.New("there is no index of this quotebot's format")

// SaveThresholds stores th with the persistent index at path as the
// thresholds of the embedder whose ID is embedderID (Engine.EmbedderID),
// replacing what was saved for it. Open uses them whenever that embedder
// opens the index, and rebuilds keep them, whatever documents they index.
// The index must exist (else an error wrapping ErrNoIndex); only its
// manifest is rewritten, atomically, under the build lock.
func SaveThresholds(ctx context.Context, path, embedderID string, th Thresholds) error {
	if err := th.Validate(); err != nil {
		return err
	}
	path = filepath.Clean(path)
	if err := checkIndexPath(path); err != nil {
		return err
	}
	if _, err := readManifest(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("save thresholds in %s: %w", path, ErrNoIndex)
	}
	unlock, err := lockFile(ctx, filepath.Join(path, lockName))
	if err != nil {
		return fmt.Errorf("lock index %s: %w", path, err)
	}
	defer unlock()
	m, err := readManifest(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("save thresholds in %s: %w", path, ErrNoIndex)
	case err != nil:
		return fmt.Errorf("save thresholds in %s: %w", path, err)
	case !m.ours() || m.meta.Format != snapshotFormat:
		return fmt.Errorf("save thresholds in %s: %w", path, ErrNoIndex)
	}
	meta := m.meta
	meta.Thresholds = maps.Clone(meta.Thresholds)
	if meta.Thresholds == nil {
		meta.Thresholds = map[string]Thresholds{}
	}
	meta.Thresholds[embedderID] = th
	raw, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(path, manifestName), append(raw, '\n')); err != nil {
		return err
	}
	syncDir(path)
	return nil
}

// savedThresholds are the thresholds the manifest of the index at path
// holds, for a rebuild to keep; nil when there are none.
func savedThresholds(path string) map[string]Thresholds {
	m, err := readManifest(path)
	if err != nil || !m.ours() {
		return nil
	}
	return m.meta.Thresholds
}

// useThresholds makes the decision use the thresholds saved for e's
// embedder, when saved holds valid ones, and DefaultThresholds otherwise.
func (e *Engine) useThresholds(saved map[string]Thresholds) {
	e.thresholds, e.savedThresholds = DefaultThresholds, false
	if th, ok := saved[e.emb.ID()]; ok && th.Validate() == nil {
		e.thresholds, e.savedThresholds = th, true
	}
}
