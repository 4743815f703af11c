package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"

	"github.com/quotebot/quotebot/retrieval/wordvec"
)

// Embedder turns text into a vector. Vectors of two embedders are never
// mixed: the index records ID and rebuilds when it changes.
type Embedder interface {
	// ID names the embedder and everything that changes its vectors
	// (provider, model, version, dimension), e.g. "local/v3/100".
	ID() string
	// Embed returns the vector of text.
	Embed(ctx context.Context, text string) ([]float32, error)
}

// LocalDim is the dimension of the built-in embedder's vectors: that of
// the dictionary word vectors (retrieval/wordvec). It was chosen on
// measured quality and cost: on the development sets the 768-dimension
// feature hash of quotebot v2 and these 100-dimension vectors rank the
// right passage first equally often once fused with the lexical signals
// (and the word vectors find more right passages among the first three),
// at an eighth of the memory and query time.
const LocalDim = 100

// localVersion changes whenever the built-in embedder's features change, so
// old indexes are rebuilt.
const localVersion = "v3"

// Local is the built-in embedder: offline, deterministic, pure Go. A text's
// vector is the mean of the dictionary word vectors of its content words
// (each word's first base form the vectors know), weighted by the word's
// rarity in the dictionaries (its general-English idf), L2-normalized. So
// "fisheries" lands near "fishing industry", and "salary" near
// "remuneration", without any model download. Proper names have vectors
// too, but names are matched only exactly elsewhere in the pipeline.
type Local struct {
	a *analyzer
}

// NewLocal returns the built-in embedder.
func NewLocal() *Local { return &Local{a: newAnalyzer()} }

// ID implements Embedder.
func (l *Local) ID() string { return fmt.Sprintf("local/%s/%d", localVersion, LocalDim) }

// Embed implements Embedder. It never fails; a text with no word the
// vectors know yields the zero vector.
func (l *Local) Embed(_ context.Context, text string) ([]float32, error) {
	wv := wordvec.Default()
	var words []string
	var weights []float32
	for _, t := range tokenize(text) {
		if isStopword(t.word) {
			continue
		}
		for _, f := range l.a.forms(t.word) {
			if idf, ok := wv.IDF(f); ok {
				words = append(words, f)
				weights = append(weights, idf)
				break
			}
		}
	}
	v := make([]float32, LocalDim)
	wv.Mean(words, weights, v)
	normalize(v)
	return v, nil
}

func normalize(v []float32) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
}

// Provider settings for the embedders reached over the network.
type ProviderConfig struct {
	// Provider is "openai", "ollama" or "openai-compat".
	Provider string
	// Model is the embedding model; empty means the provider's default
	// (text-embedding-3-small for OpenAI, nomic-embed-text for Ollama).
	Model string
	// URL is the API base URL; empty means the provider's default
	// (https://api.openai.com/v1, http://localhost:11434/api). Required for
	// openai-compat. Its user info (sent as basic authentication when there
	// is no APIKey) and query string are sent with every call but never
	// shown: not in the ID, errors or logs.
	URL string
	// APIKey is the key for OpenAI and for compatible endpoints that need
	// one, sent as a bearer token (never to Ollama).
	APIKey string
	// CacheDir, when set, is the folder of the on-disk cache of the
	// vectors of passages (see embedCache): a persistent index's folder,
	// whose rules it follows. The cache is opened, and the folder created,
	// only when a passage is embedded; a cache that cannot be opened or
	// written is done without.
	CacheDir string
}

// ErrConfig is wrapped by errors about embedder settings.
var ErrConfig = errors.New("embedder settings")

// NewProvider returns an embedder that calls an embedding API: OpenAI's
// (and compatible ones') POST {URL}/embeddings, or Ollama's POST
// {URL}/embed, both with an array of texts. Its ID is
// provider/model@URL with the URL's scheme, host and path only, so changing
// a key or password does not change it.
func NewProvider(c ProviderConfig) (Embedder, error) {
	switch c.Provider {
	case "openai":
		if c.APIKey == "" {
			return nil, fmt.Errorf("%w: openai needs OPENAI_API_KEY", ErrConfig)
		}
		if c.Model == "" {
			c.Model = "text-embedding-3-small"
		}
		if c.URL == "" {
			c.URL = "https://api.openai.com/v1"
		}
	case "ollama":
		if c.Model == "" {
			c.Model = "nomic-embed-text"
		}
		if c.URL == "" {
			c.URL = "http://localhost:11434/api"
		}
	case "openai-compat":
		if c.URL == "" || c.Model == "" {
			return nil, fmt.Errorf("%w: openai-compat needs QUOTEBOT_EMBED_URL and QUOTEBOT_EMBED_MODEL", ErrConfig)
		}
	default:
		return nil, fmt.Errorf("%w: unknown embedder %q (want local, openai, ollama or openai-compat)", ErrConfig, c.Provider)
	}
	ep, err := parseEndpoint(c.URL)
	if err != nil {
		return nil, err
	}
	key := c.APIKey
	if c.Provider == "ollama" {
		key = "" // Ollama takes none; OPENAI_API_KEY is not for its host
	}
	return &provider{
		id:        c.Provider + "/" + c.Model + "@" + ep.String(),
		ollama:    c.Provider == "ollama",
		model:     c.Model,
		key:       key,
		ep:        ep,
		client:    &http.Client{},
		passages:  passagePolicy,
		questions: questionPolicy,
		cacheDir:  c.CacheDir,
	}, nil
}

// batchEmbedder is an Embedder that embeds many texts in one call: the
// network embedders, whose cost is per request. The index embeds passages
// with EmbedBatch, and questions with Embed.
type batchEmbedder interface {
	Embedder
	// EmbedBatch returns the vectors of texts, in order.
	EmbedBatch(ctx context.Context, texts []string) ([][]float32, error)
}

// provider is an Embedder that calls an OpenAI-compatible or Ollama
// embedding API.
type provider struct {
	id     string
	ollama bool
	model  string
	key    string
	ep     endpoint
	client *http.Client
	// passages and questions are how requests for each are tried.
	passages, questions retryPolicy
	// cacheDir is the folder of the cache, opened on first use.
	cacheDir  string
	cacheOnce sync.Once
	cache     *embedCache
}

func (p *provider) ID() string { return p.id }

// Embed returns the API's vector for a question, L2-normalized. It tries
// briefly (questionPolicy): the caller falls back to other evidence when it
// fails. Questions are never written to the cache.
func (p *provider) Embed(ctx context.Context, text string) ([]float32, error) {
	vs, err := p.request(ctx, []string{text}, p.questions)
	if err != nil {
		return nil, fmt.Errorf("embed with %s: %w", p.id, err)
	}
	return vs[0], nil
}

// EmbedBatch implements batchEmbedder for passages: vectors found in the
// cache are not asked for again, the others are asked for embedBatchSize at
// a time, patiently (passagePolicy), and added to the cache. Vectors are
// L2-normalized.
func (p *provider) EmbedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	p.cacheOnce.Do(func() {
		if p.cacheDir != "" {
			p.cache, _ = openEmbedCache(ctx, p.cacheDir, p.id)
		}
	})
	out := p.cache.lookup(texts)
	var miss []int
	for i, v := range out {
		if v == nil {
			miss = append(miss, i)
		}
	}
	for len(miss) > 0 {
		n := min(len(miss), embedBatchSize)
		batch := make([]string, n)
		for k, i := range miss[:n] {
			batch[k] = texts[i]
		}
		vs, err := p.request(ctx, batch, p.passages)
		if err != nil {
			return nil, fmt.Errorf("embed with %s: %w", p.id, err)
		}
		for k, i := range miss[:n] {
			out[i] = vs[k]
		}
		p.cache.put(ctx, batch, vs)
		miss = miss[n:]
	}
	return out, nil
}

// request asks the API for the vectors of texts in one request and returns
// them in order, normalized.
func (p *provider) request(ctx context.Context, texts []string, pol retryPolicy) ([][]float32, error) {
	body := map[string]any{"model": p.model, "input": texts}
	var vs [][]float32
	if p.ollama {
		var out struct {
			Embeddings [][]float32 `json:"embeddings"`
		}
		if err := postJSON(ctx, p.client, p.ep, "embed", p.key, body, &out, pol); err != nil {
			return nil, err
		}
		vs = out.Embeddings
	} else {
		var out struct {
			Data []struct {
				Index     int       `json:"index"`
				Embedding []float32 `json:"embedding"`
			} `json:"data"`
		}
		if err := postJSON(ctx, p.client, p.ep, "embeddings", p.key, body, &out, pol); err != nil {
			return nil, err
		}
		vs = make([][]float32, len(out.Data))
		for _, d := range out.Data {
			if d.Index < 0 || d.Index >= len(vs) || vs[d.Index] != nil {
				return nil, fmt.Errorf("the API's reply numbers its vectors wrongly (index %d of %d)", d.Index, len(vs))
			}
			vs[d.Index] = d.Embedding
		}
	}
	if len(vs) != len(texts) {
		return nil, fmt.Errorf("the API's reply holds %d vectors for %d texts", len(vs), len(texts))
	}
	for _, v := range vs {
		if len(v) == 0 || len(v) != len(vs[0]) {
			return nil, errors.New("the API's reply holds an empty vector, or vectors of different dimensions")
		}
		normalize(v)
	}
	return vs, nil
}
