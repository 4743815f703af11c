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

// AnsweredBy reports whether a passage of this text answers q: it holds
// one of q's expected strings. False for a question the documents do not
// answer.
func (q EvalQuestion) AnsweredBy(text string) bool {
	for _, x := range q.Expect {
		if strings.Contains(text, x) {
			return true
		}
	}
	return false
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

// Shown bounds of the contract's "shown" figure: a hit among the first
// evalShownQuoted quoted passages or the first evalShownClosest closest ones.
const (
	evalTop          = 3
	evalShownQuoted  = 3
	evalShownClosest = 2
)

// EvalResult is how one question fared.
type EvalResult struct {
	Question EvalQuestion
	Answer   Answer
	// Rank is the 1-based position of the first quoted passage that
	// contains an expected string; 0 when none does (or nothing was quoted).
	Rank int
	// ClosestRank is the same for the closest passages of a reply that
	// quotes nothing; 0 when none is a hit.
	ClosestRank int
}

// Answerable reports whether the question has expected passages.
func (r EvalResult) Answerable() bool { return len(r.Question.Expect) > 0 }

// FirstRight reports whether the first passage shown, quoted or closest,
// answers an answerable question.
func (r EvalResult) FirstRight() bool { return r.Rank == 1 || r.ClosestRank == 1 }

// ConfidentWrong reports whether the reply quoted something it should not
// have: a first quoted passage that is not a hit, or any quote for a
// question the documents do not answer.
func (r EvalResult) ConfidentWrong() bool {
	if !r.Answer.Found {
		return false
	}
	return !r.Answerable() || r.Rank != 1
}

// Correct reports whether the reply was right: the first passage shown is a
// hit for an answerable question; for one the documents do not answer, no
// quote and no closest passage.
func (r EvalResult) Correct() bool {
	if r.Answerable() {
		return r.FirstRight()
	}
	return !r.Answer.Found && len(r.Answer.Closest) == 0
}

// Metrics are the contract's evaluation figures. Shares of answerable
// questions unless said otherwise.
type Metrics struct {
	N          int
	Answerable int
	// Recall1, Recall3 and MRR count quoted answers only: a reply that
	// quotes nothing is a miss.
	Recall1 float64
	Recall3 float64
	MRR     float64
	// First is the share whose first passage, quoted or closest, is a hit.
	First float64
	// Shown is the share with a hit among the passages shown: up to 3
	// quoted or 2 closest.
	Shown float64
	// ConfWrong is the share of all questions answered with a quote whose
	// first passage is not a hit, or with any quote when the documents do
	// not answer the question.
	ConfWrong float64
	// NoAnswer is the share of unanswerable questions that got no quote and
	// no closest passage.
	NoAnswer float64
	// FoundRight is the share of all questions whose found flag was right
	// (true exactly for answerable ones); it is the "no-answer" figure
	// quotebot reported before closest passages existed.
	FoundRight float64
}

// String is the contract's one-line summary.
func (m Metrics) String() string {
	return fmt.Sprintf("recall@1=%.3f recall@3=%.3f mrr=%.3f first=%.3f shown=%.3f confwrong=%.3f noanswer=%.3f n=%d",
		m.Recall1, m.Recall3, m.MRR, m.First, m.Shown, m.ConfWrong, m.NoAnswer, m.N)
}

// hitRank returns the 1-based rank of the first of hits that answers q,
// looking at no more than limit of them, or 0.
func hitRank(hits []Hit, q EvalQuestion, limit int) int {
	for i, p := range hits[:min(len(hits), limit)] {
		if q.AnsweredBy(p.Text) {
			return i + 1
		}
	}
	return 0
}

// Evaluate asks every question with top 3 and scores the replies.
func Evaluate(ctx context.Context, ask func(ctx context.Context, q string, top int) (Answer, error), set []EvalQuestion) ([]EvalResult, Metrics, error) {
	res := make([]EvalResult, 0, len(set))
	for _, q := range set {
		a, err := ask(ctx, q.Q, evalTop)
		if err != nil {
			return nil, Metrics{}, fmt.Errorf("ask %q: %w", q.Q, err)
		}
		r := EvalResult{Question: q, Answer: a}
		if len(q.Expect) > 0 {
			if a.Found {
				r.Rank = hitRank(a.Passages, q, len(a.Passages))
			} else {
				r.ClosestRank = hitRank(a.Closest, q, len(a.Closest))
			}
		}
		res = append(res, r)
	}
	return res, Score(res), nil
}

// Score computes the metrics of a list of results, so results of several
// sets can be pooled without asking again.
func Score(res []EvalResult) Metrics {
	var m Metrics
	var r1, r3, rr, first, shown, wrong, na, unanswerable, foundRight float64
	for _, r := range res {
		m.N++
		if r.ConfidentWrong() {
			wrong++
		}
		if r.Answer.Found == r.Answerable() {
			foundRight++
		}
		if !r.Answerable() {
			unanswerable++
			if r.Correct() {
				na++
			}
			continue
		}
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
		if r.FirstRight() {
			first++
		}
		if (r.Rank >= 1 && r.Rank <= evalShownQuoted) || (r.ClosestRank >= 1 && r.ClosestRank <= evalShownClosest) {
			shown++
		}
	}
	if a := float64(m.Answerable); a > 0 {
		m.Recall1, m.Recall3, m.MRR = r1/a, r3/a, rr/a
		m.First, m.Shown = first/a, shown/a
	}
	if unanswerable > 0 {
		m.NoAnswer = na / unanswerable
	}
	if n := float64(m.N); n > 0 {
		m.ConfWrong, m.FoundRight = wrong/n, foundRight/n
	}
	return m
}
