//go:build ignore

// Command gen writes a synthetic corpus of N passages for timing quotebot
// (see internal/synth): documents of 500 paragraphs, one per line. It is
// deterministic: the same N gives the same files. Run it from the
// repository root:
//
//	go run testdata/bench/gen.go -n 10000 -out /tmp/corpus-10k
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/quotebot/quotebot/internal/synth"
)

func main() {
	n := flag.Int("n", 10000, "number of passages")
	out := flag.String("out", "", "folder to write (created; must not exist)")
	flag.Parse()
	if *out == "" || *n <= 0 {
		fmt.Fprintln(os.Stderr, "usage: go run testdata/bench/gen.go -n N -out DIR")
		os.Exit(2)
	}
	vocab, err := synth.Vocabulary(".")
	if err == nil {
		err = synth.WriteCorpus(*out, *n, vocab)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
