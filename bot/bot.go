// Package bot is the transport-neutral side of the chat integrations: the
// one-method Answerer they call, and the pieces of rendering every platform
// shares (bold highlight segments, cutting at sentences, citations, the
// "not covered" and help texts).
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
// the default of 3). An empty or blank question yields Found=false with the
// covered Topics, which help texts use. An error means the engine failed,
// not that the documents do not cover the question.
type Answerer interface {
	Answer(ctx context.Context, question string, top int) (Answer, error)
}

// AnswererFunc adapts a function to Answerer.
type AnswererFunc func(ctx context.Context, question string, top int) (Answer, error)

// Answer calls f.
func (f AnswererFunc) Answer(ctx context.Context, question string, top int) (Answer, error) {
	return f(ctx, question, top)
}
