package retrieval

import "time"

// Progress says how far building an index has come, for Config.Progress.
type Progress struct {
	// Stage is StageAnalyze, then StageEmbed.
	Stage string
	// Done counts the passages of the stage finished so far, from 0 to
	// Total; Total is the number the stage has to do (passages whose
	// analysis or vector the previous index already had are not counted).
	Done, Total int
}

// Stages of a build, in order.
const (
	// StageAnalyze finds each new passage's terms and topic candidates.
	StageAnalyze = "analyze"
	// StageEmbed asks the embedder for each new passage's vector.
	StageEmbed = "embed"
)

// progressInterval is how often a build reports progress at most: ten
// times a second updates a terminal line smoothly and costs nothing next
// to analyzing or embedding a passage.
const progressInterval = 100 * time.Millisecond

// progressReporter hands one stage's progress to Config.Progress, always
// from the same goroutine and holding no lock: Done 0 first, then at most
// every progressInterval, never going down, and Done = Total when the stage
// ends. A nil reporter (no callback, or nothing to do) reports nothing.
type progressReporter struct {
	f     func(Progress)
	stage string
	total int
	done  int
	last  time.Time
}

func newProgressReporter(f func(Progress), stage string, total int) *progressReporter {
	if f == nil || total <= 0 {
		return nil
	}
	r := &progressReporter{f: f, stage: stage, total: total, last: time.Now()}
	f(Progress{Stage: stage, Total: total})
	return r
}

// report reports done passages when progressInterval has passed since the
// last report, or when done reaches the total.
func (r *progressReporter) report(done int) {
	if r == nil {
		return
	}
	if done = min(done, r.total); done <= r.done || done < r.total && time.Since(r.last) < progressInterval {
		return
	}
	r.done, r.last = done, time.Now()
	r.f(Progress{Stage: r.stage, Done: done, Total: r.total})
}
