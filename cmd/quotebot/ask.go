package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/retrieval"
)

const askUsage = `Usage:
  quotebot ask [--top N] [--json] [--quiet] [--corpus DIR] [--db PATH] QUESTION...
  quotebot ask --json [--top N] -      one question per line on stdin, one JSON object per line on stdout

Answers a question by quoting the passages of the documents that answer it,
with title, date and paragraph, or says the documents do not cover it.
The words of QUESTION are joined into one question, of at most 1,000
characters. With -, a line that is no such question gets
{"line": N, "error": "…"} in its place, and the others are still answered.
When the index must be built first, its progress is shown on stderr (see
quotebot index --help) unless --quiet.

Flags:
`

func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg := engineFlags(fs, getenv)
	top := fs.Int("top", bot.DefaultTop, "quote at most `N` passages")
	asJSON := fs.Bool("json", false, "print the answer as JSON (the contract's shape)")
	quiet := fs.Bool("quiet", false, "show no progress when the index must be built first")
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
	if err := retrieval.CheckQuestion(question); !fromStdin && err != nil {
		return usageError{err.Error()}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg.onLoad = warnSkipped(stderr, "ask")
	progress := newProgressPrinter(stderr, *quiet)
	cfg.progress = progress.callback()
	cfg.onFallback = warnFallback(stderr, "ask")
	eng, err := openEngine(ctx, *cfg)
	progress.finish()
	if err != nil {
		return err
	}
	resp, err := bot.NewResponder(bot.ResponderConfig{Answerer: eng})
	if err != nil {
		return err
	}
	if fromStdin {
		err = askLines(ctx, resp, *top, stdin, stdout)
	} else {
		err = askOne(ctx, resp, question, *top, *asJSON, stdout, getenv)
	}
	// After the answers, and only when there were some.
	if hint := calibrateHint(eng); err == nil && hint != "" {
		fmt.Fprintf(stderr, "quotebot ask: note: %s\n", hint)
	}
	return err
}

// askOne answers one question on w, as JSON or as text.
func askOne(ctx context.Context, resp *bot.Responder, question string, top int, asJSON bool, w io.Writer, getenv func(string) string) error {
	reply := resp.Respond(ctx, bot.Request{Question: question, Platform: bot.PlatformCLI, Top: top, Usage: "quotebot ask"})
	if err := replyError(reply); err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(w).Encode(reply.Answer)
	}
	printReply(w, reply, boldStyle(w, getenv))
	return nil
}

// replyError is the error of a reply that answers nothing on the command
// line: a question that is too long is a usage error, a failure is the
// engine's error (an interrupted context's, after Ctrl-C).
func replyError(r bot.Reply) error {
	switch r.Kind {
	case bot.KindTooLong:
		return usageError{r.Err.Error()}
	case bot.KindError, bot.KindBusy, bot.KindRateLimited:
		if r.Err != nil {
			return r.Err
		}
		return errors.New(r.Text(nil))
	}
	return nil
}

// maxInputLine caps one line of `ask --json -`, in bytes: room for a
// question of retrieval.MaxQuestionLen characters of up to four bytes each,
// and white space around it, many times over. A longer line is skipped
// without being kept in memory.
const maxInputLine = 64 << 10

// lineError is what `ask --json -` prints in place of an answer for an
// input line that holds no question it can answer (one longer than
// retrieval.MaxQuestionLen, or a line longer than maxInputLine): the line's
// number, counting every line from 1, and why.
type lineError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// askLines answers one question per non-blank line of r, writing one JSON
// object per line to w, in order: the answer, or a lineError for a line
// that is too long. It stops with ctx's error when ctx ends.
func askLines(ctx context.Context, resp *bot.Responder, top int, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 64<<10)
	enc := json.NewEncoder(w)
	for n := 1; ; n++ {
		line, over, readErr := readLine(br, maxInputLine)
		if readErr != nil && readErr != io.EOF {
			return fmt.Errorf("read questions, line %d: %w", n, readErr)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var out any
		q := strings.TrimSpace(line)
		switch {
		case over:
			out = lineError{n, fmt.Sprintf("the line is longer than %d bytes; %v", maxInputLine, retrieval.ErrQuestionTooLong)}
		case q == "":
		default:
			reply := resp.Respond(ctx, bot.Request{Question: q, Platform: bot.PlatformCLI, Top: top, ID: fmt.Sprintf("line %d", n)})
			if reply.Kind == bot.KindTooLong {
				out = lineError{n, reply.Err.Error()}
				break
			}
			if err := replyError(reply); err != nil {
				return err
			}
			out = reply.Answer
		}
		if out != nil {
			if err := enc.Encode(out); err != nil {
				return fmt.Errorf("write answer: %w", err)
			}
		}
		if readErr == io.EOF {
			return nil
		}
	}
}

// readLine reads one line from br without its end of line, keeping at most
// max bytes of it: over reports a longer line, whose text is then dropped.
// err is io.EOF after the last line.
func readLine(br *bufio.Reader, max int) (line string, over bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !over {
			if len(buf)+len(bytes.TrimRight(chunk, "\r\n")) > max {
				over, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return strings.TrimRight(string(buf), "\r\n"), over, err
	}
}

// style marks bold text in terminal output.
type style struct{ on, off string }

// boldStyle is ANSI bold on a terminal (unless NO_COLOR is set) and
// **Markdown** markers elsewhere.
func boldStyle(w io.Writer, getenv func(string) string) style {
	if getenv("NO_COLOR") == "" && isTerminal(w) {
		return style{"\x1b[1m", "\x1b[0m"}
	}
	return style{"**", "**"}
}

// lineWidth is where printAnswer wraps quoted text.
const lineWidth = 78

// printReply writes a reply for people: each passage quoted and wrapped
// behind "│ ", the highlight in bold, then its citation; closest passages
// the same way after the line that says they are the closest; or the reply's
// text ("not covered" with the topics the documents cover, help).
func printReply(w io.Writer, r bot.Reply, st style) {
	if text := r.Text(nil); text != "" {
		fmt.Fprintln(w, text)
	}
	for i, h := range r.Hits() {
		if i > 0 || r.Kind == bot.KindClosest {
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
