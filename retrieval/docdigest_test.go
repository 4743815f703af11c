package retrieval

import (
	"testing"
	"testing/fstest"

	"github.com/quotebot/quotebot/corpus"
)

// TestDocDigests: a document reads the same in two engines exactly when
// its digest is the same; each document has one.
func TestDocDigests(t *testing.T) {
	base := map[string]string{
		"ferry.txt":  "Title: Ferry\n\nThe ferry leaves at noon.\n\nTickets are sold on board.\n",
		"harbour.md": "# Harbour\n\n## Dredging\n\nThe channel is dredged in spring.\n",
	}
	tests := []struct {
		name    string
		edit    map[string]string // files replaced in base; "" removes one
		changed map[string]bool   // documents whose digest must differ
	}{
		{"nothing changed", nil, nil},
		{"a passage's text", map[string]string{"ferry.txt": "Title: Ferry\n\nThe ferry leaves at dawn.\n\nTickets are sold on board.\n"}, map[string]bool{"ferry": true}},
		{"the title only", map[string]string{"ferry.txt": "Title: Boat\n\nThe ferry leaves at noon.\n\nTickets are sold on board.\n"}, map[string]bool{"ferry": true}},
		{"a heading only", map[string]string{"harbour.md": "# Harbour\n\n## Works\n\nThe channel is dredged in spring.\n"}, map[string]bool{"harbour": true}},
		{"paragraphs swapped", map[string]string{"ferry.txt": "Title: Ferry\n\nTickets are sold on board.\n\nThe ferry leaves at noon.\n"}, map[string]bool{"ferry": true}},
	}
	digests := func(t *testing.T, files map[string]string) map[string]uint64 {
		t.Helper()
		fsys := fstest.MapFS{}
		for name, text := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
		}
		docs, err := corpus.Load(fsys, corpus.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return mustIndex(t, docs, Config{}).DocDigests()
	}
	before := digests(t, base)
	if len(before) != 2 {
		t.Fatalf("digests of %d documents, want 2: %v", len(before), before)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for name, text := range base {
				files[name] = text
			}
			for name, text := range tt.edit {
				files[name] = text
			}
			after := digests(t, files)
			for id, d := range before {
				if differs := after[id] != d; differs != tt.changed[id] {
					t.Errorf("document %s: digest changed %v, want %v", id, differs, tt.changed[id])
				}
			}
		})
	}
}
