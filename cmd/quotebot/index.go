package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

const indexUsage = `Usage: quotebot index [--strict] [--corpus DIR] [--db PATH]

Builds the persistent index of the documents (or checks it is up to date).
ask, eval and serve load it and rebuild it when the documents or the
embedder changed. Files that cannot be read (an unsupported format such as
.pdf or .docx, not UTF-8, over 50 MiB, empty, unreadable) are skipped and
listed on stderr as "path: reason"; the others are indexed. With --strict,
any skipped file is an error (exit status 1) and nothing is indexed.

Flags:
`

func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg := engineFlags(fs, getenv)
	strict := fs.Bool("strict", false, "fail (exit status 1, nothing indexed) when any document file cannot be read")
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
	cfg.onLoad = listSkipped(stderr, cfg.Corpus, *strict)
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
