package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/corpus"
	"github.com/quotebot/quotebot/retrieval"
)

// maxTop caps --top and the API's "top".
const maxTop = 20

// engineConfig is what every command needs to open the answer engine.
// Secrets (OPENAI_API_KEY) come only from the environment.
type engineConfig struct {
	Corpus string
	// MaxPassage is the passage length above which paragraphs are cut at
	// sentence ends; 0 means corpus.DefaultMaxPassageChars.
	MaxPassage int
	DB         string
	Embedder   string
	Model      string
	URL        string
	APIKey     string
	// onLoad, when set, is called with the number of documents read and the
	// files skipped once the corpus folder is read, before the index is
	// built (also when no document could be read), or, when the index was
	// up to date and the corpus was not read, with what the index recorded;
	// an error it returns stops the opening. Commands set it to report
	// skipped files.
	onLoad func(scanned) error
	// embedder, when set, is the embedder instead of the one Embedder
	// names (tests hold questions in it).
	embedder retrieval.Embedder
	// progress, when set, is told how far building the index has come
	// (see progressPrinter).
	progress func(retrieval.Progress)
	// onFallback, when set, is told (at most once a minute) that questions
	// were answered without the embedder because it failed; see
	// retrieval.Config.OnFallback.
	onFallback func(error)
	// cacheDir is the folder of a network embedder's cache of vectors; empty
	// means DB. calibrate, whose engines are in memory, sets it to --db.
	cacheDir string
}

// engineFlags registers --corpus, --db, --embedder, --embed-model and
// --embed-url on fs, each defaulting to its environment variable.
func engineFlags(fs *flag.FlagSet, getenv func(string) string) *engineConfig {
	c := &engineConfig{APIKey: getenv("OPENAI_API_KEY")}
	fs.StringVar(&c.Corpus, "corpus", getenv("QUOTEBOT_CORPUS"), "`folder` of .txt, .md and .html documents, or one such document (default: the built-in statement) [QUOTEBOT_CORPUS]")
	maxPassage, _ := strconv.Atoi(getenv("QUOTEBOT_MAX_PASSAGE"))
	fs.IntVar(&c.MaxPassage, "max-passage", maxPassage, "cut paragraphs longer than `N` bytes at sentence ends (0: 1500) [QUOTEBOT_MAX_PASSAGE]")
	fs.StringVar(&c.DB, "db", envOr(getenv, "QUOTEBOT_DB", defaultDBPath()), "`folder` of the persistent index [QUOTEBOT_DB]")
	fs.StringVar(&c.Embedder, "embedder", envOr(getenv, "QUOTEBOT_EMBEDDER", "local"), "`name` of the embedder: local, openai, ollama or openai-compat [QUOTEBOT_EMBEDDER]")
	fs.StringVar(&c.Model, "embed-model", getenv("QUOTEBOT_EMBED_MODEL"), "embedding `model` (default: the provider's) [QUOTEBOT_EMBED_MODEL]")
	c.URL = getenv("QUOTEBOT_EMBED_URL")
	fs.Var(redactedURL{&c.URL}, "embed-url", "embedding API base `URL` (default: the provider's) [QUOTEBOT_EMBED_URL]")
	return c
}

// redactedURL is a flag holding a URL that may carry credentials (user info,
// a key in the query string): --help shows its default without them.
type redactedURL struct{ v *string }

func (f redactedURL) String() string {
	if f.v == nil || *f.v == "" {
		return ""
	}
	return retrieval.RedactURL(*f.v)
}

func (f redactedURL) Set(s string) error { *f.v = s; return nil }

// Validate reports settings that cannot work, as a usage error.
func (c engineConfig) Validate() error {
	switch c.Embedder {
	case "local", "openai", "ollama", "openai-compat":
	default:
		return usageError{fmt.Sprintf("unknown embedder %q: want local, openai, ollama or openai-compat", c.Embedder)}
	}
	if c.MaxPassage < 0 {
		return usageError{"--max-passage must be 0 or more"}
	}
	if c.Corpus != "" {
		fi, err := os.Stat(c.Corpus)
		if err != nil {
			return fmt.Errorf("corpus: %w", err)
		}
		if !fi.IsDir() && !isDocument(c.Corpus) {
			return fmt.Errorf("corpus %s is neither a folder nor a document (%s)", c.Corpus, strings.Join(corpus.Extensions, " "))
		}
	}
	return nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// defaultDBPath is quotebot/index in the user's cache folder, or a folder in
// the temporary directory when there is no cache folder.
func defaultDBPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "quotebot", "index")
}

// parseFlags parses args with flags before or after the other arguments
// ("ask fisheries --json" as well as "ask --json fisheries"; after "--"
// everything is an argument), leaving those in fs.Args(). A bad flag is a
// one-line usage error; --help prints the usage and returns flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	defer func() { fs.Usage = usage; fs.SetOutput(out) }()
	var rest []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(out)
			usage()
			return err
		}
		if err != nil {
			return usageError{err.Error() + " (see --help)"}
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		if n := len(args) - len(left); n > 0 && args[n-1] == "--" {
			rest = append(rest, left...)
			break
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
	// Parsing "--" then rest leaves the flags as set and fs.Args() == rest.
	return fs.Parse(append([]string{"--"}, rest...))
}

// loadCorpus reads the documents of c.Corpus (a folder, or one document),
// or the built-in statement, and tells c.onLoad what it read. Files of a
// folder that cannot be read are skipped; one document given alone must be
// read.
func loadCorpus(c engineConfig) (corpus.Result, error) {
	res, err := scanCorpus(c)
	if c.onLoad != nil && (len(res.Docs) > 0 || len(res.Skipped) > 0) {
		if herr := c.onLoad(scanned{documents: len(res.Docs), skipped: res.Skipped}); herr != nil && err == nil {
			return corpus.Result{}, herr
		}
	}
	if err != nil {
		name := c.Corpus
		if name == "" {
			name = "built-in corpus"
		}
		return corpus.Result{}, fmt.Errorf("load %s: %w", name, err)
	}
	return res, nil
}

// scanned is what reading the corpus found: the number of documents read
// and the files skipped.
type scanned struct {
	documents int
	skipped   []corpus.Skipped
}

func scanCorpus(c engineConfig) (corpus.Result, error) {
	opts := corpus.Options{MaxPassageChars: c.MaxPassage}
	if c.Corpus == "" {
		return corpus.Scan(corpus.Seed(), opts)
	}
	if fi, err := os.Stat(c.Corpus); err == nil && !fi.IsDir() && isDocument(c.Corpus) {
		doc, err := corpus.ReadFile(os.DirFS(filepath.Dir(c.Corpus)), filepath.Base(c.Corpus), opts)
		if err != nil {
			return corpus.Result{}, err
		}
		return corpus.Result{Docs: []corpus.Document{doc}}, nil
	}
	return corpus.Scan(os.DirFS(c.Corpus), opts)
}

// isDocument reports whether a path names a file corpus.Load would read.
func isDocument(path string) bool {
	return slices.Contains(corpus.Extensions, strings.ToLower(filepath.Ext(path)))
}

// openEngine opens the index of the corpus, building it when it is missing
// or out of date; the documents are read only then (see engineSource).
func openEngine(ctx context.Context, c engineConfig) (*retrieval.Engine, error) {
	eng, _, err := openEngineKeyed(ctx, c)
	return eng, err
}

// openEngineKeyed is openEngine that also returns the documents' key the
// engine was opened for (engineSource; "" when a file could not be read).
func openEngineKeyed(ctx context.Context, c engineConfig) (*retrieval.Engine, string, error) {
	cfg, src, read, err := c.retrievalConfig()
	if err != nil {
		return nil, "", err
	}
	eng, err := retrieval.OpenSource(ctx, src, cfg)
	if err != nil {
		return nil, "", indexError(c.DB, err)
	}
	if err := c.reportIndexed(*read, eng.Stats()); err != nil {
		return nil, "", err
	}
	return eng, src.Key, nil
}

// buildIndex brings the index of the corpus up to date without loading it.
func buildIndex(ctx context.Context, c engineConfig) (retrieval.Stats, string, error) {
	cfg, src, read, err := c.retrievalConfig()
	if err != nil {
		return retrieval.Stats{}, "", err
	}
	st, err := retrieval.Build(ctx, src, cfg)
	if err != nil {
		return st, "", indexError(c.DB, err)
	}
	if err := c.reportIndexed(*read, st); err != nil {
		return st, "", err
	}
	return st, cfg.Embedder.ID(), nil
}

// reportIndexed tells c.onLoad what the index recorded of the corpus when
// the corpus itself was not read (read is false): the index was up to date.
func (c engineConfig) reportIndexed(read bool, st retrieval.Stats) error {
	if read || c.onLoad == nil || st.Documents == 0 && len(st.Skipped) == 0 {
		return nil
	}
	return c.onLoad(scanned{documents: st.Documents, skipped: st.Skipped})
}

// indexError words an error of opening the index at db; a path that is not
// a place for an index is named in the error itself.
func indexError(db string, err error) error {
	if errors.Is(err, retrieval.ErrNotIndex) {
		return err
	}
	return fmt.Errorf("open index %s: %w", db, err)
}

// retrievalConfig validates c and returns the embedder and the index path,
// the documents' source, and whether the source was read, which is known
// once the index is opened.
func (c engineConfig) retrievalConfig() (retrieval.Config, retrieval.Source, *bool, error) {
	if err := c.Validate(); err != nil {
		return retrieval.Config{}, retrieval.Source{}, nil, err
	}
	emb, err := newEmbedder(c)
	if err != nil {
		return retrieval.Config{}, retrieval.Source{}, nil, err
	}
	src := engineSource(c)
	read := new(bool)
	load := src.Load
	src.Load = func() (corpus.Result, error) {
		*read = true
		return load()
	}
	return retrieval.Config{Embedder: emb, Path: c.DB, Progress: c.progress, OnFallback: c.onFallback}, src, read, nil
}

// engineSource is the corpus of c as a retrieval.Source: its key covers the
// options that shape passages and every document file's path, size and
// bytes, so an index built from the same files loads without parsing them.
// The bytes count through two CRC-32s (Castagnoli and IEEE, 64 bits
// together), which the processor computes at memory speed: the key detects
// changes, not forgeries, which need no detecting since whoever can edit
// the documents can edit the index. A file that cannot be read leaves the
// key empty, and loadCorpus reports it.
func engineSource(c engineConfig) retrieval.Source {
	src := retrieval.Source{Load: func() (corpus.Result, error) { return loadCorpus(c) }}
	h := sha256.New()
	fmt.Fprintf(h, "quotebot-corpus/1\x00max-passage=%d\x00", c.MaxPassage)
	fsys, root := corpus.Seed(), "."
	switch {
	case c.Corpus == "":
		fmt.Fprint(h, "seed\x00")
	case isDocument(c.Corpus) && !isDir(c.Corpus):
		fsys, root = os.DirFS(filepath.Dir(c.Corpus)), filepath.Base(c.Corpus)
		fmt.Fprint(h, "file\x00")
	default:
		fsys = os.DirFS(c.Corpus)
		fmt.Fprint(h, "folder\x00")
	}
	// Every file with a document's extension or an unsupported one (which
	// corpus.Scan lists as skipped) counts, hidden ones too: a superset of
	// what corpus.Scan reads, so no change goes unseen.
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := strings.ToLower(path.Ext(p))
		if d.IsDir() || !slices.Contains(corpus.Extensions, ext) && !slices.Contains(corpus.Unsupported, ext) {
			return nil
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		c, ieee := crc32.New(crc32.MakeTable(crc32.Castagnoli)), crc32.NewIEEE()
		n, err := io.Copy(io.MultiWriter(c, ieee), f)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%08x%08x\x00", p, n, c.Sum32(), ieee.Sum32())
		return nil
	})
	if err == nil {
		src.Key = "files:" + hex.EncodeToString(h.Sum(nil))
	}
	return src
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// newEmbedder returns the embedder c names; it makes no network call.
func newEmbedder(c engineConfig) (retrieval.Embedder, error) {
	if c.embedder != nil {
		return c.embedder, nil
	}
	if c.Embedder == "local" {
		return retrieval.NewLocal(), nil
	}
	return retrieval.NewProvider(retrieval.ProviderConfig{Provider: c.Embedder, Model: c.Model, URL: c.URL, APIKey: c.APIKey,
		CacheDir: cmp.Or(c.cacheDir, c.DB)})
}

// embedderID is the ID of the embedder c names, as the index records it
// (never with credentials), or c.Embedder when its settings are wrong (the
// index loader then reports why).
func embedderID(c engineConfig) string {
	emb, err := newEmbedder(c)
	if err != nil {
		return c.Embedder
	}
	return emb.ID()
}

// lazyAnswerer is the engine of `serve`: it answers once the index has
// loaded, from whichever engine was set last. A reload (reload.go) sets a
// new one; a question answers from the engine that was current when it
// started, so questions in flight finish on the old one. (Replies are
// counted by replyMetrics, through the Responder.)
type lazyAnswerer struct {
	done chan struct{}
	once sync.Once
	cur  atomic.Pointer[loadedEngine]
}

// loadedEngine is an engine that loaded, or why the index failed to load
// (then eng is nil).
type loadedEngine struct {
	eng *retrieval.Engine
	err error
}

func newLazyAnswerer() *lazyAnswerer {
	return &lazyAnswerer{done: make(chan struct{})}
}

// set records the loaded engine, or why it failed to load, replacing what
// was set before.
func (l *lazyAnswerer) set(eng *retrieval.Engine, err error) {
	l.cur.Store(&loadedEngine{eng: eng, err: err})
	l.once.Do(func() { close(l.done) })
}

// current is what set recorded last, or nil before the first set.
func (l *lazyAnswerer) current() *loadedEngine {
	return l.cur.Load()
}

// errLoading is reported while the index is still loading.
var errLoading = errors.New("the index is still loading")

// ready is nil once the engine can answer.
func (l *lazyAnswerer) ready() error {
	select {
	case <-l.done:
		if err := l.current().err; err != nil {
			return fmt.Errorf("the index failed to load: %w", err)
		}
		return nil
	default:
		return errLoading
	}
}

// Answer implements bot.Answerer, waiting for the index when it is still
// loading.
func (l *lazyAnswerer) Answer(ctx context.Context, q string, top int) (bot.Answer, error) {
	noteQuestion(ctx, q)
	select {
	case <-l.done:
	case <-ctx.Done():
		return bot.Answer{}, ctx.Err()
	}
	cur := l.current()
	if cur.err != nil {
		return bot.Answer{}, cur.err
	}
	return cur.eng.Answer(ctx, q, top)
}

// joinQuestion joins command-line words into one question.
func joinQuestion(args []string) string { return strings.TrimSpace(strings.Join(args, " ")) }
