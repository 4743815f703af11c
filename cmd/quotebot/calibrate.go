package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/quotebot/quotebot/retrieval"
)

const calibrateUsage = `Usage: quotebot calibrate [--save] [--db PATH] [--corpus DIR] [--sets FILE] [FILE.jsonl...]

Fits the answer thresholds of the configured embedder (QUOTEBOT_EMBEDDER):
the share of a question a passage must cover to be quoted, the share the
best passage must cover to be offered as the closest one, and how far it
must stand out from the next. It asks every question of the evaluation sets
once, searches a grid for the thresholds that get the most replies right
(a wrong quote costs two right ones), and prints them with what each set
scores under thresholds fitted on the other sets only — what to expect on
documents nobody tuned for.

With --save, the thresholds are stored with the index in --db (built from
--corpus when there is none yet), for this embedder: ask, eval and serve
then decide with them whenever this embedder opens that index, whatever
documents it holds. A network
embedder's vectors are cached in --db, so calibrating again asks the API
for nothing it has already embedded.

The sets are the FILE.jsonl arguments, asked about --corpus, and the sets
listed in --sets: one "set.jsonl corpus-folder" pair a line ("-" for the
built-in statement; a third word is ignored), paths relative to the file.

Flags:
`

func runCalibrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg := engineFlags(fs, getenv)
	setsFile := fs.String("sets", "", "`file` listing evaluation sets and their corpus folders")
	save := fs.Bool("save", false, "store the thresholds with the index in --db, for this embedder")
	fs.Usage = func() { fmt.Fprint(fs.Output(), calibrateUsage); fs.PrintDefaults() }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	type setSpec struct{ file, corpus string }
	var specs []setSpec
	for _, f := range fs.Args() {
		specs = append(specs, setSpec{f, cfg.Corpus})
	}
	if *setsFile != "" {
		listed, err := readSetList(*setsFile)
		if err != nil {
			return err
		}
		for _, l := range listed {
			specs = append(specs, setSpec{l[0], l[1]})
		}
	}
	if len(specs) == 0 {
		return usageError{"calibrate needs evaluation sets: FILE.jsonl arguments or --sets"}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	var sets []retrieval.CalibrationSet
	for _, s := range specs {
		qs, err := readEvalFile(s.file)
		if err != nil {
			return err
		}
		c := *cfg
		c.Corpus, c.DB, c.cacheDir = s.corpus, "", cfg.DB
		eng, err := openEngine(ctx, c)
		if err != nil {
			return fmt.Errorf("%s: %w", s.file, err)
		}
		sets = append(sets, retrieval.CalibrationSet{Name: strings.TrimSuffix(filepath.Base(s.file), ".jsonl"), Engine: eng, Questions: qs})
	}
	th, held, err := retrieval.Calibrate(ctx, sets)
	if err != nil {
		return err
	}
	if len(held) > 0 {
		fmt.Fprintln(stdout, "held out (thresholds fitted on the other sets):")
		var pooled []retrieval.EvalResult
		for _, h := range held {
			fmt.Fprintf(stdout, "  %s: quote=%.2f closest=%.2f stand_out=%.2f  %s\n", h.Name, h.Thresholds.Quote, h.Thresholds.Closest, h.Thresholds.StandOut, retrieval.Score(h.Results))
			pooled = append(pooled, h.Results...)
		}
		fmt.Fprintf(stdout, "  pooled: %s\n", retrieval.Score(pooled))
	}
	id := sets[0].Engine.EmbedderID()
	fmt.Fprintf(stdout, "thresholds for %s: quote=%.2f closest=%.2f stand_out=%.2f\n", id, th.Quote, th.Closest, th.StandOut)
	if !*save {
		return nil
	}
	// The thresholds belong to the index the other commands open, --db,
	// whatever documents it holds; it is built from --corpus only when it
	// is not there yet.
	err = retrieval.SaveThresholds(ctx, cfg.DB, id, th)
	if errors.Is(err, retrieval.ErrNoIndex) {
		cfg.onLoad = warnSkipped(stderr, "calibrate")
		if _, _, err := buildIndex(ctx, *cfg); err != nil {
			return err
		}
		err = retrieval.SaveThresholds(ctx, cfg.DB, id, th)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saved with the index in %s\n", cfg.DB)
	return nil
}

// readEvalFile reads one JSON-lines evaluation set.
func readEvalFile(name string) ([]retrieval.EvalQuestion, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	qs, err := retrieval.ReadEvalSet(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return qs, nil
}

// readSetList reads "set.jsonl corpus" pairs, one a line, with paths
// relative to the list's folder; "-" is the built-in statement, blank lines
// and lines starting with # are skipped.
func readSetList(name string) ([][2]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	base := filepath.Dir(name)
	var out [][2]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) < 2 {
			return nil, fmt.Errorf("%s:%d: want \"set.jsonl corpus-folder\"", name, n)
		}
		corpus := ""
		if fields[1] != "-" {
			corpus = filepath.Join(base, fields[1])
		}
		out = append(out, [2]string{filepath.Join(base, fields[0]), corpus})
	}
	return out, sc.Err()
}
