package wordvec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/quotebot/quotebot/retrieval/wordvec/internal/build"
)

// vectorsSHA256 is the SHA-256 of the committed vectors.bin. Regenerating
// the file (go generate ./retrieval/wordvec) changes it only if the
// generator, its parameters or the dictionaries changed: then update this
// constant in the same commit as the file, and say why in the message.
const vectorsSHA256 = "acf7ed2022f81098205d2e02a954d7a411e3c4c056ff35f4c0f0f6e31cfaf86f"

func TestEmbeddedChecksum(t *testing.T) {
	sum := sha256.Sum256(embedded)
	if got := hex.EncodeToString(sum[:]); got != vectorsSHA256 {
		t.Fatalf("vectors.bin has SHA-256 %s, want %s: regenerated without updating vectorsSHA256, or corrupted", got, vectorsSHA256)
	}
}

// The intrinsic tests use only general English, no word of any evaluation
// document, and fail for random vectors: a random pair of 100-dimensional
// vectors has a cosine near 0 ± 0.1, and each ordering below holds by
// chance only half the time.

func TestEmbeddedSimilarWordsAreNear(t *testing.T) {
	tb := Default()
	tests := []struct{ word, similar, unrelated string }{
		{"doctor", "physician", "volcano"},
		{"happy", "glad", "cheese"},
		{"violin", "guitar", "lava"},
		{"kitten", "cat", "piano"},
		{"dog", "puppy", "poem"},
	}
	for _, tt := range tests {
		near, ok1 := tb.Similarity(tt.word, tt.similar)
		far, ok2 := tb.Similarity(tt.word, tt.unrelated)
		if !ok1 || !ok2 {
			t.Errorf("the table lacks %q, %q or %q", tt.word, tt.similar, tt.unrelated)
			continue
		}
		if near < 0.5 || near < far+0.2 {
			t.Errorf("Similarity(%s, %s) = %.2f, Similarity(%s, %s) = %.2f; want the first above 0.5 and 0.2 above the second",
				tt.word, tt.similar, near, tt.word, tt.unrelated, far)
		}
	}
}

func TestEmbeddedNearest(t *testing.T) {
	got := Default().Nearest("king", 10)
	if !slices.Contains(got, "queen") && !slices.Contains(got, "monarch") {
		t.Errorf(`Nearest("king", 10) = %q, want "queen" or "monarch" among them`, got)
	}
}

func TestEmbeddedIDF(t *testing.T) {
	tb := Default()
	the, ok1 := tb.IDF("the")
	volcano, ok2 := tb.IDF("volcano")
	if !ok1 || !ok2 || the > 2 || volcano < the+4 {
		t.Errorf("IDF(the) = %.2f, %v; IDF(volcano) = %.2f, %v; want below 2 and at least 4 more", the, ok1, volcano, ok2)
	}
}

func TestEmbeddedShape(t *testing.T) {
	tb := Default()
	if tb.Dim() != 100 || tb.Len() < 50000 || len(embedded) >= 10<<20 {
		t.Errorf("Dim %d, Len %d, %d bytes; want 100 dimensions, at least 50,000 words, under 10 MB", tb.Dim(), tb.Len(), len(embedded))
	}
}

// TestEmbeddedIsReproducible regenerates vectors.bin from the installed
// dictionaries and requires it to match the committed file byte for byte.
// Training takes a few minutes, so it runs only with QUOTEBOT_REGEN=1.
func TestEmbeddedIsReproducible(t *testing.T) {
	if os.Getenv("QUOTEBOT_REGEN") != "1" {
		t.Skip("set QUOTEBOT_REGEN=1 to retrain the vectors (a few minutes) and compare them with vectors.bin")
	}
	src := build.DebianSources
	for _, f := range []string{filepath.Join(src.WordNet, "data.noun"), filepath.Join(src.GCIDE, "gcide.dict.dz")} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("dictionary missing (%v): apt-get install wordnet-base dict-gcide", err)
		}
	}
	var got bytes.Buffer
	if _, err := build.Build(src, build.DefaultConfig, &got, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), embedded) {
		t.Fatalf("a fresh build (%d bytes) differs from vectors.bin (%d bytes): run go generate ./retrieval/wordvec, update vectorsSHA256 and commit both", got.Len(), len(embedded))
	}
}
