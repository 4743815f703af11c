// Command gen writes the lexicon file embedded by package wordnet. It is run
// by go generate in retrieval/wordnet:
//
//	go run ./internal/gen -src /usr/share/wordnet -out wordnet.bin
//
// The -src directory is a WordNet 3.0 database such as Debian's
// wordnet-base installs. The output is written to a temporary file and
// renamed, so a failed run leaves the previous file in place.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quotebot/quotebot/retrieval/wordnet/internal/build"
)

func main() {
	src := flag.String("src", "/usr/share/wordnet", "WordNet 3.0 database `directory`")
	out := flag.String("out", "wordnet.bin", "output `file`")
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	f, err := os.CreateTemp(filepath.Dir(out), ".wordnet-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := build.Build(src, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), out)
}
