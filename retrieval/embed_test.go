package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
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
		{"ollama", ProviderConfig{Provider: "ollama", Model: "nomic-embed-text"}, "/embed",
			map[string]any{"embeddings": [][]float32{{0.6, 0.8}}}},
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

// Credentials the tests below put into an embedding API's URL and key.
const (
	urlUser     = "embed-user-q7"
	urlPassword = "pw-in-url-9d2f"
	urlQueryKey = "key-in-query-4c1a"
	envKey      = "sk-env-key-8e5b"
)

// TestProviderIDHidesCredentials checks that an embedder's ID keeps the
// provider, model, host and path of its URL, and nothing that may be a
// secret: rotating a key or password leaves it unchanged, so nothing is
// embedded again.
func TestProviderIDHidesCredentials(t *testing.T) {
	tests := []struct {
		name string
		cfg  ProviderConfig
		want string
	}{
		{"plain URL, as before", ProviderConfig{Provider: "openai-compat", Model: "m", URL: "http://127.0.0.1:9/v1"}, "openai-compat/m@http://127.0.0.1:9/v1"},
		{"openai default", ProviderConfig{Provider: "openai", APIKey: envKey}, "openai/text-embedding-3-small@https://api.openai.com/v1"},
		{"user info", ProviderConfig{Provider: "openai-compat", Model: "m", URL: "https://" + urlUser + ":" + urlPassword + "@embed.example/v1"}, "openai-compat/m@https://embed.example/v1"},
		{"query key", ProviderConfig{Provider: "openai-compat", Model: "m", URL: "https://embed.example/v1?key=" + urlQueryKey + "#" + urlQueryKey}, "openai-compat/m@https://embed.example/v1"},
		{"rotated query key", ProviderConfig{Provider: "openai-compat", Model: "m", URL: "https://embed.example/v1?key=other"}, "openai-compat/m@https://embed.example/v1"},
		{"key from the environment", ProviderConfig{Provider: "openai-compat", Model: "m", URL: "https://embed.example/v1", APIKey: envKey}, "openai-compat/m@https://embed.example/v1"},
		{"ollama behind basic auth", ProviderConfig{Provider: "ollama", URL: "http://" + urlUser + ":" + urlPassword + "@gpu.internal:11434/api"}, "ollama/nomic-embed-text@http://gpu.internal:11434/api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emb, err := NewProvider(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if emb.ID() != tt.want {
				t.Errorf("ID %q, want %q", emb.ID(), tt.want)
			}
		})
	}
}

// TestProviderSendsURLCredentials checks that credentials kept out of the ID
// still reach the API: the query string on every call, the user info as
// basic authentication when there is no key, the key as a bearer token
// (never to Ollama).
func TestProviderSendsURLCredentials(t *testing.T) {
	tests := []struct {
		name     string
		provider string
		key      string
		wantAuth string // "basic" or "bearer"
		wantPath string
	}{
		{"compat without key", "openai-compat", "", "basic", "/v1/embeddings"},
		{"compat with key", "openai-compat", envKey, "bearer", "/v1/embeddings"},
		{"ollama with an OpenAI key set", "ollama", envKey, "basic", "/v1/embed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotQuery, gotAuth, gotPath string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotQuery, gotPath = r.URL.Query().Get("key"), r.URL.Path
				if u, p, ok := r.BasicAuth(); ok && u == urlUser && p == urlPassword {
					gotAuth = "basic"
				} else if r.Header.Get("Authorization") == "Bearer "+envKey {
					gotAuth = "bearer"
				}
				json.NewEncoder(w).Encode(map[string]any{"embeddings": [][]float32{{3, 4}}, "data": []map[string]any{{"embedding": []float32{3, 4}}}})
			}))
			defer srv.Close()
			u := strings.Replace(srv.URL, "http://", "http://"+urlUser+":"+urlPassword+"@", 1) + "/v1?key=" + urlQueryKey
			emb, err := NewProvider(ProviderConfig{Provider: tt.provider, Model: "m", URL: u, APIKey: tt.key})
			if err != nil {
				t.Fatal(err)
			}
			v, err := emb.Embed(context.Background(), "fisheries")
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(float64(v[0])-0.6) > 1e-6 {
				t.Errorf("vector %v is not normalized", v)
			}
			if gotPath != tt.wantPath || gotQuery != urlQueryKey || gotAuth != tt.wantAuth {
				t.Errorf("API saw path %q, key %q, auth %q; want %s, %q, %s", gotPath, gotQuery, gotAuth, tt.wantPath, urlQueryKey, tt.wantAuth)
			}
		})
	}
}

// TestProviderErrorsHideCredentials checks the errors of a bad URL, of an
// API that fails and of one that cannot be reached: each says what went
// wrong without the URL's user info or query string.
func TestProviderErrorsHideCredentials(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "key "+r.URL.Query().Get("key")+" refused", http.StatusInternalServerError)
	}))
	defer failing.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	creds := func(base string) string {
		return strings.Replace(base, "http://", "http://"+urlUser+":"+urlPassword+"@", 1) + "/v1?key=" + urlQueryKey
	}
	tests := []struct {
		name   string
		url    string
		config bool   // the error is ErrConfig, from NewProvider
		want   string // the error says this
	}{
		{"URL that does not parse", "http://" + urlUser + ":" + urlPassword + "@[::1/v1?key=" + urlQueryKey, true, "does not parse"},
		{"URL of another scheme", "ftp://" + urlUser + ":" + urlPassword + "@embed.example/?key=" + urlQueryKey, true, "http:// or https://"},
		{"URL without host", "http:///v1?key=" + urlQueryKey, true, "no host"},
		{"API answers 500", creds(failing.URL), false, "500 Internal Server Error"},
		{"API unreachable", creds(gone.URL), false, "call the API"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emb, err := NewProvider(ProviderConfig{Provider: "openai-compat", Model: "m", URL: tt.url})
			if err == nil {
				_, err = emb.Embed(context.Background(), "x")
			}
			if err == nil || errors.Is(err, ErrConfig) != tt.config || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q (config error: %v)", err, tt.want, tt.config)
			}
			for _, secret := range []string{urlUser, urlPassword, urlQueryKey} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows %q", err, secret)
				}
			}
		})
	}
}
