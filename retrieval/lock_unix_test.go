//go:build unix

package retrieval

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestOpenWaitsForLockUntilCancelled holds the index lock as another process
// building the index would: Open gives up when its context ends instead of
// blocking, and builds once the lock is released.
func TestOpenWaitsForLockUntilCancelled(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	docs := mustSeed(t)
	ctx := context.Background()
	unlock, err := lockFile(ctx, dir+".lock")
	if err != nil {
		t.Fatal(err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Open(cancelled, docs, Config{Path: dir, Embedder: newFake("fake/8", 8)})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Open with a cancelled context while the lock is held = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		unlock()
		t.Fatal("Open blocked on the held lock despite its cancelled context")
	}

	go func() {
		_, err := Open(ctx, docs, Config{Path: dir, Embedder: newFake("fake/8", 8)})
		done <- err
	}()
	unlock()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Open after the lock was released = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open did not take the released lock")
	}
}
