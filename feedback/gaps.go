package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/quotebot/quotebot/bot"
)

// MaxExamples is how many example questions a Group shows at most.
const MaxExamples = 3

// Report is the gaps report: what people asked that the documents did not
// answer well. Its JSON is `quotebot gaps --json`'s.
type Report struct {
	// Totals count every question of the report, those whose text is not
	// kept included.
	Totals Totals `json:"totals"`
	// Groups are the questions whose text is kept, grouped by their main
	// terms, most questions first.
	Groups []Group `json:"groups"`
}

// Counts split a set of questions by what they got.
type Counts struct {
	// Questions is how many questions there are: each answered "not
	// covered" or "closest passage", or voted 👎, once.
	Questions int `json:"questions"`
	// NotCovered and Closest count those answered so.
	NotCovered int `json:"not_covered"`
	Closest    int `json:"closest"`
	// DownVotes counts the 👎 votes on any of them.
	DownVotes int `json:"down_votes"`
}

// add counts one question.
func (c *Counts) add(it item) {
	c.Questions++
	switch it.kind {
	case bot.KindNotCovered.String():
		c.NotCovered++
	case bot.KindClosest.String():
		c.Closest++
	}
	c.DownVotes += it.downs
}

// Totals count the questions of a report.
type Totals struct {
	Counts
	// WithoutText counts the questions whose text is not kept (questions
	// were off, or have been forgotten): they are in the totals only.
	WithoutText int `json:"without_text"`
}

// Group is the questions that share their main terms.
type Group struct {
	// Terms are the main terms, sorted; empty for questions of stop words
	// only.
	Terms []string `json:"terms"`
	// Counts are the group's questions, split as Totals' are.
	Counts
	// Examples are up to MaxExamples of its questions, most recent first,
	// each once.
	Examples []string `json:"examples"`
}

// item is one question of the report: a reply that was not covered or
// closest, or that was voted down.
type item struct {
	id       string
	at       int64
	kind     string
	question string
	downs    int
}

// Gaps builds the report from every reply and vote kept. terms gives a
// question's main terms (retrieval.ContentTerms); questions with the same
// set of terms form a group. The report is the same for the same database.
func (s *Store) Gaps(ctx context.Context, terms func(string) []string) (Report, error) {
	items, err := s.gapItems(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("gaps: %w", err)
	}
	rep := Report{Groups: []Group{}}
	groups := map[string]*Group{}
	for _, it := range items {
		rep.Totals.add(it)
		if it.question == "" {
			rep.Totals.WithoutText++
			continue
		}
		t := slices.Clone(terms(it.question))
		slices.Sort(t)
		t = slices.Compact(t)
		key := strings.Join(t, "\x00")
		g := groups[key]
		if g == nil {
			g = &Group{Terms: nonNil(t), Examples: []string{}}
			groups[key] = g
		}
		g.add(it)
		if len(g.Examples) < MaxExamples && !slices.ContainsFunc(g.Examples, func(e string) bool { return strings.EqualFold(e, it.question) }) {
			g.Examples = append(g.Examples, it.question)
		}
	}
	for _, g := range groups {
		rep.Groups = append(rep.Groups, *g)
	}
	slices.SortFunc(rep.Groups, func(a, b Group) int {
		if a.Questions != b.Questions {
			return b.Questions - a.Questions
		}
		if a.DownVotes != b.DownVotes {
			return b.DownVotes - a.DownVotes
		}
		return strings.Compare(strings.Join(a.Terms, " "), strings.Join(b.Terms, " "))
	})
	return rep, nil
}

// gapItems reads the questions of the report, most recent first: the
// replies not covered or closest, and every answer voted down (from its
// reply, or from its votes when the reply itself is no longer kept).
func (s *Store) gapItems(ctx context.Context) ([]item, error) {
	if err := s.flush(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT a.id, a.at, a.kind, COALESCE(a.question, ''),
			(SELECT COUNT(*) FROM votes v WHERE v.answer_id = a.id AND v.up = 0) AS downs
		FROM answers a
		WHERE a.kind IN (?, ?) OR downs > 0
		UNION ALL
		SELECT v.answer_id, MAX(v.at), v.kind, COALESCE(MAX(v.question), ''), COUNT(*)
		FROM votes v
		WHERE v.up = 0 AND v.answer_id NOT IN (SELECT id FROM answers)
		GROUP BY v.answer_id
		ORDER BY 2 DESC, 1`, bot.KindNotCovered.String(), bot.KindClosest.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []item
	for rows.Next() {
		var it item
		var q sql.NullString
		if err := rows.Scan(&it.id, &it.at, &it.kind, &q, &it.downs); err != nil {
			return nil, err
		}
		it.question = q.String
		items = append(items, it)
	}
	return items, rows.Err()
}
