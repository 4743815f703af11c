// Package fakeembed is a fake of the two embedding APIs quotebot calls —
// OpenAI's POST /v1/embeddings and Ollama's POST /api/embed — for tests. It
// listens on 127.0.0.1 only, gives every text a vector that depends on its
// words and on the model asked for (texts that share words are near, and
// two models of one dimension give different vectors), counts what it is
// asked, and can be told to fail.
package fakeembed

import (
	"encoding/json"
	"errors"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// Server is a fake embedding API. Its routes are /v1/embeddings (OpenAI's
// shape: data[i].embedding with data[i].index, listed in reverse order so
// that a client must read the index) and /api/embed (Ollama's:
// embeddings[i]); both take {"model": …, "input": "…" or ["…", …]}.
type Server struct {
	*httptest.Server
	// Dim is the dimension of every vector.
	Dim int

	mu       sync.Mutex
	requests map[string]int // by model
	texts    map[string]int // by model + "\x00" + text
	fail     Failure
	failLeft int // requests left to fail; < 0: all
}

// Failure is what a failing request gets.
type Failure struct {
	// Status is the HTTP status, e.g. 500 or 429.
	Status int
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
}

// New starts a fake API of vectors of dim dimensions, closed when tb ends.
func New(tb testing.TB, dim int) *Server {
	tb.Helper()
	s := &Server{Dim: dim, requests: map[string]int{}, texts: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/embeddings", func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, false) })
	mux.HandleFunc("POST /api/embed", func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, true) })
	s.Server = httptest.NewServer(mux) // 127.0.0.1:0
	tb.Cleanup(s.Close)
	return s
}

// OpenAIURL is the base URL of the OpenAI-shaped API (QUOTEBOT_EMBED_URL).
func (s *Server) OpenAIURL() string { return s.URL + "/v1" }

// OllamaURL is the base URL of the Ollama-shaped API.
func (s *Server) OllamaURL() string { return s.URL + "/api" }

// Fail makes the next n requests (every one when n < 0) fail with f;
// Fail(Failure{}, 0) makes it answer again.
func (s *Server) Fail(f Failure, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail, s.failLeft = f, n
}

// Requests is the number of requests for model, failed ones included.
func (s *Server) Requests(model string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[model]
}

// Asked is how many times text was embedded with model.
func (s *Server) Asked(model, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.texts[model+"\x00"+text]
}

// Texts is the number of texts embedded with model, repeats included.
func (s *Server) Texts(model string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, c := range s.texts {
		if strings.HasPrefix(k, model+"\x00") {
			n += c
		}
	}
	return n
}

// request is the body both APIs take.
type request struct {
	Model string          `json:"model"`
	Input json.RawMessage `json:"input"`
}

// ReadRequest reads the body of a request to either API: the model and the
// texts, given as one string or an array. Other fakes of the APIs use it.
func ReadRequest(r *http.Request) (model string, inputs []string, err error) {
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return "", nil, err
	}
	if req.Model == "" {
		return "", nil, errors.New("no model")
	}
	if err := json.Unmarshal(req.Input, &inputs); err != nil {
		var one string
		if err := json.Unmarshal(req.Input, &one); err != nil {
			return "", nil, errors.New("input must be a string or an array of strings")
		}
		inputs = []string{one}
	}
	return req.Model, inputs, nil
}

// WriteOpenAI answers with vecs in OpenAI's shape, listed in reverse order
// with their index, so that a client must read the index.
func WriteOpenAI(w http.ResponseWriter, model string, vecs [][]float32) {
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	data := make([]item, len(vecs))
	for i, v := range vecs {
		data[len(vecs)-1-i] = item{Object: "embedding", Index: i, Embedding: v}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": model, "data": data})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, ollama bool) {
	model, inputs, err := ReadRequest(r)
	if err != nil {
		http.Error(w, `{"error":"want {\"model\": …, \"input\": …}"}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.requests[model]++
	failing := s.failLeft != 0
	if s.failLeft > 0 {
		s.failLeft--
	}
	f := s.fail
	if !failing {
		for _, in := range inputs {
			s.texts[model+"\x00"+in]++
		}
	}
	s.mu.Unlock()
	if failing {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		http.Error(w, `{"error":"failing as told"}`, f.Status)
		return
	}
	vecs := make([][]float32, len(inputs))
	for i, in := range inputs {
		vecs[i] = Vector(model, in, s.Dim)
	}
	if ollama {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"model": model, "embeddings": vecs})
		return
	}
	WriteOpenAI(w, model, vecs)
}

// Vector is the fake's vector of text under model: the sum of a
// pseudo-random ±1 vector per lower-cased word, seeded by the model and the
// word, not normalized. A text without words gets a vector of ones.
func Vector(model, text string, dim int) []float32 {
	v := make([]float32, dim)
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		for i := range v {
			v[i] = 1
		}
		return v
	}
	for _, w := range words {
		h := fnv.New64a()
		h.Write([]byte(model + "\x00" + w))
		x := h.Sum64()
		for i := range v {
			// splitmix64
			x += 0x9e3779b97f4a7c15
			z := x
			z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
			z = (z ^ z>>27) * 0x94d049bb133111eb
			z ^= z >> 31
			if z&1 == 0 {
				v[i]++
			} else {
				v[i]--
			}
		}
	}
	return v
}
