package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotebot/quotebot/corpus"
	"github.com/quotebot/quotebot/internal/fakeembed"
)

// fakeDim is the dimension of the fake API's vectors in these tests.
const fakeDim = 24

// waits records the waits of a retryPolicy instead of waiting.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

// newTestProvider is a provider of the fake API srv ("openai-compat" or
// "ollama") for model, whose retries record their waits in w (when set)
// rather than wait.
func newTestProvider(t *testing.T, srv *fakeembed.Server, kind, model, cacheDir string, w *waits) *provider {
	t.Helper()
	url := srv.OpenAIURL()
	if kind == "ollama" {
		url = srv.OllamaURL()
	}
	emb, err := NewProvider(ProviderConfig{Provider: kind, Model: model, URL: url, CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	p := emb.(*provider)
	if w == nil {
		w = &waits{}
	}
	p.passages.sleep, p.questions.sleep = w.sleep, w.sleep
	return p
}

// manyParagraphs is a document of n distinct paragraphs, one per line.
func manyParagraphs(n int) string {
	topics := []string{"fishing quotas", "railway tracks", "school meals", "solar panels", "river dams", "vaccine trials", "port fees", "wheat exports"}
	var b strings.Builder
	b.WriteString("Title: Council minutes\n\n")
	for i := range n {
		fmt.Fprintf(&b, "Item %d: the council agreed on %s for district %d after a long debate.\n", i+1, topics[i%len(topics)], i/len(topics)+1)
	}
	return b.String()
}

func wantVector(t *testing.T, got []float32, model, text string) {
	t.Helper()
	want := fakeembed.Vector(model, text, fakeDim)
	normalize(want)
	if len(got) != len(want) {
		t.Fatalf("vector of %q has %d dimensions, want %d", text, len(got), len(want))
	}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("vector of %q is not the API's (dimension %d: %v, want %v)", text, i, got[i], want[i])
		}
	}
}

// TestProviderBatches checks that passages go to both APIs in batches of
// embedBatchSize, each vector back with its own text, and that an index of
// them answers from the API's vectors.
func TestProviderBatches(t *testing.T) {
	const n = 150
	for _, kind := range []string{"openai-compat", "ollama"} {
		t.Run(kind, func(t *testing.T) {
			srv := fakeembed.New(t, fakeDim)
			p := newTestProvider(t, srv, kind, "m", "", nil)
			texts := strings.Split(strings.TrimSpace(manyParagraphs(n)), "\n")[2:]
			vs, err := p.EmbedBatch(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			for i, text := range texts {
				wantVector(t, vs[i], "m", text)
			}
			if got, want := srv.Requests("m"), (n+embedBatchSize-1)/embedBatchSize; got != want {
				t.Errorf("%d requests for %d texts, want %d", got, n, want)
			}

			srv = fakeembed.New(t, fakeDim)
			p = newTestProvider(t, srv, kind, "m", "", nil)
			e := mustIndex(t, mustDocs(t, map[string]string{"minutes.txt": manyParagraphs(n)}), Config{Embedder: p})
			if got, want := srv.Requests("m"), (n+embedBatchSize-1)/embedBatchSize; got != want {
				t.Errorf("Open sent %d requests for %d passages, want %d", got, n, want)
			}
			a := mustAnswer(t, e, "what did the council agree on solar panels for district 3?", 1)
			if !a.Found || !strings.Contains(a.Passages[0].Text, "solar panels for district 3 ") {
				t.Errorf("answer %+v", a)
			}
		})
	}
}

// TestProviderRetries checks which answers of the API are tried again, how
// long quotebot waits before each try, and that it stops after passageTries.
func TestProviderRetries(t *testing.T) {
	tests := []struct {
		name     string
		fail     fakeembed.Failure
		times    int // failing requests; -1: all
		wantErr  string
		requests int
		waits    []time.Duration
	}{
		{"500 twice, then answers", fakeembed.Failure{Status: 500}, 2, "", 3, []time.Duration{retryFirstWait, 2 * retryFirstWait}},
		{"429 with Retry-After in seconds", fakeembed.Failure{Status: 429, RetryAfter: "7"}, 1, "", 2, []time.Duration{7 * time.Second}},
		{"503 always", fakeembed.Failure{Status: 503}, -1, fmt.Sprintf("503 Service Unavailable (%d tries)", passageTries), passageTries,
			[]time.Duration{retryFirstWait, 2 * retryFirstWait, 4 * retryFirstWait, 8 * retryFirstWait}},
		{"Retry-After longer than maxRetryWait", fakeembed.Failure{Status: 429, RetryAfter: "3600"}, -1, "asks to wait 1h0m0s", 1, nil},
		{"400 is not tried again", fakeembed.Failure{Status: 400}, -1, "400 Bad Request", 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeembed.New(t, fakeDim)
			srv.Fail(tt.fail, tt.times)
			w := &waits{}
			p := newTestProvider(t, srv, "openai-compat", "m", "", w)
			vs, err := p.EmbedBatch(context.Background(), []string{"fishing quotas"})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr == "":
				wantVector(t, vs[0], "m", "fishing quotas")
			case err == nil || !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
			}
			if got := srv.Requests("m"); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if fmt.Sprint(w.d) != fmt.Sprint(tt.waits) {
				t.Errorf("waited %v, want %v", w.d, tt.waits)
			}
		})
	}
}

// TestProviderQuestionRetriesBriefly checks that a question gets
// questionTries requests, with a short wait, before its error.
func TestProviderQuestionRetriesBriefly(t *testing.T) {
	srv := fakeembed.New(t, fakeDim)
	srv.Fail(fakeembed.Failure{Status: 500}, -1)
	w := &waits{}
	p := newTestProvider(t, srv, "ollama", "m", "", w)
	if _, err := p.Embed(context.Background(), "fishing"); err == nil {
		t.Fatal("no error from an API that answers 500")
	}
	if got := srv.Requests("m"); got != questionTries {
		t.Errorf("%d requests, want %d", got, questionTries)
	}
	if fmt.Sprint(w.d) != fmt.Sprint([]time.Duration{questionRetryWait}) {
		t.Errorf("waited %v", w.d)
	}
}

// TestRetryStopsWhenContextEnds checks that a wait between tries ends with
// the context, and that a cancelled context is not tried again.
func TestRetryStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("sleepCtx = %v, want context.Canceled", err)
	}
	srv := fakeembed.New(t, fakeDim)
	srv.Fail(fakeembed.Failure{Status: 503}, -1)
	ctx, cancel = context.WithCancel(context.Background())
	p := newTestProvider(t, srv, "openai-compat", "m", "", nil)
	p.passages.sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return sleepCtx(ctx, time.Hour)
	}
	if _, err := p.EmbedBatch(ctx, []string{"x"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("EmbedBatch = %v, want context.Canceled", err)
	}
	if got := srv.Requests("m"); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		h    string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"-5", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.h, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.h, got, tt.want)
		}
	}
}

// TestEmbedCache checks that a second build, and one after a document
// changed, ask the API only for texts it has not embedded before, also when
// the index itself is gone; that a record cut short is asked again; and
// that questions are never written to the cache.
func TestEmbedCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	srv := fakeembed.New(t, fakeDim)
	docs := mustDocs(t, map[string]string{"minutes.txt": manyParagraphs(70)})
	open := func(docs []corpus.Document, path string) *Engine {
		t.Helper()
		return mustIndex(t, docs, Config{Embedder: newTestProvider(t, srv, "ollama", "m", dir, nil), Path: path})
	}
	e := open(docs, dir)
	if got := srv.Texts("m"); got != 70 {
		t.Fatalf("first build embedded %d texts, want 70", got)
	}
	cacheFile := filepath.Join(dir, embedCacheName(e.EmbedderID()))
	if _, err := os.Stat(cacheFile); err != nil {
		t.Fatalf("no cache file: %v", err)
	}

	// An index in memory only, and so nothing to reuse but the cache.
	open(docs, "")
	if got := srv.Texts("m"); got != 70 {
		t.Errorf("a second build asked for %d texts again", got-70)
	}

	// A renamed document: every passage ID changes, the texts do not.
	renamed := mustDocs(t, map[string]string{"renamed.txt": manyParagraphs(70) + "A new closing remark on harbour lights.\n"})
	open(renamed, dir)
	if got := srv.Texts("m"); got != 71 {
		t.Errorf("after a rename and one new paragraph, %d texts were asked for, want 1", got-70)
	}

	// A record cut short, as by a crash while appending.
	fi, err := os.Stat(cacheFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(cacheFile, fi.Size()-5); err != nil {
		t.Fatal(err)
	}
	open(renamed, "")
	if got := srv.Texts("m"); got != 72 {
		t.Errorf("after the last record was cut short, %d texts were asked for, want 1", got-71)
	}
	open(renamed, "")
	if got := srv.Texts("m"); got != 72 {
		t.Errorf("the record asked for again was not kept: %d more", got-72)
	}

	before, err := os.ReadFile(cacheFile)
	if err != nil {
		t.Fatal(err)
	}
	mustAnswer(t, e, "what about harbour lights in district nine?", 1)
	if after, _ := os.ReadFile(cacheFile); string(after) != string(before) {
		t.Error("a question was written to the cache")
	}

	// Past its cap (a sparse file here), the cache starts afresh.
	if err := os.Truncate(cacheFile, maxEmbedCacheBytes+1); err != nil {
		t.Fatal(err)
	}
	base := srv.Texts("m")
	open(renamed, "")
	if got := srv.Texts("m"); got != base+71 {
		t.Errorf("a full cache was used: %d texts asked for, want 71", got-base)
	}
	if fi, err := os.Stat(cacheFile); err != nil || fi.Size() > int64(len(before)) {
		t.Errorf("the full cache was not started afresh: %v, %v", fi.Size(), err)
	}
}

// TestEmbedCacheKeepsToIndexFolders checks that the cache, in a folder
// that is not a place for an index, writes nothing and the embedder still
// works.
func TestEmbedCacheKeepsToIndexFolders(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := fakeembed.New(t, fakeDim)
	p := newTestProvider(t, srv, "ollama", "m", dir, nil)
	if _, err := p.EmbedBatch(context.Background(), []string{"fishing quotas"}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only notes.txt", len(entries))
	}
	if !isOwnName(embedCacheName("x")) || isOwnName("quotebot-embed-cache-notmine.bin") {
		t.Error("isOwnName does not tell the cache's name from others")
	}
}

// TestSavedThresholds checks that thresholds saved for an embedder are
// loaded with the index by that embedder only, change its decisions, and
// survive rebuilds, and that saving them does not make the index stale.
func TestSavedThresholds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	srv := fakeembed.New(t, fakeDim)
	docs := mustSeed(t)
	open := func(model string, docs []corpus.Document) *Engine {
		t.Helper()
		return mustIndex(t, docs, Config{Embedder: newTestProvider(t, srv, "openai-compat", model, "", nil), Path: dir})
	}
	e := open("m-a", docs)
	if th, saved := e.Thresholds(); saved || th != DefaultThresholds || e.Calibrated() {
		t.Fatalf("before saving: %+v saved=%v calibrated=%v", th, saved, e.Calibrated())
	}
	const q = "what did they say about fisheries?"
	if a := mustAnswer(t, e, q, 1); !a.Found {
		t.Fatalf("with the defaults %q is not answered", q)
	}
	strict := Thresholds{Quote: 1, Closest: 1, StandOut: 0.05}
	if err := SaveThresholds(context.Background(), dir, e.EmbedderID(), strict); err != nil {
		t.Fatal(err)
	}
	e = open("m-a", docs)
	if th, saved := e.Thresholds(); !saved || th != strict || !e.Calibrated() || !e.Stats().Loaded {
		t.Fatalf("after saving: %+v saved=%v calibrated=%v loaded=%v", th, saved, e.Calibrated(), e.Stats().Loaded)
	}
	if a := mustAnswer(t, e, q, 1); a.Found || len(a.Closest) > 0 {
		t.Errorf("with the saved thresholds %q is still answered: %+v", q, a)
	}

	if th, saved := open("m-b", docs).Thresholds(); saved || th != DefaultThresholds {
		t.Errorf("another model got %+v, saved=%v", th, saved)
	}
	changed := append(docs, mustDocs(t, map[string]string{"extra.txt": "Title: Extra\n\nA new paragraph about harbour lights.\n"})...)
	e = open("m-a", changed)
	if th, saved := e.Thresholds(); !saved || th != strict || e.Stats().Loaded {
		t.Errorf("after two rebuilds: %+v saved=%v loaded=%v", th, saved, e.Stats().Loaded)
	}

	if err := SaveThresholds(context.Background(), filepath.Join(t.TempDir(), "none"), "x", strict); err == nil {
		t.Error("saving thresholds where there is no index succeeded")
	}
	if err := SaveThresholds(context.Background(), dir, "x", Thresholds{Quote: 2}); err == nil {
		t.Error("saving thresholds out of range succeeded")
	}
}

// TestManifestWithoutThresholdsLoads checks that a manifest written before
// thresholds were saved with the index (no "thresholds" field) still loads.
func TestManifestWithoutThresholdsLoads(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	mustIndex(t, mustSeed(t), Config{Path: dir})
	raw, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "thresholds") {
		t.Fatalf("a manifest without saved thresholds names them: %s", raw)
	}
	if !mustIndex(t, mustSeed(t), Config{Path: dir}).Stats().Loaded {
		t.Fatal("not loaded")
	}
	if !sameMeta([]byte(`{"kind":"k","thresholds":{"a":{"quote":0.5}}}`), []byte(`{"kind":"k"}`)) ||
		sameMeta([]byte(`{"kind":"k","topics":["a"]}`), []byte(`{"kind":"k"}`)) {
		t.Error("sameMeta must ignore the thresholds, and only them")
	}
}

// TestOtherModelOfSameDimension checks that an index built by one model is
// not used by another of the same dimension: it is rebuilt, every passage
// embedded by the new model.
func TestOtherModelOfSameDimension(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	srv := fakeembed.New(t, fakeDim)
	docs := mustSeed(t)
	a := mustIndex(t, docs, Config{Embedder: newTestProvider(t, srv, "openai-compat", "model-a", dir, nil), Path: dir})
	b := mustIndex(t, docs, Config{Embedder: newTestProvider(t, srv, "openai-compat", "model-b", dir, nil), Path: dir})
	st := b.Stats()
	if st.Loaded || !strings.Contains(st.Reason, "embedder changed") || st.Embedded != a.Len() || st.Reused != 0 {
		t.Fatalf("model-b over model-a's index: %+v", st)
	}
	if got := srv.Texts("model-b"); got != a.Len() {
		t.Errorf("model-b embedded %d passages, want %d", got, a.Len())
	}
	m, err := readManifest(dir)
	if err != nil || m.meta.Embedder != b.EmbedderID() || m.meta.Dim != fakeDim {
		t.Errorf("manifest %+v, %v", m.meta, err)
	}
}

// TestFallbackWhenEmbedderDown checks that a question whose embedding fails
// is answered from the lexical and coverage signals, and that the warning
// comes at most once per fallbackWarnEvery.
func TestFallbackWhenEmbedderDown(t *testing.T) {
	srv := fakeembed.New(t, fakeDim)
	var warnings []error
	e := mustIndex(t, mustSeed(t), Config{
		Embedder:   newTestProvider(t, srv, "ollama", "m", "", nil),
		OnFallback: func(err error) { warnings = append(warnings, err) },
	})
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	e.fallback.now = func() time.Time { return now }
	// Words of ¶7 itself, so that the fake's vectors find it too.
	const q = "what did they say about cooperation on the fishing industry?"
	up := mustAnswer(t, e, q, 1)
	if !up.Found || up.Passages[0].Paragraph != 7 || len(warnings) != 0 {
		t.Fatalf("with the embedder up: %+v, warnings %v", up, warnings)
	}

	srv.Fail(fakeembed.Failure{Status: 500}, -1)
	down := mustAnswer(t, e, q, 1)
	if !down.Found || down.Passages[0].Paragraph != 7 {
		t.Fatalf("with the embedder down: %+v", down)
	}
	if down.Passages[0].Score >= up.Passages[0].Score {
		t.Errorf("score %.3f without the dense signal, %.3f with it", down.Passages[0].Score, up.Passages[0].Score)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].Error(), "500") {
		t.Fatalf("warnings %v, want one naming the 500", warnings)
	}
	mustAnswer(t, e, "flights", 1)
	now = now.Add(fallbackWarnEvery - time.Second)
	mustAnswer(t, e, "flights", 1)
	if len(warnings) != 1 {
		t.Fatalf("%d warnings within a minute, want 1", len(warnings))
	}
	now = now.Add(time.Second)
	mustAnswer(t, e, "flights", 1)
	if len(warnings) != 2 || !strings.Contains(warnings[1].Error(), "3 question(s)") {
		t.Fatalf("warnings %v, want a second one counting 3 questions", warnings)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Answer(ctx, q, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled question gives %v, want context.Canceled", err)
	}
}
