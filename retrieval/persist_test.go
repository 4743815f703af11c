package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/quotebot/quotebot/corpus"
)

// fakeEmbedder wraps the built-in embedder, folding its vectors to dim
// dimensions, and counts the texts it embeds. err, when set, is returned
// instead.
type fakeEmbedder struct {
	id    string
	dim   int
	calls atomic.Int64
	err   error
	local *Local
}

func newFake(id string, dim int) *fakeEmbedder {
	return &fakeEmbedder{id: id, dim: dim, local: NewLocal()}
}

func (f *fakeEmbedder) ID() string { return f.id }

func (f *fakeEmbedder) Embed(ctx context.Context, text string) ([]float32, error) {
	f.calls.Add(1)
	if f.err != nil {
		return nil, f.err
	}
	v, _ := f.local.Embed(ctx, text)
	out := make([]float32, f.dim)
	for i, x := range v {
		out[i%f.dim] += x
	}
	normalize(out)
	return out, nil
}

var persistQuestions = []string{"what did they say about fisheries?", "flights", "WTO reform", "football"}

func answersJSON(tb testing.TB, e *Engine) string {
	tb.Helper()
	var all []Answer
	for _, q := range persistQuestions {
		all = append(all, mustAnswer(tb, e, q, 3))
	}
	b, err := json.Marshal(all)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestPersistReload(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	docs := mustSeed(t)
	first := mustIndex(t, docs, Config{Path: dir})
	if st := first.Stats(); st.Loaded || st.Embedded != first.Len() {
		t.Fatalf("first open stats = %+v, want a full build of %d", st, first.Len())
	}
	emb := newFake(NewLocal().ID(), LocalDim)
	second := mustIndex(t, docs, Config{Path: dir, Embedder: emb})
	if st := second.Stats(); !st.Loaded || st.Embedded != 0 {
		t.Fatalf("second open stats = %+v, want loaded", st)
	}
	if n := emb.calls.Load(); n != 0 {
		t.Fatalf("reload embedded %d texts, want none", n)
	}
	if a, b := answersJSON(t, first), answersJSON(t, mustIndex(t, docs, Config{Path: dir})); a != b {
		t.Fatalf("reloaded index answers differently:\n%s\n%s", a, b)
	}
}

func TestRebuildOnEmbedderChange(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	docs := mustSeed(t)
	a := newFake("fake-a/8", 8)
	mustIndex(t, docs, Config{Path: dir, Embedder: a})
	b := newFake("fake-b/16", 16)
	e := mustIndex(t, docs, Config{Path: dir, Embedder: b})
	if st := e.Stats(); st.Loaded || st.Reused != 0 || st.Embedded != e.Len() {
		t.Fatalf("stats after embedder change = %+v, want a full rebuild", st)
	}
	m, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.meta.Embedder != "fake-b/16" || m.meta.Dim != 16 {
		t.Fatalf("manifest = %+v", m)
	}
	// Every stored vector is the new embedder's: a question embeds to 16
	// dimensions and the query must not fail on a dimension mismatch.
	if ans := mustAnswer(t, e, "fisheries", 3); !ans.Found {
		t.Fatalf("answer after rebuild: %+v", ans)
	}
	if _, err := e.col.QueryEmbedding(context.Background(), make16(), e.Len(), nil, nil); err != nil {
		t.Fatalf("collection holds vectors of another dimension: %v", err)
	}
}

func make16() []float32 {
	v := make([]float32, 16)
	v[0] = 1
	return v
}

func TestReuseUnchangedPassages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	seed := mustSeed(t)
	emb := newFake("fake/32", 32)
	mustIndex(t, seed, Config{Path: dir, Embedder: emb})
	extra := mustDocs(t, map[string]string{"extra.txt": "Title: Extra\n\nThe library opens at nine.\n\nThe pool closes at six.\n\nThe park is free on Sundays.\n"})
	emb.calls.Store(0)
	e := mustIndex(t, append(seed, extra...), Config{Path: dir, Embedder: emb})
	st := e.Stats()
	if st.Reused != len(seed[0].Passages) || st.Embedded != len(extra[0].Passages) {
		t.Fatalf("stats = %+v, want %d reused and %d embedded", st, len(seed[0].Passages), len(extra[0].Passages))
	}
	if n := emb.calls.Load(); n != int64(len(extra[0].Passages)) {
		t.Fatalf("embedded %d texts, want %d", n, len(extra[0].Passages))
	}
}

func TestInterruptedBuild(t *testing.T) {
	docs := mustSeed(t)
	changed := append(mustSeed(t), mustDocs(t, map[string]string{"new.txt": "The harbour was dredged in spring.\n\nThe bridge reopened in June.\n\nThe ferry runs hourly.\n"})...)
	snapshotOf := func(t *testing.T, docs []corpus.Document) []byte {
		dir := filepath.Join(t.TempDir(), "other")
		mustIndex(t, docs, Config{Path: dir})
		data, err := os.ReadFile(filepath.Join(dir, snapshotName))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	tests := []struct {
		name  string
		crash func(t *testing.T, dir string)
		// loaded is whether the next Open loads the index as is; when it
		// does not, it must rebuild without embedding anything unless
		// embedAll.
		loaded, embedAll bool
	}{
		{name: "killed while writing the snapshot", loaded: true, crash: func(t *testing.T, dir string) {
			half := snapshotOf(t, changed)
			half = half[:len(half)/2]
			if err := os.WriteFile(filepath.Join(dir, snapshotName+tmpInfix+"123"), half, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "killed before the manifest was replaced", crash: func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, snapshotName), snapshotOf(t, changed), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "build cancelled", loaded: true, crash: func(t *testing.T, dir string) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			emb := newFake(NewLocal().ID(), LocalDim)
			emb.err = context.Canceled
			if _, err := Open(ctx, changed, Config{Path: dir, Embedder: emb}); err == nil {
				t.Fatal("cancelled build succeeded")
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*"+tmpInfix+"*")); len(left) > 0 {
				t.Fatalf("cancelled build left %v behind", left)
			}
		}},
		{name: "snapshot damaged", embedAll: true, crash: func(t *testing.T, dir string) {
			name := filepath.Join(dir, snapshotName)
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			data[len(data)/2] ^= 0x40
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			want := answersJSON(t, mustIndex(t, docs, Config{Path: dir}))
			tt.crash(t, dir)
			e := mustIndex(t, docs, Config{Path: dir})
			st := e.Stats()
			switch {
			case tt.loaded && !st.Loaded:
				t.Fatalf("previous index not used after %s: %+v", tt.name, st)
			case !tt.loaded && (st.Loaded || st.Reason == ""):
				t.Fatalf("stats after %s = %+v, want a rebuild that says why", tt.name, st)
			case !tt.loaded && !tt.embedAll && st.Embedded != 0:
				t.Fatalf("stats after %s = %+v, want every vector reused", tt.name, st)
			}
			if got := answersJSON(t, e); got != want {
				t.Fatalf("answers changed after %s", tt.name)
			}
			if st := mustIndex(t, docs, Config{Path: dir}).Stats(); !st.Loaded {
				t.Fatalf("the index is not loaded on the next open after %s: %+v", tt.name, st)
			}
		})
	}
}

// TestStaleTemporaryFiles checks that a build removes the temporary files
// of a killed build, and nothing else.
func TestStaleTemporaryFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "index")
	mustIndex(t, mustSeed(t), Config{Path: dir})
	ours := []string{snapshotName + tmpInfix + "1", manifestName + tmpInfix + "2"}
	os.WriteFile(filepath.Join(dir, ours[0]), []byte(snapshotMagic+"half a snapshot"), 0o644)
	os.WriteFile(filepath.Join(dir, ours[1]), nil, 0o644)
	// A file with one of quotebot's temporary names that quotebot did not
	// write, a user's file in the index folder, and folders beside it that
	// match the names of format 1's leftovers.
	os.WriteFile(filepath.Join(dir, snapshotName+tmpInfix+"3"), []byte("my notes"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("keep me"), 0o644)
	os.MkdirAll(filepath.Join(dir+".tmpl", "junk"), 0o755)
	os.WriteFile(filepath.Join(dir+".tmpl", "junk", "x.gob"), []byte("half"), 0o644)
	os.MkdirAll(dir+".old", 0o755)
	os.WriteFile(filepath.Join(dir+".old", "old.txt"), []byte("old"), 0o644)
	before := snapshotTree(t, root)

	mustIndex(t, append(mustSeed(t), mustDocs(t, map[string]string{"new.txt": "The ferry runs hourly.\n"})...), Config{Path: dir})
	after := snapshotTree(t, root)
	for _, name := range ours {
		if _, ok := after["index/"+name]; ok {
			t.Errorf("%s was not removed", name)
		}
	}
	for name, content := range before {
		if strings.HasPrefix(name, "index/quotebot-index") && !strings.Contains(name, tmpInfix+"3") {
			continue
		}
		if got, ok := after[name]; !ok || got != content {
			t.Errorf("%s changed or disappeared", name)
		}
	}
}

func TestEmbedderError(t *testing.T) {
	boom := errors.New("provider down")
	emb := newFake("fake/8", 8)
	emb.err = boom
	_, err := Open(context.Background(), mustSeed(t), Config{Embedder: emb})
	if !errors.Is(err, boom) {
		t.Fatalf("Open = %v, want it to wrap the embedder's error", err)
	}
}

// TestConcurrentOpen opens one index from two goroutines at once: one
// builds, the other waits for the lock and loads what was built.
func TestConcurrentOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	docs := mustSeed(t)
	emb := newFake("fake/8", 8)
	type result struct {
		e   *Engine
		err error
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			e, err := Open(context.Background(), docs, Config{Path: dir, Embedder: emb})
			results <- result{e, err}
		}()
	}
	loaded := 0
	for range 2 {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.e.Stats().Loaded {
			loaded++
		}
	}
	if n := emb.calls.Load(); n != int64(len(docs[0].Passages)) {
		t.Fatalf("embedded %d passages, want %d (one build)", n, len(docs[0].Passages))
	}
	if loaded != 1 {
		t.Fatalf("%d of 2 opens loaded the index, want 1", loaded)
	}
}

// engineState is everything an engine derives from its passages.
func engineState(tb testing.TB, e *Engine) string {
	tb.Helper()
	b, err := json.Marshal(struct {
		Passages []corpus.Passage
		Terms    []string
		Start    []uint32
		Docs     []int32
		TFs      []uint16
		Lens     []int32
		Topics   []string
		Refs     map[string]bool
		Words    map[int][]string
	}{allPassages(e), e.lex.terms, e.lex.start, e.lex.docs, e.lex.tfs, e.lex.lens, e.topics, e.lex.refKinds, e.lex.wordsByLen})
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestRebuildReusesAnalysis changes one document of an index: only its new
// passages are analyzed and embedded, and the engine holds exactly what a
// build from nothing derives.
func TestRebuildReusesAnalysis(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	files := map[string]string{
		"a.txt": "Title: A\n\nArticle 1. The harbour was dredged in spring.\n\nThe Federal Aviation Administration (FAA) approved the new runway.\n",
		"b.txt": "Title: B\n\nThe ferry runs hourly between the islands.\n\nThe library opens at nine on weekdays.\n",
	}
	mustIndex(t, mustDocs(t, files), Config{Path: dir})
	files["b.txt"] = "Title: B\n\nThe ferry runs hourly between the islands.\n\nThe swimming pool closes for repairs in May.\n"
	docs := mustDocs(t, files)
	emb := newFake(NewLocal().ID(), LocalDim)
	e := mustIndex(t, docs, Config{Path: dir, Embedder: emb})
	if st := e.Stats(); st.Loaded || st.Analyzed != 1 || st.Embedded != 1 || st.Reused != 3 || !strings.Contains(st.Reason, "1 new passages, 1 gone") {
		t.Fatalf("stats = %+v, want one passage analyzed and embedded and the change in the reason", st)
	}
	if got, want := engineState(t, e), engineState(t, mustIndex(t, docs, Config{})); got != want {
		t.Fatalf("rebuilt engine differs from one built from nothing:\n%s\n%s", got, want)
	}
}

// hashEmbedder is a deterministic embedder: the built-in one sums
// features in map order, so its vectors may differ in the last bits from
// one run to the next.
type hashEmbedder struct{}

func (hashEmbedder) ID() string { return "hash/8" }

func (hashEmbedder) Embed(_ context.Context, text string) ([]float32, error) {
	sum := sha256.Sum256([]byte(text))
	v := make([]float32, 8)
	for i := range v {
		v[i] = float32(sum[i]) + 1
	}
	normalize(v)
	return v, nil
}

// TestSnapshotDeterministic builds the same documents twice: the files are
// the same bytes, however the analysis was spread over goroutines.
func TestSnapshotDeterministic(t *testing.T) {
	var snaps []string
	for range 2 {
		dir := filepath.Join(t.TempDir(), "index")
		mustIndex(t, mustSeed(t), Config{Path: dir, Embedder: hashEmbedder{}})
		data, err := os.ReadFile(filepath.Join(dir, snapshotName))
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, string(data))
	}
	if snaps[0] != snaps[1] {
		t.Fatal("two builds of the same documents differ")
	}
}

// TestOpenSourceSkipsLoad opens an index built from a source with the same
// key: the documents are not loaded, and the answers are the same.
func TestOpenSourceSkipsLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	docs := mustSeed(t)
	src := Source{Key: "test-key", Load: func() (corpus.Result, error) { return corpus.Result{Docs: docs}, nil }}
	st, err := Build(context.Background(), src, Config{Path: dir})
	if err != nil || st.Loaded || st.Passages != len(docs[0].Passages) {
		t.Fatalf("build: %+v %v", st, err)
	}
	if st, err := Build(context.Background(), src, Config{Path: dir}); err != nil || !st.Loaded {
		t.Fatalf("second build: %+v %v, want up to date", st, err)
	}
	src.Load = func() (corpus.Result, error) { return corpus.Result{}, errors.New("the documents were loaded") }
	e, err := OpenSource(context.Background(), src, Config{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := answersJSON(t, e), answersJSON(t, mustIndex(t, docs, Config{})); got != want {
		t.Fatalf("answers differ:\n%s\n%s", got, want)
	}
	// Another key means other documents: they are loaded.
	src.Key = "other"
	if _, err := OpenSource(context.Background(), src, Config{Path: dir}); err == nil || !strings.Contains(err.Error(), "the documents were loaded") {
		t.Fatalf("open with another key: %v, want the documents loaded", err)
	}
}
