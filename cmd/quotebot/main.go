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
	"time"
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
  quotebot healthcheck [--addr ADDRESS]   exit 0 when serve is ready

Run "quotebot COMMAND --help" for a command's flags and environment variables.
`

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan int, 1)
	go func() { done <- run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv) }()
	os.Exit(awaitExit(os.Args[1:], done, sigs, cancel, os.Stderr))
}

// stopGrace is how long a command other than serve has, after SIGINT or
// SIGTERM, to stop on its own before quotebot exits without it: work that
// cannot be interrupted (parsing a large document, reading stdin) must not
// keep the process alive. Exiting then is as safe as being killed: a new
// index is swapped in by renames, and a build cut short leaves the old one.
// Measured on a 200 MB document, the process is gone 0.3 to 0.5 s after the
// signal (freeing a large heap takes the rest), within the promised second.
const stopGrace = 250 * time.Millisecond

// interrupted is the cause of a command's context when a signal stopped it.
type interrupted struct{ sig os.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.sig.String() }

// status is the exit status of a command stopped by the signal: 128 plus
// its number, 130 for SIGINT and 143 for SIGTERM.
func (i interrupted) status() int {
	if s, ok := i.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}

// awaitExit returns the exit status of the command of args, which run is
// computing and sends on done. The first signal on sigs cancels the
// command's context with an interrupted cause: serve then shuts down
// gracefully (and exits 0), any other command returns its status within
// stopGrace or is given up on with "interrupted" and 128+signal. A second
// signal gives up on any command at once.
func awaitExit(args []string, done <-chan int, sigs <-chan os.Signal, cancel context.CancelCauseFunc, stderr io.Writer) int {
	var sig os.Signal
	select {
	case code := <-done:
		return code
	case sig = <-sigs:
	}
	cancel(interrupted{sig})
	command := "quotebot"
	if len(args) > 0 {
		command += " " + args[0]
	}
	var giveUp <-chan time.Time
	if command != "quotebot serve" {
		giveUp = time.After(stopGrace)
	}
	select {
	case code := <-done:
		return code
	case <-giveUp:
	case sig = <-sigs:
	}
	fmt.Fprintf(stderr, "%s: interrupted\n", command)
	return interrupted{sig}.status()
}

// run dispatches a command line and returns the process exit status: 0 on
// success or --help, 2 for bad usage, 1 for other errors, and 128 plus the
// signal's number for a command other than serve that a signal stopped (its
// context ended with an interrupted cause).
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
	case "calibrate":
		err = runCalibrate(ctx, args[1:], stdout, stderr, getenv)
	case "eval":
		err = runEval(ctx, args[1:], stdout, stderr, getenv)
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr, getenv)
	case "healthcheck":
		err = runHealthcheck(ctx, args[1:], stdout, stderr, getenv)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, mainUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "quotebot: unknown command %q (run quotebot --help)\n", args[0])
		return 2
	}
	var ue usageError
	intr, stopped := context.Cause(ctx).(interrupted)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case stopped && args[0] != "serve":
		fmt.Fprintf(stderr, "quotebot %s: interrupted\n", args[0])
		return intr.status()
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "quotebot %s: %s\n", args[0], ue.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "quotebot %s: %s\n", args[0], err)
		return 1
	}
}
