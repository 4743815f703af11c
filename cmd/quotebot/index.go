package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

const indexUsage = `Usage: quotebot index [--strict] [--quiet] [--corpus DIR] [--db PATH]

Builds the persistent index of the documents (or checks it is up to date
and whole). ask, eval and serve load it and rebuild it when the documents
or the embedder changed. --db must be a new or empty folder or an index
quotebot wrote; anything else is refused and left as it is. Files that
cannot be read (an unsupported format such as .pdf or .docx, not UTF-8,
over 50 MiB, empty, unreadable) are skipped and listed on stderr as "path:
reason"; the others are indexed. With --strict, any skipped file is an
error (exit status 1) and nothing is indexed. While it builds, it shows
its progress on stderr: one updating line on a terminal, a line every 5
seconds otherwise; --quiet shows none.

Flags:
`

func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg := engineFlags(fs, getenv)
	strict := fs.Bool("strict", false, "fail (exit status 1, nothing indexed) when any document file cannot be read")
	quiet := fs.Bool("quiet", false, "show no progress while indexing")
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
	progress := newProgressPrinter(stderr, *quiet)
	cfg.progress = progress.callback()
	st, embedder, err := buildIndex(ctx, *cfg)
	progress.finish()
	if err != nil {
		return err
	}
	if st.Loaded {
		fmt.Fprintf(stdout, "index of %d passages in %s is up to date (%s)\n", st.Passages, cfg.DB, embedder)
		return nil
	}
	fmt.Fprintf(stdout, "indexed %d passages with %s in %s (%d embedded, %d reused): %s\n", st.Passages, embedder, cfg.DB, st.Embedded, st.Reused, st.Reason)
	return nil
}
