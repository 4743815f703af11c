// Package votetest holds a fake bot.FeedbackStore for the tests of the chat
// adapters, which check that a click on 👍 or 👎 reaches the store.
package votetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
)

// Store is a bot.FeedbackStore in memory that hands each vote it records
// to Next.
type Store struct {
	mu      sync.Mutex
	answers map[string]bot.AnswerRecord
	votes   chan bot.Vote
}

// New returns an empty Store.
func New() *Store {
	return &Store{answers: map[string]bot.AnswerRecord{}, votes: make(chan bot.Vote, 10)}
}

// RecordAnswer keeps a.
func (s *Store) RecordAnswer(_ context.Context, a bot.AnswerRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[a.ID] = a
	return nil
}

// Vote records v when its answer was kept, bot.ErrUnknownAnswer otherwise.
func (s *Store) Vote(_ context.Context, v bot.Vote) (bot.AnswerRecord, error) {
	s.mu.Lock()
	a, ok := s.answers[v.AnswerID]
	s.mu.Unlock()
	if !ok {
		return a, bot.ErrUnknownAnswer
	}
	s.votes <- v
	return a, nil
}

// Answer is the reply kept under id, if any.
func (s *Store) Answer(id string) bot.AnswerRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answers[id]
}

// Next waits up to wait for the next vote recorded.
func (s *Store) Next(t testing.TB, wait time.Duration) bot.Vote {
	t.Helper()
	select {
	case v := <-s.votes:
		return v
	case <-time.After(wait):
		t.Fatalf("no vote recorded within %s", wait)
		return bot.Vote{}
	}
}

// Pending is how many recorded votes Next has not returned yet.
func (s *Store) Pending() int { return len(s.votes) }

// Voting returns a Responder around answerer whose Observe hook keeps the
// replies in s, and a Feedback recording votes in s, wired as serve wires
// them.
func (s *Store) Voting(t testing.TB, answerer bot.Answerer) (*bot.Responder, *bot.Feedback) {
	t.Helper()
	fb, err := bot.NewFeedback(bot.FeedbackConfig{Store: s, KeepQuestions: true})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := bot.NewResponder(bot.ResponderConfig{Answerer: answerer, Observe: fb.Observe})
	if err != nil {
		t.Fatal(err)
	}
	return resp, fb
}
