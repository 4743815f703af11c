// Command report runs every evaluation set through a quotebot binary and
// prints the contract's figures per set and pooled, as a Markdown table. It
// talks to the binary only through `ask --json -`, so the same run can
// measure an older build as the baseline of a newer one. Run it from the
// repository root:
//
//	go build -o /tmp/quotebot ./cmd/quotebot
//	go run ./testdata/eval/report -bin /tmp/quotebot [-typos] [-v]
//
// With -ceiling it needs no binary: it runs this tree's engine in process
// and reports, per set, where the fused ranking puts the right passage
// before the decision, so a miss of the ranking can be told from one of the
// decision (see ceiling.go).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/quotebot/quotebot/retrieval"
)

// evalSet is one set and the documents it asks about; see
// testdata/eval/sets.txt.
type evalSet struct {
	file, corpus string
	blind        bool
}

// readSets reads testdata/eval/sets.txt: "set.jsonl corpus dev|blind" a
// line, paths relative to that folder, "-" for the built-in statement.
func readSets() ([]evalSet, error) {
	data, err := os.ReadFile("testdata/eval/sets.txt")
	if err != nil {
		return nil, err
	}
	var out []evalSet
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || strings.HasPrefix(f[0], "#") {
			continue
		}
		s := evalSet{file: filepath.Join("testdata/eval", f[0]), blind: f[2] == "blind"}
		if f[1] != "-" {
			s.corpus = filepath.Join("testdata/eval", f[1])
		}
		out = append(out, s)
	}
	return out, nil
}

func main() {
	bin := flag.String("bin", "", "quotebot `binary` to measure")
	typos := flag.Bool("typos", false, "use the typo sets under testdata/eval/typos instead")
	verbose := flag.Bool("v", false, "list the questions each set got wrong")
	devOnly := flag.Bool("dev", false, "only the sets that are not blind, for work in progress")
	ceiling := flag.Bool("ceiling", false, "report the ranking's ceiling with this tree's engine instead of a binary's figures")
	flag.Parse()
	if *ceiling {
		if err := runCeiling(*devOnly); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
		return
	}
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "report: -bin is required")
		os.Exit(2)
	}
	if err := run(*bin, *typos, *verbose, *devOnly); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(bin string, typos, verbose, devOnly bool) error {
	db, err := os.MkdirTemp("", "quotebot-report")
	if err != nil {
		return err
	}
	defer os.RemoveAll(db)
	fmt.Println("| set | n | recall@1 | recall@3 | MRR | first | shown | confwrong | noanswer |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	var all, blind, other []retrieval.EvalResult
	sets, err := readSets()
	if err != nil {
		return err
	}
	for i, s := range sets {
		file := s.file
		if devOnly && s.blind {
			continue
		}
		if typos {
			file = filepath.Join("testdata/eval/typos", filepath.Base(file))
			if _, err := os.Stat(file); err != nil {
				continue
			}
		}
		res, err := evaluate(bin, filepath.Join(db, fmt.Sprint(i)), file, s.corpus)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		row(strings.TrimSuffix(filepath.Base(file), ".jsonl"), retrieval.Score(res))
		if verbose {
			for _, r := range res {
				if !r.Correct() || r.ConfidentWrong() {
					fmt.Printf("|  | wrong: %q found=%v rank=%d closest=%d |\n", r.Question.Q, r.Answer.Found, r.Rank, r.ClosestRank)
				}
			}
		}
		all = append(all, res...)
		if s.blind {
			blind = append(blind, res...)
		} else if s.corpus != "" {
			other = append(other, res...)
		}
	}
	row("**pooled, blind sets**", retrieval.Score(blind))
	row("**pooled, dev sets but the seed**", retrieval.Score(other))
	row("**pooled, all**", retrieval.Score(all))
	return nil
}

func row(name string, m retrieval.Metrics) {
	fmt.Printf("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n",
		name, m.N, m.Recall1, m.Recall3, m.MRR, m.First, m.Shown, m.ConfWrong, m.NoAnswer)
}

// evaluate asks the set's questions through `bin ask --json -` and scores
// the replies as retrieval.Evaluate would.
func evaluate(bin, db, file, corpus string) ([]retrieval.EvalResult, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	set, err := retrieval.ReadEvalSet(f)
	if err != nil {
		return nil, err
	}
	var in bytes.Buffer
	for _, q := range set {
		in.WriteString(strings.ReplaceAll(q.Q, "\n", " ") + "\n")
	}
	args := []string{"ask", "--json", "--top", "3", "--db", db}
	if corpus != "" {
		args = append(args, "--corpus", corpus)
	}
	cmd := exec.Command(bin, append(args, "-")...)
	cmd.Stdin = &in
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	var answers []retrieval.Answer
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var a retrieval.Answer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, err
		}
		answers = append(answers, a)
	}
	if len(answers) != len(set) {
		return nil, fmt.Errorf("%d answers for %d questions", len(answers), len(set))
	}
	i := 0
	res, _, err := retrieval.Evaluate(context.Background(), func(_ context.Context, q string, top int) (retrieval.Answer, error) {
		a := answers[i]
		i++
		return a, nil
	}, set)
	return res, err
}
