package retrieval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// EvalQuestion is one line of an evaluation set: a question and the
// verbatim substrings that mark a passage answering it. An empty Expect
// marks a question the documents do not answer.
type EvalQuestion struct {
	Q      string   `json:"q"`
	Expect []string `json:"expect"`
}

// ReadEvalSet reads a JSON-lines evaluation set; blank lines are skipped.
func ReadEvalSet(r io.Reader) ([]EvalQuestion, error) {
	var out []EvalQuestion
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var q EvalQuestion
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if strings.TrimSpace(q.Q) == "" {
			return nil, fmt.Errorf("line %d: no question (\"q\")", n)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// EvalResult is how one question fared.
type EvalResult struct {
	Question EvalQuestion
	Answer   Answer
	// Rank is the 1-based position of the first passage that contains an
	// expected string; 0 when none does (or the answer was not found).
	Rank int
}

// Answerable reports whether the question has expected passages.
func (r EvalResult) Answerable() bool { return len(r.Question.Expect) > 0 }

// Correct reports whether the reply was right: a hit at rank 1 for an
// answerable question, found=false for one the documents do not answer.
func (r EvalResult) Correct() bool {
	if r.Answerable() {
		return r.Rank == 1
	}
	return !r.Answer.Found
}

// Metrics are the contract's evaluation figures.
type Metrics struct {
	N          int
	Answerable int
	Recall1    float64
	Recall3    float64
	MRR        float64
	// NoAnswer is the share of all questions whose found flag was right:
	// true for answerable ones, false for the others.
	NoAnswer float64
}

// String is the contract's one-line summary.
func (m Metrics) String() string {
	return fmt.Sprintf("recall@1=%.3f recall@3=%.3f mrr=%.3f noanswer=%.3f n=%d", m.Recall1, m.Recall3, m.MRR, m.NoAnswer, m.N)
}

// rank returns the 1-based rank of the first passage containing any
// expected string, or 0.
func rank(a Answer, expect []string) int {
	if !a.Found {
		return 0
	}
	for i, p := range a.Passages {
		for _, x := range expect {
			if strings.Contains(p.Text, x) {
				return i + 1
			}
		}
	}
	return 0
}

// Evaluate asks every question with top 3 and scores the replies.
func Evaluate(ctx context.Context, ask func(ctx context.Context, q string, top int) (Answer, error), set []EvalQuestion) ([]EvalResult, Metrics, error) {
	var res []EvalResult
	var m Metrics
	var r1, r3, rr, na float64
	for _, q := range set {
		a, err := ask(ctx, q.Q, 3)
		if err != nil {
			return nil, Metrics{}, fmt.Errorf("ask %q: %w", q.Q, err)
		}
		r := EvalResult{Question: q, Answer: a, Rank: rank(a, q.Expect)}
		res = append(res, r)
		m.N++
		if r.Answerable() {
			m.Answerable++
			if r.Rank == 1 {
				r1++
			}
			if r.Rank >= 1 && r.Rank <= 3 {
				r3++
			}
			if r.Rank > 0 {
				rr += 1 / float64(r.Rank)
			}
		}
		if a.Found == r.Answerable() {
			na++
		}
	}
	if m.Answerable > 0 {
		m.Recall1 = r1 / float64(m.Answerable)
		m.Recall3 = r3 / float64(m.Answerable)
		m.MRR = rr / float64(m.Answerable)
	}
	if m.N > 0 {
		m.NoAnswer = na / float64(m.N)
	}
	return res, m, nil
}
