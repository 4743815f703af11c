package wordnet_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/build"
)

// wordnetDir is where Debian's wordnet-base installs the WordNet 3.0
// database, the source named by the go:generate line.
const wordnetDir = "/usr/share/wordnet"

// TestEmbeddedIsReproducible regenerates the lexicon from the installed
// WordNet and requires the committed wordnet.bin.gz to match byte for byte.
func TestEmbeddedIsReproducible(t *testing.T) {
	if _, err := os.Stat(filepath.Join(wordnetDir, "data.noun")); err != nil {
		t.Skipf("WordNet 3.0 not installed at %s (%v); CI installs Debian's wordnet-base, so this test runs there", wordnetDir, err)
	}
	var got bytes.Buffer
	if err := build.Build(wordnetDir, &got); err != nil {
		t.Fatalf("Build(%s): %v", wordnetDir, err)
	}
	want, err := os.ReadFile("wordnet.bin.gz")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got.Bytes(), want) {
		return
	}
	if bytes.Equal(gunzip(t, got.Bytes()), gunzip(t, want)) {
		t.Fatalf("wordnet.bin.gz has the same payload as a fresh build but different gzip bytes (%d vs %d): "+
			"the toolchain's compress/flate output changed; run go generate ./retrieval/wordnet and commit the result", len(want), got.Len())
	}
	t.Fatalf("wordnet.bin.gz (%d bytes) differs from a fresh build from %s (%d bytes): "+
		"run go generate ./retrieval/wordnet and commit the result", len(want), wordnetDir, got.Len())
}

func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
