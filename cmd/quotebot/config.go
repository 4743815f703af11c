package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

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
	// onLoad, when set, is called with the documents read and the files
	// skipped once the corpus folder is read, before the index is opened
	// (also when no document could be read); an error it returns stops the
	// opening. Commands set it to report skipped files.
	onLoad func(corpus.Result) error
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
// or the built-in statement, and hands them to c.onLoad. Files of a folder
// that cannot be read are skipped; one document given alone must be read.
func loadCorpus(c engineConfig) ([]corpus.Document, error) {
	res, err := scanCorpus(c)
	if c.onLoad != nil && (len(res.Docs) > 0 || len(res.Skipped) > 0) {
		if herr := c.onLoad(res); herr != nil && err == nil {
			return nil, herr
		}
	}
	if err != nil {
		name := c.Corpus
		if name == "" {
			name = "built-in corpus"
		}
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	return res.Docs, nil
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

// openEngine loads the corpus and opens (or builds) its index.
func openEngine(ctx context.Context, c engineConfig) (*retrieval.Engine, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	emb, err := newEmbedder(c)
	if err != nil {
		return nil, err
	}
	docs, err := loadCorpus(c)
	if err != nil {
		return nil, err
	}
	eng, err := retrieval.Open(ctx, docs, retrieval.Config{Embedder: emb, Path: c.DB})
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", c.DB, err)
	}
	return eng, nil
}

// newEmbedder returns the embedder c names; it makes no network call.
func newEmbedder(c engineConfig) (retrieval.Embedder, error) {
	if c.Embedder == "local" {
		return retrieval.NewLocal(), nil
	}
	return retrieval.NewProvider(retrieval.ProviderConfig{Provider: c.Embedder, Model: c.Model, URL: c.URL, APIKey: c.APIKey})
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
// loaded. (Replies are counted by replyMetrics, through the Responder.)
type lazyAnswerer struct {
	done chan struct{}
	once sync.Once
	eng  *retrieval.Engine
	err  error
}

func newLazyAnswerer() *lazyAnswerer {
	return &lazyAnswerer{done: make(chan struct{})}
}

// set records the loaded engine, or why it failed to load.
func (l *lazyAnswerer) set(eng *retrieval.Engine, err error) {
	l.once.Do(func() {
		l.eng, l.err = eng, err
		close(l.done)
	})
}

// errLoading is reported while the index is still loading.
var errLoading = errors.New("the index is still loading")

// ready is nil once the engine can answer.
func (l *lazyAnswerer) ready() error {
	select {
	case <-l.done:
		if l.err != nil {
			return fmt.Errorf("the index failed to load: %w", l.err)
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
	if l.err != nil {
		return bot.Answer{}, l.err
	}
	return l.eng.Answer(ctx, q, top)
}

// joinQuestion joins command-line words into one question.
func joinQuestion(args []string) string { return strings.TrimSpace(strings.Join(args, " ")) }
