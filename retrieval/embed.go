package retrieval

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"

	"github.com/quotebot/quotebot/retrieval/wordvec"
)

// Embedder turns text into a vector. Vectors of two embedders are never
// mixed: the index records ID and rebuilds when it changes.
type Embedder interface {
	// ID names the embedder and everything that changes its vectors
	// (provider, model, version, dimension), e.g. "local/v2/768".
	ID() string
	// Embed returns the vector of text.
	Embed(ctx context.Context, text string) ([]float32, error)
}

// LocalDim is the dimension of the built-in embedder's vectors.
const LocalDim = 768

// localVersion changes whenever the built-in embedder's features change, so
// old indexes are rebuilt.
const localVersion = "v2"

// Local is the built-in embedder: offline, deterministic, pure Go. A text's
// vector is a signed feature hash of its WordNet lemmas, stems and multi-word
// lemmas (weight 1), and of the lemmas WordNet relates to them (derived forms
// and synonyms, weighted by relation and scaled by relatedWeight), with
// sub-linear term frequency, L2-normalized. Related lemmas let "fisheries"
// land near "fishing industry" without any model download.
type Local struct {
	a *analyzer
}

// NewLocal returns the built-in embedder.
func NewLocal() *Local { return &Local{a: newAnalyzer()} }

// ID implements Embedder.
func (l *Local) ID() string { return fmt.Sprintf("local/%s/%d", localVersion, LocalDim) }

// Embed implements Embedder. It never fails; an empty text yields the zero vector.
func (l *Local) Embed(_ context.Context, text string) ([]float32, error) {
	feats := l.a.features(text)
	v := make([]float32, LocalDim)
	for term, w := range feats {
		h := fnv.New64a()
		h.Write([]byte(term))
		sum := h.Sum64()
		sign := float32(1)
		if sum>>63 == 1 {
			sign = -1
		}
		v[sum%LocalDim] += sign * float32(w)
	}
	normalize(v)
	if wvWeight > 0 {
		m := l.a.meanVector(text)
		hw := float32(math.Sqrt(1 - wvWeight))
		ww := float32(math.Sqrt(wvWeight))
		for i := range v {
			v[i] *= hw
		}
		for _, x := range m {
			v = append(v, ww*x)
		}
		if wvWeight >= 1 {
			v = v[LocalDim:]
		}
		normalize(v)
	}
	return v, nil
}

// meanVector is the dictionary-idf-weighted mean of the unit word vectors
// of text's content words (each word's first form the table knows),
// normalized.
func (a *analyzer) meanVector(text string) []float32 {
	wv := wordvec.Default()
	var words []string
	var weights []float32
	for _, t := range tokenize(text) {
		if isStopword(t.word) {
			continue
		}
		for _, f := range a.forms(t.word) {
			if idf, ok := wv.IDF(f); ok {
				words = append(words, f)
				weights = append(weights, idf)
				break
			}
		}
	}
	out := make([]float32, wv.Dim())
	wv.Mean(words, weights, out)
	normalize(out)
	return out
}

// features returns the weighted terms of text for the built-in embedder.
func (a *analyzer) features(text string) map[string]float64 {
	toks := tokenize(text)
	tf := map[string]float64{}
	for _, t := range toks {
		if isStopword(t.word) {
			continue
		}
		for _, f := range a.forms(t.word) {
			tf[f]++
		}
	}
	for _, p := range a.phrases(text, toks) {
		tf[p.text]++
	}
	feats := make(map[string]float64, len(tf)*4)
	for term, n := range tf {
		w := 1 + math.Log(n)
		feats[term] = math.Max(feats[term], w)
	}
	for term, n := range tf {
		if term[0] == stemPrefix[0] {
			continue
		}
		w := 1 + math.Log(n)
		for _, r := range a.lex.Related(term) {
			x := w * relatedWeight * float64(r.Weight)
			if x > feats[r.Lemma] {
				feats[r.Lemma] = x
			}
		}
	}
	return feats
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
}

// ErrConfig is wrapped by errors about embedder settings.
var ErrConfig = errors.New("embedder settings")

// NewProvider returns an embedder that calls an embedding API: OpenAI's
// (and compatible ones') POST {URL}/embeddings, or Ollama's. Its ID is
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
		id:     c.Provider + "/" + c.Model + "@" + ep.String(),
		ollama: c.Provider == "ollama",
		model:  c.Model,
		key:    key,
		ep:     ep,
		client: &http.Client{},
	}, nil
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
}

func (p *provider) ID() string { return p.id }

// Embed returns the API's vector for text, L2-normalized.
func (p *provider) Embed(ctx context.Context, text string) ([]float32, error) {
	v, err := p.call(ctx, text)
	if err == nil && len(v) == 0 {
		err = errors.New("the API's reply holds no vector")
	}
	if err != nil {
		return nil, fmt.Errorf("embed with %s: %w", p.id, err)
	}
	normalize(v)
	return v, nil
}

func (p *provider) call(ctx context.Context, text string) ([]float32, error) {
	if p.ollama {
		var out struct {
			Embedding []float32 `json:"embedding"`
		}
		err := postJSON(ctx, p.client, p.ep, "embeddings", p.key, map[string]string{"model": p.model, "prompt": text}, &out)
		return out.Embedding, err
	}
	var out struct {
		Data []struct {
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
	}
	if err := postJSON(ctx, p.client, p.ep, "embeddings", p.key, map[string]string{"model": p.model, "input": text}, &out); err != nil {
		return nil, err
	}
	if len(out.Data) == 0 {
		return nil, nil
	}
	return out.Data[0].Embedding, nil
}
