package main

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/corpus"
)

// How each command reports the files of the corpus it could not read
// (corpus.Scan skips them and answers from the rest):
//   - ask and eval print one warning line on stderr naming how many;
//   - index prints each on stderr as "path: reason", and with --strict
//     stops before building the index;
//   - serve logs each, lists them in /readyz's body and counts them in the
//     quotebot_documents_skipped and quotebot_documents_loaded gauges.

// warnSkipped is the onLoad of ask and eval: one line on w when files were
// skipped and some documents were read (when none were, the error says why).
func warnSkipped(w io.Writer, command string) func(scanned) error {
	return func(res scanned) error {
		if n := len(res.skipped); n > 0 && res.documents > 0 {
			fmt.Fprintf(w, "quotebot %s: warning: %d %s could not be read and %s skipped (quotebot index lists them)\n",
				command, n, plural(n, "file", "files"), plural(n, "was", "were"))
		}
		return nil
	}
}

// listSkipped is the onLoad of index: each skipped file on w as
// "path: reason", its path joined to the corpus folder dir; with strict, an
// error when any was skipped, so no index is built from part of the
// documents.
func listSkipped(w io.Writer, dir string, strict bool) func(scanned) error {
	return func(res scanned) error {
		for _, s := range res.skipped {
			if dir != "" {
				s.Path = filepath.Join(dir, filepath.FromSlash(s.Path))
			}
			fmt.Fprintln(w, s)
		}
		if n := len(res.skipped); strict && n > 0 {
			return fmt.Errorf("%d %s could not be read (--strict); nothing was indexed", n, plural(n, "file", "files"))
		}
		return nil
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// corpusReport is what serve says about the documents it loaded: the files
// it skipped, for /readyz and the log, and two gauges.
type corpusReport struct {
	mu      sync.Mutex
	skipped []corpus.Skipped

	loadedGauge, skippedGauge prometheus.Gauge
}

func newCorpusReport(reg prometheus.Registerer) *corpusReport {
	r := &corpusReport{
		loadedGauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "quotebot_documents_loaded",
			Help: "Documents of the corpus that were read and are answered from.",
		}),
		skippedGauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "quotebot_documents_skipped",
			Help: "Document files of the corpus that could not be read (unsupported format, not UTF-8, too large, empty, unreadable); /readyz and the log name them.",
		}),
	}
	reg.MustRegister(r.loadedGauge, r.skippedGauge)
	return r
}

// record is serve's onLoad: it logs each skipped file and keeps the list
// and the counts.
func (r *corpusReport) record(logger *slog.Logger) func(scanned) error {
	return func(res scanned) error {
		for _, s := range res.skipped {
			logger.Warn("document skipped", "path", s.Path, "reason", s.Err.Error())
		}
		logger.Info("documents read", "loaded", res.documents, "skipped", len(res.skipped))
		r.mu.Lock()
		defer r.mu.Unlock()
		r.skipped = res.skipped
		r.loadedGauge.Set(float64(res.documents))
		r.skippedGauge.Set(float64(len(res.skipped)))
		return nil
	}
}

// writeSkipped writes one line per skipped file, "skipped path: reason".
// The paths are relative to the corpus folder.
func (r *corpusReport) writeSkipped(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.skipped {
		fmt.Fprintf(w, "skipped %s\n", s)
	}
}
