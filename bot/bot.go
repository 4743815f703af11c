// Package bot is the transport-neutral side of the chat integrations: the
// one-method Answerer they call, the limit on questions they all apply
// (Ask), and the pieces of rendering every platform shares (bold highlight
// segments, cutting at sentences, citations, the "not covered", help and
// too-long texts).
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

// MaxQuestionLen is the longest question any surface answers, in characters
// once the white space around it is trimmed: retrieval.MaxQuestionLen.
const MaxQuestionLen = retrieval.MaxQuestionLen

// ErrQuestionTooLong is returned, wrapped, by Ask for a question longer than
// MaxQuestionLen characters: retrieval.ErrQuestionTooLong.
var ErrQuestionTooLong = retrieval.ErrQuestionTooLong

// TooLong is the reply, on every chat surface, to a question longer than
// MaxQuestionLen characters.
const TooLong = "That question is too long for me (over 1,000 characters); please ask it in fewer words."

// Ask is how every surface asks a: a question longer than MaxQuestionLen
// characters gets an error wrapping ErrQuestionTooLong without a being
// asked; any other question is a.Answer's. Surfaces reply TooLong to the
// first and their apology to other errors.
func Ask(ctx context.Context, a Answerer, question string, top int) (Answer, error) {
	if err := retrieval.CheckQuestion(question); err != nil {
		return Answer{}, err
	}
	return a.Answer(ctx, question, top)
}
