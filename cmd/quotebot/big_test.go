package main

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quotebot/quotebot/internal/synth"
)

// TestBigIndex indexes 200,000 synthetic passages through the command line
// (opt-in: QUOTEBOT_BIG=1; it takes minutes): the second index run finds the
// index up to date and embeds nothing, and ask then loads it without
// writing anything to the index folder. It logs the times and the process's
// peak memory; testdata/bench/time.sh measures the binary itself.
func TestBigIndex(t *testing.T) {
	if os.Getenv("QUOTEBOT_BIG") == "" {
		t.Skip("set QUOTEBOT_BIG=1 to index 200,000 synthetic passages")
	}
	const n = 200_000
	root := t.TempDir()
	docs, db := filepath.Join(root, "docs"), filepath.Join(root, "index")
	vocab, err := synth.Vocabulary("../..")
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteCorpus(docs, n, vocab); err != nil {
		t.Fatal(err)
	}
	getenv := func(string) string { return "" }
	cli := func(args ...string) (string, time.Duration) {
		t.Helper()
		var out, errOut bytes.Buffer
		start := time.Now()
		if code := run(context.Background(), args, nil, &out, &errOut, getenv); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
		return out.String(), time.Since(start)
	}
	out, first := cli("index", "--corpus", docs, "--db", db)
	if !strings.Contains(out, "indexed 200000 passages") {
		t.Fatalf("first index: %q", out)
	}
	out, second := cli("index", "--corpus", docs, "--db", db)
	if !strings.Contains(out, "200000 passages") || !strings.Contains(out, "up to date") {
		t.Fatalf("second index embedded again: %q", out)
	}
	before := treeState(t, db)
	_, ask := cli("ask", "--corpus", docs, "--db", db, "what about plastic pollution in the Pacific?")
	if after := treeState(t, db); !maps.Equal(before, after) {
		t.Fatal("ask wrote to the index folder")
	}
	status, _ := os.ReadFile("/proc/self/status")
	var peak string
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "VmHWM:") {
			peak = strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	t.Logf("%d passages: index %v, second index %v, ask (load and answer) %v, peak RSS of the test process %s", n, first, second, ask, peak)
}
