package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/quotebot/quotebot/retrieval"
)

const evalUsage = `Usage: quotebot eval [--corpus DIR] [--db PATH] [-v] FILE.jsonl...

Asks every question of the evaluation sets ({"q": "…", "expect": ["…"]} per
line) and prints, per file and then for all files together on the last line:
recall@1, recall@3 and MRR of quoted answers; first (the first passage shown,
quoted or closest, is right); shown (a right passage is among the 3 quoted or
2 closest); confwrong (share of all questions answered with a wrong quote);
and noanswer (share of unanswerable questions given no quote and no closest
passage).

Flags:
`

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg := engineFlags(fs, getenv)
	verbose := fs.Bool("v", false, "print the thresholds in force and where they came from, the tuning constants, and every question that was answered wrongly")
	fs.Usage = func() { fmt.Fprint(fs.Output(), evalUsage); fs.PrintDefaults() }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"eval needs at least one FILE.jsonl"}
	}
	var sets [][]retrieval.EvalQuestion
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		set, err := retrieval.ReadEvalSet(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		sets = append(sets, set)
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg.onLoad = warnSkipped(stderr, "eval")
	cfg.onFallback = warnFallback(stderr, "eval")
	eng, err := openEngine(ctx, *cfg)
	if err != nil {
		return err
	}
	if *verbose {
		fmt.Fprintln(stdout, thresholdsInForce(eng, cfg.DB))
		fmt.Fprintln(stdout, "tuning constants (retrieval/tuning.go):")
		for _, tv := range retrieval.Tuning() {
			fmt.Fprintf(stdout, "  %-9s %-18s %s\n", tv.Stage, tv.Name, tv.Value)
		}
	}
	var all []retrieval.EvalResult
	for i, set := range sets {
		res, m, err := retrieval.Evaluate(ctx, eng.Answer, set)
		if err != nil {
			return err
		}
		if len(sets) > 1 {
			fmt.Fprintf(stdout, "%s: %s\n", fs.Arg(i), m)
		}
		if *verbose {
			for _, r := range res {
				if !r.Correct() {
					printMiss(stdout, r)
				}
			}
		}
		all = append(all, res...)
	}
	m := retrieval.Score(all)
	fmt.Fprintf(stdout, "questions: %d (%d answerable)\n", m.N, m.Answerable)
	fmt.Fprintf(stdout, "recall@1: %.3f\nrecall@3: %.3f\nmrr: %.3f\nfirst right: %.3f\nright among shown: %.3f\nconfident-wrong: %.3f\nno-answer accuracy: %.3f\n",
		m.Recall1, m.Recall3, m.MRR, m.First, m.Shown, m.ConfWrong, m.NoAnswer)
	fmt.Fprintln(stdout, m)
	return nil
}

func printMiss(w io.Writer, r retrieval.EvalResult) {
	switch {
	case !r.Answerable() && r.Answer.Found:
		fmt.Fprintf(w, "  MISS (should be not found) %q → ¶%d\n", r.Question.Q, r.Answer.Passages[0].Paragraph)
	case !r.Answerable():
		fmt.Fprintf(w, "  MISS (should be not found, closest given) %q → ¶%d\n", r.Question.Q, r.Answer.Closest[0].Paragraph)
	case !r.Answer.Found && len(r.Answer.Closest) > 0:
		fmt.Fprintf(w, "  MISS (closest ¶%d) %q want %q\n", r.Answer.Closest[0].Paragraph, r.Question.Q, r.Question.Expect)
	case !r.Answer.Found:
		fmt.Fprintf(w, "  MISS (not found) %q want %q\n", r.Question.Q, r.Question.Expect)
	default:
		got := ""
		for _, p := range r.Answer.Passages {
			got += fmt.Sprintf(" ¶%d", p.Paragraph)
		}
		fmt.Fprintf(w, "  MISS (rank %d, got%s) %q want %q\n", r.Rank, got, r.Question.Q, r.Question.Expect)
	}
}
