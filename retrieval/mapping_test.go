package retrieval

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestLoadedMatchesInMemory checks that an engine loaded from its snapshot,
// whose strings and arrays are read in place, holds the same passages and
// gives the same answers, documents and digests as one built in memory.
func TestLoadedMatchesInMemory(t *testing.T) {
	docs := mustSeed(t)
	mem := mustIndex(t, docs, Config{})
	dir := filepath.Join(t.TempDir(), "index")
	mustIndex(t, docs, Config{Path: dir})
	loaded := mustIndex(t, docs, Config{Path: dir})
	if !loaded.Stats().Loaded {
		t.Fatalf("second open was not a load: %+v", loaded.Stats())
	}
	if runtime.GOOS == "linux" && littleEndian && loaded.mem == nil {
		t.Fatal("the loaded engine's snapshot is not mapped")
	}
	if mem.passages.texts.list == nil || loaded.passages.texts.list != nil {
		t.Fatal("the loaded engine's passages are not read in place, or the in-memory engine's are")
	}
	if !reflect.DeepEqual(allPassages(mem), allPassages(loaded)) {
		t.Fatal("loaded passages differ from those built in memory")
	}
	if a, b := answersJSON(t, mem), answersJSON(t, loaded); a != b {
		t.Fatalf("loaded engine answers differently:\n%s\n%s", a, b)
	}
	cited := []string{"¶7", "paragraph 3"}
	for _, q := range cited {
		if a, b := mustAnswer(t, mem, q, 3), mustAnswer(t, loaded, q, 3); !reflect.DeepEqual(a, b) {
			t.Fatalf("%q: loaded engine answers differently:\n%+v\n%+v", q, a, b)
		}
	}
	if !reflect.DeepEqual(mem.Documents(), loaded.Documents()) || !reflect.DeepEqual(mem.DocDigests(), loaded.DocDigests()) {
		t.Fatal("loaded documents differ")
	}
	id := mem.Documents()[0].ID
	d1, _ := mem.Document(id)
	d2, _ := loaded.Document(id)
	if !reflect.DeepEqual(d1, d2) {
		t.Fatal("loaded document differs")
	}
	if !reflect.DeepEqual(mem.lex.terms, loaded.lex.terms) || !reflect.DeepEqual(mem.lex.docs, loaded.lex.docs) ||
		!reflect.DeepEqual(mem.lex.tfs, loaded.lex.tfs) || !reflect.DeepEqual(mem.lex.lens, loaded.lex.lens) {
		t.Fatal("loaded lexical index differs")
	}
}

// TestEngineOutlivesItsFile checks that a loaded engine, which reads its
// snapshot in place, answers as before once the file was replaced by a
// rebuild for other documents and another engine was opened, and that what
// it returned stays valid once it is dropped and its mapping released.
func TestEngineOutlivesItsFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	seed := mustSeed(t)
	mustIndex(t, seed, Config{Path: dir})
	old := mustIndex(t, seed, Config{Path: dir})
	before := answersJSON(t, old)
	doc, _ := old.Document(old.Documents()[0].ID)

	other := mustDocs(t, map[string]string{"a.txt": "Title: A\n\nThe harbour was dredged in spring.\n\nThe ferry runs hourly.\n"})
	replaced := mustIndex(t, other, Config{Path: dir})
	if replaced.Stats().Loaded {
		t.Fatal("the index for other documents was loaded, not rebuilt")
	}
	if n := mustIndex(t, other, Config{Path: dir}).Len(); n != replaced.Len() {
		t.Fatalf("reopened index has %d passages, want %d", n, replaced.Len())
	}
	for range 3 {
		runtime.GC()
	}
	if after := answersJSON(t, old); after != before {
		t.Fatalf("the engine answers differently once its file is replaced:\n%s\n%s", before, after)
	}

	// Drop the engine; its mapping is released by a cleanup, which runs
	// some time after a collection: wait a bounded number of them.
	ans := mustAnswer(t, old, persistQuestions[0], 3)
	if !ans.Found {
		t.Fatalf("%q not answered", persistQuestions[0])
	}
	text := ans.Passages[0].Text
	var data []byte
	if old.mem != nil {
		data = old.mem.data
	}
	old = nil
	if data != nil {
		released := false
		for range 100 {
			runtime.GC()
			runtime.Gosched()
			if data[0] == 0 { // "quotebot" read as zeros: released
				released = true
				break
			}
		}
		if !released {
			t.Log("the mapping was not released within 100 collections")
		}
	}
	if ans.Passages[0].Text != text || !strings.Contains(text, "fish") {
		t.Fatalf("an answer's text changed once its engine was dropped: %q", ans.Passages[0].Text)
	}
	for _, p := range doc.Passages {
		if strings.ContainsRune(p.Text, 0) || p.Text == "" {
			t.Fatal("a document's passage changed once its engine was dropped")
		}
	}
}

// TestDamagedSectionDetected changes one byte in each section of a snapshot
// without fixing its checksum: the checksums, verified by reading the file
// rather than the mapping, must notice, and the index is rebuilt saying it
// was damaged.
func TestDamagedSectionDetected(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	docs := mustSeed(t)
	mustIndex(t, docs, Config{Path: dir})
	name := filepath.Join(dir, snapshotName)
	orig, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := openSnapshot(name)
	if err != nil {
		t.Fatal(err)
	}
	secs := s.secs
	s.Close()
	for id, sec := range secs {
		t.Run(sectionNames[id], func(t *testing.T) {
			data := append([]byte(nil), orig...)
			data[sec.off+sec.size/2] ^= 0x55
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := openSnapshot(name)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.verify(); !errors.Is(err, errDamaged) {
				t.Fatalf("verify = %v, want damaged", err)
			}
			e := mustIndex(t, docs, Config{Path: dir})
			if st := e.Stats(); st.Loaded || !strings.HasPrefix(st.Reason, "the index is damaged") {
				t.Fatalf("stats = %+v, want a rebuild of a damaged index", st)
			}
		})
	}
}
