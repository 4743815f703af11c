package feedback

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openStore opens a store in a new temporary folder on clk.
func openStore(t *testing.T, clk *clock) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "data", FileName), Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// id makes a valid answer id from a short name.
func id(name string) string {
	return (name + strings.Repeat("0", 32))[:32]
}

func mustRecord(t *testing.T, s *Store, recs ...bot.AnswerRecord) {
	t.Helper()
	for _, r := range recs {
		if err := s.RecordAnswer(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
}

func mustVote(t *testing.T, s *Store, v bot.Vote) bot.AnswerRecord {
	t.Helper()
	rec, err := s.Vote(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// fileBytes is the database's content on disk: the file, its write-ahead
// log and its shared-memory index.
func fileBytes(t *testing.T, s *Store) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(s.Path() + suffix)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// votes reads the votes table.
func votes(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.db.QueryContext(t.Context(), `SELECT answer_id, user_hash, up, platform, kind, COALESCE(question, ''), passages FROM votes ORDER BY answer_id, user_hash`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var aid, hash, platform, kind, q, passages string
		var up bool
		if err := rows.Scan(&aid, &hash, &up, &platform, &kind, &q, &passages); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join([]string{aid[:4], hash, bot.VoteName(up), platform, kind, q, passages}, "|"))
	}
	return out
}

func TestVoteRecordsTheAnswer(t *testing.T) {
	s := openStore(t, newClock())
	mustRecord(t, s, bot.AnswerRecord{ID: id("a1"), Kind: bot.KindAnswered, Platform: bot.PlatformSlack,
		Question: "what about fisheries?", Passages: []string{"statement#7", "statement#3"}})
	rec := mustVote(t, s, bot.Vote{AnswerID: id("a1"), Up: true, Platform: bot.PlatformSlack, User: "T1/U1"})
	if rec.Kind != bot.KindAnswered || rec.Question != "what about fisheries?" || !slices.Equal(rec.Passages, []string{"statement#7", "statement#3"}) {
		t.Errorf("Vote returned %+v", rec)
	}
	got := votes(t, s)
	if len(got) != 1 {
		t.Fatalf("votes %q, want one", got)
	}
	hash := s.userHash(bot.PlatformSlack, "T1/U1")
	want := "a100|" + hash + `|up|slack|answered|what about fisheries?|["statement#7","statement#3"]`
	if got[0] != want {
		t.Errorf("vote row %q, want %q", got[0], want)
	}
}

func TestReVoteReplaces(t *testing.T) {
	s := openStore(t, newClock())
	mustRecord(t, s, bot.AnswerRecord{ID: id("a1"), Kind: bot.KindClosest, Platform: bot.PlatformDiscord, Question: "q"})
	mustVote(t, s, bot.Vote{AnswerID: id("a1"), Up: true, Platform: bot.PlatformDiscord, User: "42"})
	mustVote(t, s, bot.Vote{AnswerID: id("a1"), Up: false, Platform: bot.PlatformDiscord, User: "42"})
	got := votes(t, s)
	if len(got) != 1 || !strings.Contains(got[0], "|down|") {
		t.Fatalf("after a second vote by the same user: %q, want one vote, down", got)
	}
	mustVote(t, s, bot.Vote{AnswerID: id("a1"), Up: true, Platform: bot.PlatformDiscord, User: "43"})
	if got := votes(t, s); len(got) != 2 {
		t.Errorf("another user's vote: %q, want two votes", got)
	}
}

func TestVoteUnknownAnswer(t *testing.T) {
	s := openStore(t, newClock())
	_, err := s.Vote(t.Context(), bot.Vote{AnswerID: id("nope"), Up: true, Platform: bot.PlatformPage, User: "c"})
	if !errors.Is(err, bot.ErrUnknownAnswer) {
		t.Errorf("Vote on an unknown answer: %v, want ErrUnknownAnswer", err)
	}
	if got := votes(t, s); len(got) != 0 {
		t.Errorf("votes %q, want none", got)
	}
}

// TestUserIDsAreHashed: the raw user id is nowhere in the database's files,
// and the same user has different hashes in different databases.
func TestUserIDsAreHashed(t *testing.T) {
	const user = "U0RAWUSERID42"
	a, b := openStore(t, newClock()), openStore(t, newClock())
	for _, s := range []*Store{a, b} {
		mustRecord(t, s, bot.AnswerRecord{ID: id("a1"), Kind: bot.KindAnswered, Platform: bot.PlatformSlack, Question: "q"})
		mustVote(t, s, bot.Vote{AnswerID: id("a1"), Up: true, Platform: bot.PlatformSlack, User: user})
		if raw := fileBytes(t, s); bytes.Contains(raw, []byte(user)) {
			t.Errorf("the raw user id is in %s", s.Path())
		}
		if raw := fileBytes(t, s); !bytes.Contains(raw, []byte(s.userHash(bot.PlatformSlack, user))) {
			t.Errorf("the user's hash is not in %s: the check above proves nothing", s.Path())
		}
	}
	if a.userHash(bot.PlatformSlack, user) == b.userHash(bot.PlatformSlack, user) {
		t.Error("two databases give a user the same hash: the salt is not per database")
	}
}

// TestSaltKept: reopening a database keeps its salt, so a re-vote after a
// restart still replaces the first vote.
func TestSaltKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustRecord(t, s, bot.AnswerRecord{ID: id("a1"), Kind: bot.KindAnswered, Platform: bot.PlatformPage})
	mustVote(t, s, bot.Vote{AnswerID: id("a1"), Up: true, Platform: bot.PlatformPage, User: "cookie"})
	mustRecord(t, s, bot.AnswerRecord{ID: id("a2"), Kind: bot.KindClosest, Platform: bot.PlatformPage}) // still queued
	s.Close()
	s, err = Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustVote(t, s, bot.Vote{AnswerID: id("a1"), Up: false, Platform: bot.PlatformPage, User: "cookie"})
	if got := votes(t, s); len(got) != 1 {
		t.Errorf("votes after reopening: %q, want the re-vote to replace the vote", got)
	}
	if _, err := s.Vote(t.Context(), bot.Vote{AnswerID: id("a2"), Platform: bot.PlatformPage, User: "cookie"}); err != nil {
		t.Errorf("a reply queued when the store closed was not written: %v", err)
	}
	if err := s.RecordAnswer(t.Context(), bot.AnswerRecord{ID: id("a3")}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

// TestClosed: a closed store refuses work instead of panicking.
func TestClosed(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), FileName), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.RecordAnswer(t.Context(), bot.AnswerRecord{ID: id("a1")}); !errors.Is(err, errClosed) {
		t.Errorf("RecordAnswer after Close: %v", err)
	}
	if _, err := s.Vote(t.Context(), bot.Vote{AnswerID: id("a1")}); !errors.Is(err, errClosed) {
		t.Errorf("Vote after Close: %v", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE meta SET value = 99 WHERE key = 'schema'`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(t.Context(), path, Options{}); !errors.Is(err, ErrNewerSchema) {
		if s != nil {
			s.Close()
		}
		t.Errorf("Open = %v, want ErrNewerSchema", err)
	}
}

func TestPrune(t *testing.T) {
	clk := newClock()
	s := openStore(t, clk)
	mustRecord(t, s, bot.AnswerRecord{ID: id("old"), Kind: bot.KindNotCovered, Platform: bot.PlatformPage, Question: "old zebra question"})
	mustVote(t, s, bot.Vote{AnswerID: id("old"), Up: false, Platform: bot.PlatformPage, User: "u"})
	clk.advance(60 * 24 * time.Hour)
	mustRecord(t, s, bot.AnswerRecord{ID: id("new"), Kind: bot.KindClosest, Platform: bot.PlatformPage, Question: "newer question"})
	clk.advance(31 * 24 * time.Hour) // the first is 91 days old, the second 31

	n, err := s.Prune(t.Context(), 90*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("pruned %d rows, want the old reply and its vote", n)
	}
	rep, err := s.Gaps(t.Context(), strings.Fields)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals.Questions != 1 || len(rep.Groups) != 1 || rep.Groups[0].Examples[0] != "newer question" {
		t.Errorf("after pruning: %+v, want only the newer question", rep)
	}
	if bytes.Contains(fileBytes(t, s), []byte("zebra")) {
		t.Error("the pruned question is still in the database's files")
	}
	if n, err := s.Prune(t.Context(), 90*24*time.Hour); err != nil || n != 0 {
		t.Errorf("pruning again: %d, %v; want nothing to do", n, err)
	}
}

func TestForget(t *testing.T) {
	s := openStore(t, newClock())
	mustRecord(t, s,
		bot.AnswerRecord{ID: id("a1"), Kind: bot.KindNotCovered, Platform: bot.PlatformSlack, Question: "zebra crossings in Lima"},
		bot.AnswerRecord{ID: id("a2"), Kind: bot.KindAnswered, Platform: bot.PlatformSlack, Question: "quagga mussels"},
	)
	mustVote(t, s, bot.Vote{AnswerID: id("a2"), Up: false, Platform: bot.PlatformSlack, User: "u"})
	n, err := s.Forget(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("Forget erased %d questions, want 3 (two replies, one vote)", n)
	}
	raw := fileBytes(t, s)
	for _, q := range []string{"zebra", "quagga"} {
		if bytes.Contains(raw, []byte(q)) {
			t.Errorf("%q is still in the database's files after Forget", q)
		}
	}
	rep, err := s.Gaps(t.Context(), strings.Fields)
	if err != nil {
		t.Fatal(err)
	}
	want := Totals{Counts: Counts{Questions: 2, NotCovered: 1, DownVotes: 1}, WithoutText: 2}
	if rep.Totals != want || len(rep.Groups) != 0 {
		t.Errorf("report after Forget: %+v, want the counts %+v and no groups", rep, want)
	}
}

func TestGaps(t *testing.T) {
	clk := newClock()
	s := openStore(t, clk)
	terms := func(q string) []string { // a stand-in for retrieval.ContentTerms
		var out []string
		for _, w := range strings.Fields(strings.ToLower(strings.Trim(q, "?"))) {
			if w != "the" && w != "about" && w != "what" {
				out = append(out, w)
			}
		}
		return out
	}
	record := func(name string, kind bot.Kind, q string) {
		clk.advance(time.Minute)
		mustRecord(t, s, bot.AnswerRecord{ID: id(name), Kind: kind, Platform: bot.PlatformSlack, Question: q})
	}
	record("a1", bot.KindNotCovered, "what about football")
	record("a2", bot.KindClosest, "football?")
	record("a3", bot.KindNotCovered, "What about the football")
	record("a4", bot.KindNotCovered, "quotas fish")
	record("a5", bot.KindAnswered, "fish quotas?")
	record("a6", bot.KindAnswered, "tariffs") // answered, voted up: not a gap
	record("a7", bot.KindClosest, "space")
	clk.advance(time.Minute)
	mustVote(t, s, bot.Vote{AnswerID: id("a5"), Up: false, Platform: bot.PlatformSlack, User: "u1"})
	mustVote(t, s, bot.Vote{AnswerID: id("a5"), Up: false, Platform: bot.PlatformSlack, User: "u2"})
	mustVote(t, s, bot.Vote{AnswerID: id("a6"), Up: true, Platform: bot.PlatformSlack, User: "u1"})

	rep, err := s.Gaps(t.Context(), terms)
	if err != nil {
		t.Fatal(err)
	}
	want := Report{
		Totals: Totals{Counts: Counts{Questions: 6, NotCovered: 3, Closest: 2, DownVotes: 2}},
		Groups: []Group{
			{Terms: []string{"football"}, Counts: Counts{Questions: 3, NotCovered: 2, Closest: 1}, Examples: []string{"What about the football", "football?", "what about football"}},
			{Terms: []string{"fish", "quotas"}, Counts: Counts{Questions: 2, NotCovered: 1, DownVotes: 2}, Examples: []string{"fish quotas?", "quotas fish"}},
			{Terms: []string{"space"}, Counts: Counts{Questions: 1, Closest: 1}, Examples: []string{"space"}},
		},
	}
	if !equalReports(rep, want) {
		t.Errorf("report\n%+v\nwant\n%+v", rep, want)
	}
	again, err := s.Gaps(t.Context(), terms)
	if err != nil || !equalReports(again, rep) {
		t.Errorf("a second report differs: %+v (%v)", again, err)
	}
}

func equalReports(a, b Report) bool {
	if a.Totals != b.Totals || len(a.Groups) != len(b.Groups) {
		return false
	}
	for i := range a.Groups {
		x, y := a.Groups[i], b.Groups[i]
		if !slices.Equal(x.Terms, y.Terms) || !slices.Equal(x.Examples, y.Examples) || x.Counts != y.Counts {
			return false
		}
	}
	return true
}

// TestGapsVotesOutliveTheirReply: a 👎 whose reply was pruned first (votes
// come after their reply) is still reported, from the vote.
func TestGapsVotesOutliveTheirReply(t *testing.T) {
	s := openStore(t, newClock())
	mustRecord(t, s, bot.AnswerRecord{ID: id("a1"), Kind: bot.KindAnswered, Platform: bot.PlatformPage, Question: "harbour dredging"})
	mustVote(t, s, bot.Vote{AnswerID: id("a1"), Up: false, Platform: bot.PlatformPage, User: "u"})
	if _, err := s.db.Exec(`DELETE FROM answers`); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Gaps(t.Context(), strings.Fields)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals.DownVotes != 1 || len(rep.Groups) != 1 || rep.Groups[0].Examples[0] != "harbour dredging" {
		t.Errorf("report %+v, want the voted-down question", rep)
	}
}

// TestConcurrentWrites: replies and votes written from many goroutines at
// once all land (one connection queues them).
func TestConcurrentWrites(t *testing.T) {
	s := openStore(t, newClock())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				aid := id(string(rune('a'+i)) + string(rune('a'+j)))
				if err := s.RecordAnswer(context.Background(), bot.AnswerRecord{ID: aid, Kind: bot.KindClosest, Platform: bot.PlatformAPI, Question: "q"}); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Vote(context.Background(), bot.Vote{AnswerID: aid, Platform: bot.PlatformAPI, User: "u"}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM votes`).Scan(&n); err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	if n != 160 {
		t.Errorf("%d votes, want 160", n)
	}
}
