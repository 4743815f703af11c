package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/retrieval"
)

const askUsage = `Usage:
  quotebot ask [--top N] [--json] [--corpus DIR] [--db PATH] QUESTION...
  quotebot ask --json [--top N] -      one question per line on stdin, one JSON object per line on stdout

Answers a question by quoting the passages of the documents that answer it,
with title, date and paragraph, or says the documents do not cover it.
The words of QUESTION are joined into one question.

Flags:
`

func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := engineFlags(fs, getenv)
	top := fs.Int("top", retrieval.DefaultTop, "quote at most `N` passages")
	asJSON := fs.Bool("json", false, "print the answer as JSON (the contract's shape)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), askUsage); fs.PrintDefaults() }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *top < 1 || *top > maxTop {
		return usageError{fmt.Sprintf("--top must be between 1 and %d", maxTop)}
	}
	fromStdin := fs.NArg() == 1 && fs.Arg(0) == "-"
	if fromStdin && !*asJSON {
		return usageError{"reading questions from stdin (-) needs --json"}
	}
	question := joinQuestion(fs.Args())
	if !fromStdin && question == "" {
		return usageError{`ask needs a question, e.g. quotebot ask "what did they say about fisheries?"`}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	eng, err := openEngine(ctx, *cfg)
	if err != nil {
		return err
	}
	noteBuild(stderr, "ask", cfg.DB, eng.Stats())
	if fromStdin {
		return askLines(ctx, eng, *top, stdin, stdout)
	}
	ans, err := eng.Answer(ctx, question, *top)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(ans)
	}
	printAnswer(stdout, ans, boldStyle(stdout, getenv))
	return nil
}

// askLines answers one question per non-blank line of r, writing one JSON
// object per line to w, in order.
func askLines(ctx context.Context, eng *retrieval.Engine, top int, r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	enc := json.NewEncoder(w)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		ans, err := eng.Answer(ctx, q, top)
		if err != nil {
			return err
		}
		if err := enc.Encode(ans); err != nil {
			return fmt.Errorf("write answer: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

// style marks bold text in terminal output.
type style struct{ on, off string }

// boldStyle is ANSI bold on a terminal (unless NO_COLOR is set) and
// **Markdown** markers elsewhere.
func boldStyle(w io.Writer, getenv func(string) string) style {
	if f, ok := w.(*os.File); ok && getenv("NO_COLOR") == "" {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return style{"\x1b[1m", "\x1b[0m"}
		}
	}
	return style{"**", "**"}
}

// lineWidth is where printAnswer wraps quoted text.
const lineWidth = 78

// printAnswer writes an answer for people: each passage quoted and wrapped
// behind "│ ", the highlight in bold, then its citation; or the "not
// covered" reply with the topics the documents cover.
func printAnswer(w io.Writer, a bot.Answer, st style) {
	if !a.Found {
		fmt.Fprintln(w, bot.NotCovered(a.Topics))
		return
	}
	for i, h := range a.Passages {
		if i > 0 {
			fmt.Fprintln(w)
		}
		writeWrapped(w, bot.Segments(h), st, "  │ ", lineWidth)
		fmt.Fprintf(w, "  — %s\n", bot.Citation(h))
	}
}

// writeWrapped writes segments as words wrapped at width, each line behind
// prefix, with bold words between st's markers.
func writeWrapped(w io.Writer, segs []bot.Segment, st style, prefix string, width int) {
	type word struct {
		text string
		bold bool
	}
	var words []word
	for _, s := range segs {
		for _, f := range strings.Fields(s.Text) {
			words = append(words, word{f, s.Bold})
		}
	}
	var line strings.Builder
	col := 0
	room := width - len([]rune(prefix))
	for i, wd := range words {
		n := len([]rune(wd.text))
		if col > 0 && col+1+n > room {
			fmt.Fprintln(w, prefix+line.String())
			line.Reset()
			col = 0
		}
		startOfLine := col == 0
		if !startOfLine {
			line.WriteByte(' ')
			col++
		}
		// Open bold at the first bold word of a run or of a line; close it
		// at the last bold word of a run or before a line break.
		prevBold := i > 0 && words[i-1].bold && !startOfLine
		nextBold := i+1 < len(words) && words[i+1].bold
		if wd.bold && !prevBold {
			line.WriteString(st.on)
		}
		line.WriteString(wd.text)
		col += n
		nextFits := i+1 < len(words) && col+1+len([]rune(words[i+1].text)) <= room
		if wd.bold && (!nextBold || !nextFits) {
			line.WriteString(st.off)
		}
	}
	if col > 0 {
		fmt.Fprintln(w, prefix+line.String())
	}
}
