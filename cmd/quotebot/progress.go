package main

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/quotebot/quotebot/retrieval"
)

// progressLogEvery is how often building an index writes a progress line
// when stderr is no terminal (a log file, a CI job) and serve logs one:
// often enough to show that a long build is alive, seldom enough not to
// flood the log; a build shorter than that writes nothing.
const progressLogEvery = 5 * time.Second

// progressPrinter shows how far building the index has come
// (retrieval.Progress). On a terminal it draws one line that it rewrites in
// place ("\r") with the passages done, the total, the rate and the time
// left, and erases when the build ends; elsewhere it writes such a line
// every progressLogEvery of the build, and one when a stage it wrote about
// ends; with a logger it logs those lines instead. A nil printer shows nothing (--quiet).
type progressPrinter struct {
	w        io.Writer
	log      *slog.Logger
	terminal bool
	now      func() time.Time
	every    time.Duration

	mu       sync.Mutex
	stage    string
	start    time.Time // when the stage started
	lastLine time.Time // when the last line was written, or the build started
	wrote    bool      // a line was written for the stage
	drawn    bool      // a terminal line is on screen
}

// newProgressPrinter shows progress on w, a terminal or not; nil when
// quiet.
func newProgressPrinter(w io.Writer, quiet bool) *progressPrinter {
	if quiet {
		return nil
	}
	return &progressPrinter{w: w, terminal: isTerminal(w), now: time.Now, every: progressLogEvery}
}

// newProgressLogger logs progress at level Info, every progressLogEvery.
func newProgressLogger(log *slog.Logger) *progressPrinter {
	return &progressPrinter{log: log, now: time.Now, every: progressLogEvery}
}

// callback is the retrieval.Config.Progress that feeds p; nil for a nil p.
func (p *progressPrinter) callback() func(retrieval.Progress) {
	if p == nil {
		return nil
	}
	return p.update
}

// update shows pr.
func (p *progressPrinter) update(pr retrieval.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if pr.Stage != p.stage {
		p.stage, p.start, p.wrote = pr.Stage, now, false
	}
	if p.lastLine.IsZero() {
		p.lastLine = now
	}
	elapsed := now.Sub(p.start)
	switch {
	case p.terminal:
		fmt.Fprintf(p.w, "\r%s\x1b[K", progressLine(pr, elapsed))
		p.drawn = true
	case pr.Done == pr.Total && p.wrote:
		p.line(pr, elapsed, now)
	case pr.Done < pr.Total && now.Sub(p.lastLine) >= p.every:
		p.line(pr, elapsed, now)
	}
}

// line writes or logs one line about pr.
func (p *progressPrinter) line(pr retrieval.Progress, elapsed time.Duration, now time.Time) {
	p.lastLine, p.wrote = now, true
	if p.log != nil {
		rate, left := progressRate(pr, elapsed)
		p.log.Info("building the index", "stage", pr.Stage, "done", pr.Done, "total", pr.Total,
			"per_second", int(rate), "left", left.String())
		return
	}
	fmt.Fprintln(p.w, progressLine(pr, elapsed))
}

// finish erases the terminal line, if one is drawn, so that what the
// command prints next starts on a clean line. Call it once the build has
// ended, whether or not it succeeded.
func (p *progressPrinter) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// progressVerbs name the stages for people.
var progressVerbs = map[string]string{retrieval.StageAnalyze: "analyzing", retrieval.StageEmbed: "embedding"}

// progressLine says how far pr has come, elapsed into its stage: "embedding
// 1,200/10,000 passages · 850/s · 10s left", or "embedded 10,000 passages
// in 12s" at its end.
func progressLine(pr retrieval.Progress, elapsed time.Duration) string {
	verb := progressVerbs[pr.Stage]
	if verb == "" {
		verb = pr.Stage
	}
	if pr.Done >= pr.Total {
		return fmt.Sprintf("%s %s passages in %s", verb, thousands(pr.Total), elapsed.Round(100*time.Millisecond))
	}
	s := fmt.Sprintf("%s %s/%s passages", verb, thousands(pr.Done), thousands(pr.Total))
	if rate, left := progressRate(pr, elapsed); rate > 0 {
		s += fmt.Sprintf(" · %s/s · %s left", thousands(int(rate+0.5)), left)
	}
	return s
}

// progressRate is pr's passages per second so far and the time left at
// that rate, to the second; 0 before the first passage is done.
func progressRate(pr retrieval.Progress, elapsed time.Duration) (float64, time.Duration) {
	if pr.Done <= 0 || elapsed <= 0 {
		return 0, 0
	}
	rate := float64(pr.Done) / elapsed.Seconds()
	left := time.Duration(float64(pr.Total-pr.Done) / rate * float64(time.Second))
	return rate, left.Round(time.Second)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
