package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

const indexUsage = `Usage: quotebot index [--corpus DIR] [--db PATH]

Builds the persistent index of the documents (or checks it is up to date).
ask, eval and serve load it and rebuild it when the documents or the
embedder changed.

Flags:
`

func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := engineFlags(fs, getenv)
	fs.Usage = func() { fmt.Fprint(fs.Output(), indexUsage); fs.PrintDefaults() }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"index takes no arguments"}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	eng, err := openEngine(ctx, *cfg)
	if err != nil {
		return err
	}
	st := eng.Stats()
	if st.Loaded {
		fmt.Fprintf(stdout, "index of %d passages in %s is up to date (%s)\n", eng.Len(), cfg.DB, eng.EmbedderID())
		return nil
	}
	fmt.Fprintf(stdout, "indexed %d passages with %s in %s (%d embedded, %d reused)\n", eng.Len(), eng.EmbedderID(), cfg.DB, st.Embedded, st.Reused)
	return nil
}
