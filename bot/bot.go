// Package bot is the transport-neutral answering layer every surface shares
// (the command line, the HTTP API and page, Slack, Discord).
//
// A Responder takes a Request (the raw question as typed, the platform, the
// asker) and returns a Reply of a typed Kind: it cleans chat markup out of
// the question, refuses one that is too long, recognises a request for help,
// applies rate limits and back-pressure (a Gate), asks the Answerer within a
// timeout and behind a panic guard, decides between an answer, the closest
// passage and "not covered", and reports every reply to one Observe hook.
// The texts of the replies are here, once (texts.go); adapters only put them
// in their platform's format. Deduper remembers the events already answered,
// for the chat adapters.
//
// The package also holds the pieces of rendering every platform shares
// (bold highlight segments, cutting at sentences, citations).
package bot

import (
	"context"

	"github.com/quotebot/quotebot/retrieval"
)

// Answer is the reply to one question; see retrieval.Answer.
type Answer = retrieval.Answer

// Hit is one quoted passage; see retrieval.Hit.
type Hit = retrieval.Hit

// Answerer answers one question with at most top passages (top <= 0 means
// DefaultTop). An empty question yields Found=false with the covered
// Topics, which help texts use. An error means the engine failed, not that
// the documents do not cover the question. It must return promptly once
// ctx ends. *retrieval.Engine is one.
type Answerer interface {
	Answer(ctx context.Context, question string, top int) (Answer, error)
}

// AnswererFunc adapts a function to Answerer.
type AnswererFunc func(ctx context.Context, question string, top int) (Answer, error)

// Answer calls f.
func (f AnswererFunc) Answer(ctx context.Context, question string, top int) (Answer, error) {
	return f(ctx, question, top)
}

// DefaultTop is how many passages an answer quotes at most when a request
// does not say: retrieval.DefaultTop, the one place the number is written.
const DefaultTop = retrieval.DefaultTop

// MaxQuestionLen is the longest question any surface answers, in characters
// once chat markup and the white space around it are removed:
// retrieval.MaxQuestionLen.
const MaxQuestionLen = retrieval.MaxQuestionLen

// ErrQuestionTooLong is wrapped by a KindTooLong reply's Err:
// retrieval.ErrQuestionTooLong.
var ErrQuestionTooLong = retrieval.ErrQuestionTooLong
