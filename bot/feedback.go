package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Vote is one person's 👍 or 👎 on an answer.
type Vote struct {
	// AnswerID names the answer voted on (Reply.ID).
	AnswerID string
	// Up is true for 👍, false for 👎.
	Up bool
	// Platform is where the vote was cast.
	Platform Platform
	// User identifies the voter within the platform (a Slack team and user
	// id, a Discord user id, a browser's voter cookie). A FeedbackStore
	// keeps only a keyed hash of it; it is never logged.
	User string
}

// AnswerRecord is what a FeedbackStore keeps of one reply.
type AnswerRecord struct {
	// ID is the reply's ID (Reply.ID).
	ID string
	// Kind is KindAnswered, KindClosest or KindNotCovered.
	Kind Kind
	// Platform is where the question was asked.
	Platform Platform
	// Question is the question once chat markup is removed, or "" when
	// questions are not kept (FeedbackConfig.KeepQuestions).
	Question string
	// Passages are the ids of the passages the reply quoted, best first.
	Passages []string
}

// ErrUnknownAnswer is returned by FeedbackStore.Vote for an answer id the
// store does not have: it was never given, or it is older than the
// store keeps answers.
var ErrUnknownAnswer = errors.New("no answer of that id")

// FeedbackStore keeps the replies people may vote on, or that the gaps
// report lists, and the votes on them. It must keep only a keyed hash of a
// voter's id, never the id itself, and be safe for concurrent use.
type FeedbackStore interface {
	// RecordAnswer keeps a reply.
	RecordAnswer(ctx context.Context, a AnswerRecord) error
	// Vote records v with the question, passages, kind and platform of
	// the answer it names, replacing v.User's earlier vote on that answer,
	// and returns that answer; ErrUnknownAnswer when there is none.
	Vote(ctx context.Context, v Vote) (AnswerRecord, error)
}

// The replies to a vote, shown to the voter alone.
const (
	// VoteThanks acknowledges a vote that was recorded.
	VoteThanks = "Thanks — noted."
	// VoteUnknown answers a vote on an answer the store does not have
	// (too old, or a made-up id).
	VoteUnknown = "Sorry, that answer is too old to vote on now."
	// VoteFailed answers a vote that could not be recorded.
	VoteFailed = "Sorry, your vote could not be noted. Please try again in a moment."
)

// DefaultFeedbackTimeout bounds one write to the FeedbackStore: an
// embedded database writes in well under a millisecond, so seconds mean
// it is stuck (a disk gone, another process holding its lock), and a reply
// or a vote's thanks should not wait longer.
const DefaultFeedbackTimeout = 5 * time.Second

// FeedbackConfig configures a Feedback. Store is required.
type FeedbackConfig struct {
	// Store keeps the replies and the votes.
	Store FeedbackStore
	// KeepQuestions keeps the text of questions with their replies; when
	// false, replies and votes are recorded without it.
	KeepQuestions bool
	// OnVote, when set, is called for each vote recorded with the kind of
	// the reply voted on; metrics count votes with it. It must be safe for
	// concurrent use.
	OnVote func(kind Kind, up bool)
	// Timeout bounds each write to Store; default DefaultFeedbackTimeout.
	Timeout time.Duration
	// Logger receives the Store's failures, never a question or a user;
	// default: none.
	Logger *slog.Logger
}

// Feedback records the replies people may vote on and their votes, for
// every surface: Observe, as (part of) the Responder's Observe hook, keeps
// the replies; Vote records a click on 👍 or 👎. Replies that quote
// passages are kept from the platforms that show vote buttons (the page,
// Slack, Discord); "closest" and "not covered" replies from every
// platform, since the gaps report lists them. It is safe for concurrent
// use.
type Feedback struct {
	cfg FeedbackConfig
}

// NewFeedback checks cfg and returns its Feedback.
func NewFeedback(cfg FeedbackConfig) (*Feedback, error) {
	if cfg.Store == nil {
		return nil, errors.New("bot: FeedbackConfig.Store is nil")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultFeedbackTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Feedback{cfg: cfg}, nil
}

// votesOn reports whether the platform shows vote buttons under answers.
func votesOn(p Platform) bool {
	return p == PlatformPage || p == PlatformSlack || p == PlatformDiscord
}

// Observe keeps the reply of o when it is one to vote on or one the gaps
// report lists (see Feedback); a failure is logged.
func (f *Feedback) Observe(o Outcome) {
	switch {
	case o.AnswerID == "":
		return
	case o.Kind == KindClosest, o.Kind == KindNotCovered:
	case o.Kind == KindAnswered && votesOn(o.Platform):
	default:
		return
	}
	rec := AnswerRecord{ID: o.AnswerID, Kind: o.Kind, Platform: o.Platform, Passages: o.Passages}
	if f.cfg.KeepQuestions {
		rec.Question = o.Question
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.cfg.Timeout)
	defer cancel()
	if err := f.cfg.Store.RecordAnswer(ctx, rec); err != nil {
		f.cfg.Logger.Error("feedback: record a reply", "platform", o.Platform, "kind", o.Kind.String(), "err", err)
	}
}

// Vote records v and returns what to tell the voter, privately:
// VoteThanks, VoteUnknown for an answer id that is malformed or unknown,
// or VoteFailed when the store failed (logged).
func (f *Feedback) Vote(ctx context.Context, v Vote) string {
	if !ValidAnswerID(v.AnswerID) {
		return VoteUnknown
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	rec, err := f.cfg.Store.Vote(ctx, v)
	switch {
	case errors.Is(err, ErrUnknownAnswer):
		return VoteUnknown
	case err != nil:
		f.cfg.Logger.Error("feedback: record a vote", "platform", v.Platform, "err", err)
		return VoteFailed
	}
	if f.cfg.OnVote != nil {
		f.cfg.OnVote(rec.Kind, v.Up)
	}
	return VoteThanks
}

// ValidAnswerID reports whether s has the form of a Reply.ID: 32 lower-case
// hex digits. Adapters and stores use it to turn away made-up ids cheaply.
func ValidAnswerID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// VoteName is "up" or "down", the name of a vote in metrics and forms.
func VoteName(up bool) string {
	if up {
		return "up"
	}
	return "down"
}
