package wordnet_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/build"
)

// wordnetDir is where Debian's wordnet-base installs the WordNet 3.0
// database, the source named by the go:generate line.
const wordnetDir = "/usr/share/wordnet"

// TestEmbeddedIsReproducible regenerates the lexicon from the installed
// WordNet and requires the committed wordnet.bin to match byte for byte.
func TestEmbeddedIsReproducible(t *testing.T) {
	if _, err := os.Stat(filepath.Join(wordnetDir, "data.noun")); err != nil {
		t.Skipf("WordNet 3.0 not installed at %s (%v); CI installs Debian's wordnet-base, so this test runs there", wordnetDir, err)
	}
	var got bytes.Buffer
	if err := build.Build(wordnetDir, &got); err != nil {
		t.Fatalf("Build(%s): %v", wordnetDir, err)
	}
	want, err := os.ReadFile("wordnet.bin")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("wordnet.bin (%d bytes) differs from a fresh build from %s (%d bytes): "+
			"run go generate ./retrieval/wordnet and commit the result", len(want), wordnetDir, got.Len())
	}
}
