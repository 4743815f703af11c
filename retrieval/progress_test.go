package retrieval

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// progressLog records what Config.Progress is told, and fails the test
// when two calls overlap.
type progressLog struct {
	t     *testing.T
	in    atomic.Bool
	calls []Progress
}

func (l *progressLog) record(p Progress) {
	if !l.in.CompareAndSwap(false, true) {
		l.t.Error("Progress called while another call runs")
		return
	}
	l.calls = append(l.calls, p)
	l.in.Store(false)
}

// check requires, for each stage in order, Done from 0 up to total without
// going down, Total the same throughout.
func (l *progressLog) check(t *testing.T, total int) {
	t.Helper()
	var stages []string
	for i, p := range l.calls {
		if p.Total != total {
			t.Fatalf("call %d: %+v, want Total %d", i, p, total)
		}
		if i == 0 || l.calls[i-1].Stage != p.Stage {
			stages = append(stages, p.Stage)
			if p.Done != 0 {
				t.Fatalf("call %d: %+v, want a stage to start at Done 0", i, p)
			}
			if i > 0 && l.calls[i-1].Done != total {
				t.Fatalf("call %d: stage %s ended at %+v, want Done %d", i, l.calls[i-1].Stage, l.calls[i-1], total)
			}
			continue
		}
		if p.Done < l.calls[i-1].Done || p.Done > total {
			t.Fatalf("call %d: Done went from %d to %d (total %d)", i, l.calls[i-1].Done, p.Done, total)
		}
	}
	if want := []string{StageAnalyze, StageEmbed}; strings.Join(stages, ",") != strings.Join(want, ",") {
		t.Fatalf("stages %q, want %q", stages, want)
	}
	if last := l.calls[len(l.calls)-1]; last.Done != total {
		t.Fatalf("last call %+v, want Done %d", last, total)
	}
}

// TestProgress checks that building an index reports each stage from 0 up
// to the number of passages it has to do, that loading an index as is
// reports nothing, and that a rebuild counts only new passages.
func TestProgress(t *testing.T) {
	const n = 300
	files := map[string]string{}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Paragraph %d says the harbour board will review mooring fee number %d next spring.\n\n", i, i)
	}
	files["board.txt"] = b.String()
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		path  string
		more  string // another document
		total int
	}{
		{"in memory", "", "", n},
		{"first build", dir, "", n},
		{"loaded as is", dir, "", 0},
		{"a new document", dir, "The ferry company adds a night crossing to the island.\n\nThe night crossing runs on Fridays.\n", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.more != "" {
				files["ferry.txt"] = tt.more
			}
			log := &progressLog{t: t}
			mustIndex(t, mustDocs(t, files), Config{Path: tt.path, Progress: log.record})
			if tt.total == 0 {
				if len(log.calls) != 0 {
					t.Fatalf("loading an index reported %+v", log.calls)
				}
				return
			}
			log.check(t, tt.total)
		})
	}
}

// TestProgressReporter checks the reporter on its own: nothing for no
// callback or no work, Done 0 first, the total always, never less than
// before.
func TestProgressReporter(t *testing.T) {
	if r := newProgressReporter(nil, StageEmbed, 5); r != nil {
		t.Error("a reporter without a callback")
	}
	var calls []Progress
	if r := newProgressReporter(func(p Progress) { calls = append(calls, p) }, StageEmbed, 0); r != nil || len(calls) != 0 {
		t.Error("a reporter for no work")
	}
	r := newProgressReporter(func(p Progress) { calls = append(calls, p) }, StageEmbed, 5)
	r.report(3)
	r.report(2)
	r.report(5)
	r.report(5)
	r.report(9)
	if len(calls) < 2 || calls[0].Done != 0 || calls[len(calls)-1] != (Progress{StageEmbed, 5, 5}) {
		t.Fatalf("calls %+v, want 0 first and 5 of 5 last", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i].Done <= calls[i-1].Done {
			t.Fatalf("calls %+v do not rise", calls)
		}
	}
}
