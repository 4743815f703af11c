package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
)

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestLocalEmbedder(t *testing.T) {
	l := NewLocal()
	ctx := context.Background()
	fish, _ := l.Embed(ctx, "The statement said China and Peru are willing to enhance their cooperation on fishing industry.")
	flights, _ := l.Embed(ctx, "The two countries welcomed the launch of direct flights.")
	q, _ := l.Embed(ctx, "fisheries")
	again, _ := l.Embed(ctx, "fisheries")
	if len(q) != LocalDim {
		t.Fatalf("dimension %d, want %d", len(q), LocalDim)
	}
	if n := math.Sqrt(dot(q, q)); math.Abs(n-1) > 1e-5 {
		t.Fatalf("norm %f, want 1", n)
	}
	for i := range q {
		if q[i] != again[i] {
			t.Fatal("embedding is not deterministic")
		}
	}
	if a, b := dot(q, fish), dot(q, flights); a <= b || a <= 0 {
		t.Fatalf("fisheries·fishing = %.3f, fisheries·flights = %.3f: WordNet relation not used", a, b)
	}
	empty, _ := l.Embed(ctx, "")
	if !isZero(empty) {
		t.Fatal("empty text should embed to the zero vector")
	}
}

// TestProviders checks the network embedders against local fakes of the
// OpenAI and Ollama APIs: the request they send and the vector they return.
func TestProviders(t *testing.T) {
	tests := []struct {
		name     string
		cfg      ProviderConfig
		path     string
		response any
	}{
		{"openai", ProviderConfig{Provider: "openai", APIKey: "sk-test"}, "/embeddings",
			map[string]any{"data": []map[string]any{{"embedding": []float32{0.6, 0.8}}}}},
		{"openai-compat", ProviderConfig{Provider: "openai-compat", Model: "bge-small", APIKey: "k"}, "/embeddings",
			map[string]any{"data": []map[string]any{{"embedding": []float32{0.6, 0.8}}}}},
		{"ollama", ProviderConfig{Provider: "ollama", Model: "nomic-embed-text"}, "/embeddings",
			map[string]any{"embedding": []float32{0.6, 0.8}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotPath, gotModel, gotAuth string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotPath, gotAuth = r.URL.Path, r.Header.Get("Authorization")
				var body map[string]any
				if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
					t.Errorf("request body: %v", err)
					return
				}
				gotModel, _ = body["model"].(string)
				json.NewEncoder(w).Encode(tt.response)
			}))
			defer srv.Close()
			cfg := tt.cfg
			cfg.URL = srv.URL
			emb, err := NewProvider(cfg)
			if err != nil {
				t.Fatal(err)
			}
			v, err := emb.Embed(context.Background(), "fisheries")
			if err != nil {
				t.Fatal(err)
			}
			if len(v) != 2 || math.Abs(float64(v[0])-0.6) > 1e-6 {
				t.Fatalf("vector %v", v)
			}
			if gotPath != tt.path {
				t.Errorf("path %q, want %q", gotPath, tt.path)
			}
			if gotModel == "" {
				t.Error("no model in the request")
			}
			if cfg.APIKey != "" && gotAuth != "Bearer "+cfg.APIKey {
				t.Errorf("Authorization %q", gotAuth)
			}
			if emb.ID() == NewLocal().ID() || emb.ID() == "" {
				t.Errorf("ID %q", emb.ID())
			}
		})
	}
}

func TestProviderErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  ProviderConfig
	}{
		{"unknown", ProviderConfig{Provider: "word2vec"}},
		{"openai without key", ProviderConfig{Provider: "openai"}},
		{"compat without url", ProviderConfig{Provider: "openai-compat", Model: "m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewProvider(tt.cfg); !errors.Is(err, ErrConfig) {
				t.Fatalf("NewProvider = %v, want ErrConfig", err)
			}
		})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"overloaded"}`, http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	emb, _ := NewProvider(ProviderConfig{Provider: "openai-compat", URL: srv.URL, Model: "m"})
	if _, err := emb.Embed(context.Background(), "x"); err == nil {
		t.Fatal("a 503 from the provider must be an error")
	}
}
