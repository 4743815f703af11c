package bot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

// memStore is a FeedbackStore in memory; err, when set, fails every call.
type memStore struct {
	mu      sync.Mutex
	answers map[string]AnswerRecord
	votes   map[[2]string]bool // answer id, user -> up
	err     error
}

func newMemStore() *memStore {
	return &memStore{answers: map[string]AnswerRecord{}, votes: map[[2]string]bool{}}
}

func (m *memStore) RecordAnswer(_ context.Context, a AnswerRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.answers[a.ID] = a
	return nil
}

func (m *memStore) Vote(_ context.Context, v Vote) (AnswerRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return AnswerRecord{}, m.err
	}
	a, ok := m.answers[v.AnswerID]
	if !ok {
		return AnswerRecord{}, ErrUnknownAnswer
	}
	m.votes[[2]string{v.AnswerID, v.User}] = v.Up
	return a, nil
}

func (m *memStore) records() []AnswerRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []AnswerRecord
	for _, a := range m.answers {
		out = append(out, a)
	}
	return out
}

func mustFeedback(t *testing.T, cfg FeedbackConfig) *Feedback {
	t.Helper()
	f, err := NewFeedback(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestReplyIDs: replies that answer get a fresh valid ID, which Observe is
// told with the passages; the other kinds get none.
func TestReplyIDs(t *testing.T) {
	var outcomes []Outcome
	r := mustResponder(t, ResponderConfig{Answerer: &fakeEngine{}, Observe: func(o Outcome) { outcomes = append(outcomes, o) }})
	tests := []struct {
		question string
		kind     Kind
		votable  bool
		passages []string
	}{
		{"fish?", KindAnswered, true, []string{"p7"}},
		{"near fish", KindClosest, true, []string{"p7"}},
		{"football", KindNotCovered, false, nil},
		{"help", KindHelp, false, nil},
		{"boom", KindError, false, nil},
	}
	seen := map[string]bool{}
	for i, tt := range tests {
		reply := r.Respond(t.Context(), Request{Question: tt.question, Platform: PlatformSlack})
		o := outcomes[i]
		wantID := tt.kind == KindAnswered || tt.kind == KindClosest || tt.kind == KindNotCovered
		switch {
		case reply.Kind != tt.kind:
			t.Errorf("%q: kind %v, want %v", tt.question, reply.Kind, tt.kind)
		case wantID != ValidAnswerID(reply.ID), !wantID && reply.ID != "":
			t.Errorf("%q: ID %q", tt.question, reply.ID)
		case seen[reply.ID]:
			t.Errorf("%q: ID %q given twice", tt.question, reply.ID)
		case reply.Votable() != tt.votable:
			t.Errorf("%q: Votable() = %v", tt.question, reply.Votable())
		case o.AnswerID != reply.ID || !slices.Equal(o.Passages, tt.passages):
			t.Errorf("%q: Observe told %q %q, want %q %q", tt.question, o.AnswerID, o.Passages, reply.ID, tt.passages)
		}
		if reply.ID != "" {
			seen[reply.ID] = true
		}
	}
}

// TestFeedbackObserve: which replies are kept, and with or without their
// question.
func TestFeedbackObserve(t *testing.T) {
	outcome := func(p Platform, k Kind) Outcome {
		return Outcome{Platform: p, Kind: k, Question: "what about " + k.String() + " on " + string(p), AnswerID: strings.Repeat("a", 31) + string(rune('0'+k)), Passages: []string{"p1"}}
	}
	tests := []struct {
		name string
		o    Outcome
		keep bool
	}{
		{"answered in Slack", outcome(PlatformSlack, KindAnswered), true},
		{"answered on the page", outcome(PlatformPage, KindAnswered), true},
		{"answered in Discord", outcome(PlatformDiscord, KindAnswered), true},
		{"answered over the API: no buttons there", outcome(PlatformAPI, KindAnswered), false},
		{"closest over the API", outcome(PlatformAPI, KindClosest), true},
		{"not covered over the API", outcome(PlatformAPI, KindNotCovered), true},
		{"help", outcome(PlatformSlack, KindHelp), false},
		{"error", outcome(PlatformSlack, KindError), false},
		{"no id", Outcome{Platform: PlatformSlack, Kind: KindNotCovered, Question: "q"}, false},
	}
	for _, keepQuestions := range []bool{true, false} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				store := newMemStore()
				f := mustFeedback(t, FeedbackConfig{Store: store, KeepQuestions: keepQuestions})
				f.Observe(tt.o)
				got := store.records()
				if !tt.keep {
					if len(got) != 0 {
						t.Errorf("kept %+v, want nothing", got)
					}
					return
				}
				want := AnswerRecord{ID: tt.o.AnswerID, Kind: tt.o.Kind, Platform: tt.o.Platform, Passages: tt.o.Passages}
				if keepQuestions {
					want.Question = tt.o.Question
				}
				if len(got) != 1 || got[0].ID != want.ID || got[0].Kind != want.Kind || got[0].Platform != want.Platform ||
					got[0].Question != want.Question || !slices.Equal(got[0].Passages, want.Passages) {
					t.Errorf("kept %+v, want %+v", got, want)
				}
			})
		}
	}
}

func TestFeedbackVote(t *testing.T) {
	store := newMemStore()
	type counted struct {
		kind Kind
		up   bool
	}
	var votes []counted
	f := mustFeedback(t, FeedbackConfig{Store: store, KeepQuestions: true, OnVote: func(k Kind, up bool) { votes = append(votes, counted{k, up}) }})
	known := strings.Repeat("b", 32)
	store.RecordAnswer(t.Context(), AnswerRecord{ID: known, Kind: KindClosest, Platform: PlatformDiscord})

	if got := f.Vote(t.Context(), Vote{AnswerID: known, Up: false, Platform: PlatformDiscord, User: "1"}); got != VoteThanks {
		t.Errorf("a vote on a known answer: %q, want %q", got, VoteThanks)
	}
	if len(votes) != 1 || votes[0] != (counted{KindClosest, false}) {
		t.Errorf("OnVote calls %v, want one (closest, down)", votes)
	}
	for _, id := range []string{strings.Repeat("c", 32), "short", strings.Repeat("B", 32), ""} {
		if got := f.Vote(t.Context(), Vote{AnswerID: id, Up: true, Platform: PlatformPage, User: "1"}); got != VoteUnknown {
			t.Errorf("a vote on %q: %q, want %q", id, got, VoteUnknown)
		}
	}
	store.err = errors.New("disk gone")
	if got := f.Vote(t.Context(), Vote{AnswerID: known, Up: true, Platform: PlatformPage, User: "1"}); got != VoteFailed {
		t.Errorf("a vote the store fails: %q, want %q", got, VoteFailed)
	}
	if len(votes) != 1 {
		t.Errorf("OnVote calls %v, want only the recorded vote", votes)
	}
}
