package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/quotebot/quotebot/feedback"
	"github.com/quotebot/quotebot/retrieval"
)

const gapsUsage = `Usage: quotebot gaps [--json] [--forget] [--db PATH] [--data DIR]

Lists what people asked that the documents did not answer well: questions
answered "not covered" or with the closest passage, and answers voted 👎, in
Slack, Discord, the page and the API of quotebot serve. Questions are
grouped by their main terms (their content words in base form), most asked
first, each group with its counts and up to 3 example questions.

Replies and votes are kept in the feedback database beside the index
(--data, default: the folder holding --db) for QUOTEBOT_KEEP_DAYS days
(default 90); with QUOTEBOT_KEEP_QUESTIONS=off no question text is kept, and
only the counts are reported. --forget erases every question text kept,
leaving the counts.

Environment: QUOTEBOT_DB, QUOTEBOT_DATA, QUOTEBOT_KEEP_QUESTIONS, QUOTEBOT_KEEP_DAYS.

Flags:
`

func runGaps(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("gaps", flag.ContinueOnError)
	fs.SetOutput(stdout)
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	forget := fs.Bool("forget", false, "erase every question text kept, and say how many")
	db := fs.String("db", envOr(getenv, "QUOTEBOT_DB", defaultDBPath()), "`folder` of the persistent index; the feedback database is beside it [QUOTEBOT_DB]")
	data := dataFlag(fs, getenv)
	fs.Usage = func() { fmt.Fprint(fs.Output(), gapsUsage); fs.PrintDefaults() }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"gaps takes no arguments"}
	}
	cfg, err := loadFeedbackConfig(getenv, *data)
	if err != nil {
		return err
	}
	rep := gapsReport{KeepQuestions: cfg.KeepQuestions, KeepDays: cfg.KeepDays, Report: feedback.Report{Groups: []feedback.Group{}}}
	// A database that does not exist yet holds nothing: report that
	// without making one.
	if _, err := os.Stat(cfg.path(*db)); errors.Is(err, os.ErrNotExist) {
		if *forget {
			fmt.Fprintln(stdout, "No questions are kept.")
			return nil
		}
		return printGaps(stdout, rep, *asJSON)
	}
	store, _, _, err := openFeedbackStore(ctx, cfg, *db, feedback.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	if *forget {
		n, err := store.Forget(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Erased the text of %d stored questions; the counts stay.\n", n)
		return nil
	}
	if rep.Report, err = store.Gaps(ctx, retrieval.ContentTerms); err != nil {
		return err
	}
	return printGaps(stdout, rep, *asJSON)
}

// printGaps writes the report as JSON or as text.
func printGaps(w io.Writer, rep gapsReport, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(rep)
	}
	fmt.Fprintln(w, gapsSummary(rep))
	for _, g := range rep.Groups {
		fmt.Fprintf(w, "\n%4d  %s — %s\n", g.Questions, groupTerms(g), groupCounts(g.Counts))
		for _, q := range g.Examples {
			fmt.Fprintf(w, "      “%s”\n", q)
		}
	}
	return nil
}

// gapsSummary is the report's first line: what it counts, over how long.
func gapsSummary(rep gapsReport) string {
	t := rep.Totals
	if t.Questions == 0 {
		return fmt.Sprintf("No questions in the last %d days that the documents did not answer well.", rep.KeepDays)
	}
	noun := "questions"
	if t.Questions == 1 {
		noun = "question"
	}
	s := fmt.Sprintf("%d %s in the last %d days that the documents did not answer well (%s).",
		t.Questions, noun, rep.KeepDays, groupCounts(t.Counts))
	if t.WithoutText > 0 {
		s += fmt.Sprintf(" %d of them are counted without their text", t.WithoutText)
		if !rep.KeepQuestions {
			s += " (QUOTEBOT_KEEP_QUESTIONS is off)"
		} else {
			s += " (it was not kept, or was erased)"
		}
		s += "."
	}
	return s
}

// groupCounts says what a set of questions got: "2 not covered, 1 closest
// passage, 3 👎".
func groupCounts(c feedback.Counts) string {
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{c.NotCovered, "not covered"}, {c.Closest, "closest passage"}, {c.DownVotes, "👎"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	return strings.Join(parts, ", ")
}

// groupTerms names a group by its terms.
func groupTerms(g feedback.Group) string {
	if len(g.Terms) == 0 {
		return "(no content words)"
	}
	return strings.Join(g.Terms, ", ")
}
