// Command gen trains the word vectors embedded by package wordvec and
// writes them to a file. It is run by go generate in retrieval/wordvec:
//
//	go run ./internal/gen -out vectors.bin
//
// It reads Debian's wordnet-base (/usr/share/wordnet), dict-gcide
// (/usr/share/dictd) and, if build.DefaultConfig turns the thesaurus on,
// libaiksaurus-1.2-data (/usr/share/aiksaurus), and, if it turns Ding on,
// dict-freedict-eng-deu (/usr/share/dictd), unless -wordnet, -gcide,
// -aiksaurus and -ding say otherwise, and logs its progress on stderr. The
// output is written to a temporary file beside it and renamed, so a failed
// run leaves the previous file in place.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quotebot/quotebot/retrieval/wordvec/internal/build"
)

func main() {
	src := build.DebianSources
	flag.StringVar(&src.WordNet, "wordnet", src.WordNet, "WordNet 3.0 database `directory`")
	flag.StringVar(&src.GCIDE, "gcide", src.GCIDE, "`directory` of gcide.index and gcide.dict.dz")
	flag.StringVar(&src.Ding, "ding", src.Ding, "`directory` of freedict-eng-deu.index and freedict-eng-deu.dict.dz (read if the build's configuration uses Ding)")
	flag.StringVar(&src.Aiksaurus, "aiksaurus", src.Aiksaurus, "`directory` of Aiksaurus's words.dat and meanings.dat (read if the build's configuration uses the thesaurus)")
	out := flag.String("out", "vectors.bin", "output `file`")
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src build.Sources, out string) error {
	f, err := os.CreateTemp(filepath.Dir(out), ".vectors-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // removes only the temporary file, and fails harmlessly once it is renamed
	st, err := build.Build(src, build.DefaultConfig, f, os.Stderr)
	if err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d words × %d dimensions, %d bytes; trained in %v\n",
		out, st.Words, build.DefaultConfig.Train.Dim, st.Bytes, st.Train.Round(1e9))
	return nil
}
