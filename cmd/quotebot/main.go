// Command quotebot answers questions about documents by quoting them: from
// the command line (ask, eval), and in Slack, Discord and a browser (serve).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const mainUsage = `quotebot answers questions about documents by quoting them.

Usage:
  quotebot ask [--top N] [--json] [--corpus DIR] [--db PATH] QUESTION...
  quotebot ask --json [--top N] -      one question per line on stdin
  quotebot index [--strict] [--corpus DIR] [--db PATH]
  quotebot eval [--corpus DIR] FILE.jsonl...
  quotebot serve [flags]

Run "quotebot COMMAND --help" for a command's flags and environment variables.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run dispatches a command line and returns the process exit status: 0 on
// success or --help, 2 for bad usage, 1 for other errors.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return 2
	}
	var err error
	switch args[0] {
	case "ask":
		err = runAsk(ctx, args[1:], stdin, stdout, stderr, getenv)
	case "index":
		err = runIndex(ctx, args[1:], stdout, stderr, getenv)
	case "eval":
		err = runEval(ctx, args[1:], stdout, stderr, getenv)
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr, getenv)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, mainUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "quotebot: unknown command %q (run quotebot --help)\n", args[0])
		return 2
	}
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "quotebot %s: %s\n", args[0], ue.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "quotebot %s: %s\n", args[0], err)
		return 1
	}
}
