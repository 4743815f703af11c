package bot

import (
	"context"
	"fmt"
	"testing"
	"time"
)

var fixedNow = time.Unix(1_700_000_000, 0)

// claimed is d.Claim without its error, which MemoryDeduper never returns.
func claimed(t *testing.T, d Deduper, key string) bool {
	t.Helper()
	first, err := d.Claim(context.Background(), key)
	if err != nil {
		t.Fatalf("Claim(%q): %v", key, err)
	}
	return first
}

func TestMemoryDeduper(t *testing.T) {
	now := fixedNow
	d := NewMemoryDeduper(time.Hour, 3, func() time.Time { return now })

	if !claimed(t, d, "Ev1") {
		t.Fatal("a new key was not claimed")
	}
	if claimed(t, d, "Ev1") {
		t.Error("a key being answered was claimed twice")
	}
	now = now.Add(59 * time.Minute)
	if claimed(t, d, "Ev1") {
		t.Error("a key was claimed again within its time to live")
	}
	now = now.Add(time.Minute)
	if !claimed(t, d, "Ev1") {
		t.Error("a key was still held after its time to live")
	}

	if !claimed(t, d, "Ev2") {
		t.Fatal("a new key was not claimed")
	}
	if err := d.Release(context.Background(), "Ev2"); err != nil {
		t.Fatal(err)
	}
	if !claimed(t, d, "Ev2") {
		t.Error("a released key (its reply never delivered) was not claimed again")
	}
	if claimed(t, d, "Ev2") {
		t.Error("a reclaimed key was claimed twice")
	}

	if !claimed(t, d, "") || !claimed(t, d, "") {
		t.Error("events without an id must always be answered")
	}
}

// TestMemoryDeduperForgetsTheOldest: past its bound, the oldest keys go
// first, and released keys do not make it grow.
func TestMemoryDeduperForgetsTheOldest(t *testing.T) {
	d := NewMemoryDeduper(time.Hour, 100, func() time.Time { return fixedNow })
	for i := range 1000 {
		key := fmt.Sprintf("Ev%d", i)
		if !claimed(t, d, key) {
			t.Fatalf("%s not claimed", key)
		}
		if i%2 == 0 {
			d.Release(context.Background(), key) // released keys leave stale entries in order
		}
	}
	if len(d.seen) > 100 || len(d.order) > 200 {
		t.Errorf("holds %d keys and %d claims, want at most 100 and 200", len(d.seen), len(d.order))
	}
	if claimed(t, d, "Ev999") {
		t.Error("the newest key was forgotten")
	}
	if !claimed(t, d, "Ev1") {
		t.Error("the oldest key was kept past the bound")
	}
}

func TestNewMemoryDeduperDefaults(t *testing.T) {
	d := NewMemoryDeduper(0, 0, nil)
	if d.ttl != DefaultDedupeTTL || d.max != DefaultDedupeMax || d.now == nil {
		t.Errorf("defaults: ttl %s, max %d", d.ttl, d.max)
	}
}
