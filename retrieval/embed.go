package retrieval

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"

	chromem "github.com/philippgille/chromem-go"
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
	return v, nil
}

// relatedWeight scales the WordNet expansions in the built-in embedder and in
// the lexical ranking, so a related word always counts less than the word.
const relatedWeight = 0.5

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
	// openai-compat.
	URL string
	// APIKey is the key for OpenAI and for endpoints that need one.
	APIKey string
}

// ErrConfig is wrapped by errors about embedder settings.
var ErrConfig = errors.New("embedder settings")

// NewProvider returns an embedder that calls an embedding API through
// chromem-go's providers.
func NewProvider(c ProviderConfig) (Embedder, error) {
	var fn chromem.EmbeddingFunc
	switch c.Provider {
	case "openai":
		if c.APIKey == "" {
			return nil, fmt.Errorf("%w: openai needs OPENAI_API_KEY", ErrConfig)
		}
		if c.Model == "" {
			c.Model = string(chromem.EmbeddingModelOpenAI3Small)
		}
		if c.URL == "" {
			c.URL = "https://api.openai.com/v1"
		}
		fn = chromem.NewEmbeddingFuncOpenAICompat(c.URL, c.APIKey, c.Model, nil)
	case "ollama":
		if c.Model == "" {
			c.Model = "nomic-embed-text"
		}
		if c.URL == "" {
			c.URL = "http://localhost:11434/api"
		}
		fn = chromem.NewEmbeddingFuncOllama(c.Model, c.URL)
	case "openai-compat":
		if c.URL == "" || c.Model == "" {
			return nil, fmt.Errorf("%w: openai-compat needs QUOTEBOT_EMBED_URL and QUOTEBOT_EMBED_MODEL", ErrConfig)
		}
		fn = chromem.NewEmbeddingFuncOpenAICompat(c.URL, c.APIKey, c.Model, nil)
	default:
		return nil, fmt.Errorf("%w: unknown embedder %q (want local, openai, ollama or openai-compat)", ErrConfig, c.Provider)
	}
	return &provider{id: c.Provider + "/" + c.Model + "@" + c.URL, fn: fn}, nil
}

// provider adapts a chromem-go embedding function to Embedder.
type provider struct {
	id string
	fn chromem.EmbeddingFunc
}

func (p *provider) ID() string { return p.id }

func (p *provider) Embed(ctx context.Context, text string) ([]float32, error) {
	v, err := p.fn(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("embed with %s: %w", p.id, err)
	}
	return v, nil
}
