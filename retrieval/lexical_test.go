package retrieval

import (
	"context"
	"slices"
	"testing"
)

// TestLexicalScoresReuse: the lexical ranking's working memory is reused
// from one question to the next, so a question allocates nothing per
// passage, and a question scored after others gets exactly the scores it
// gets on a fresh engine.
func TestLexicalScoresReuse(t *testing.T) {
	docs := mustDocs(t, map[string]string{"minutes.txt": minutes})
	ctx := context.Background()
	questions := []string{"library budget", "swimming pool repairs", "football stadium budget", "library"}
	scores := func(e *Engine, text string) []float64 {
		t.Helper()
		ls, err := e.lexicalScores(ctx, mustQuery(t, e, text))
		if err != nil {
			t.Fatal(err)
		}
		defer e.lex.giveBack(ls)
		return slices.Clone(ls.total)
	}
	used := mustIndex(t, docs, Config{})
	for _, q := range questions {
		scores(used, q)
	}
	for _, q := range questions {
		fresh := mustIndex(t, docs, Config{})
		if got, want := scores(used, q), scores(fresh, q); !slices.Equal(got, want) {
			t.Errorf("%q after other questions: scores %v, want %v", q, got, want)
		}
	}
	q := mustQuery(t, used, "library budget")
	allocs := testing.AllocsPerRun(20, func() {
		ls, err := used.lexicalScores(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		used.lex.giveBack(ls)
	})
	// Under the race detector sync.Pool drops some of what it is given,
	// so only the scores above are checked there.
	if allocs >= 1 && !raceEnabled {
		t.Errorf("lexicalScores allocates %.1f times a question, want its memory reused", allocs)
	}
}
