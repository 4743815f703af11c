package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/quotebot/quotebot/retrieval"
)

// Tuning of the Responder, with reasons.
const (
	// DefaultTimeout bounds answering one question: an answer takes
	// milliseconds with the built-in embedder; only a remote embedder can
	// be slow, and half a minute is long enough for it to answer at all.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxInFlight is how many questions a Gate answers at once
	// unless told otherwise: far more than two cores need to stay busy,
	// and few enough that a burst waits rather than exhausts memory.
	DefaultMaxInFlight = 32
	// DefaultWait is how long a chat question that finds every answer slot
	// taken waits for one: a person in a chat waits that long without
	// worry, and an answer slot frees up in milliseconds unless the
	// engine is stuck.
	DefaultWait = 10 * time.Second
	// maxRawQuestion bounds, in bytes, the text the markup clean-up reads:
	// a question of MaxQuestionLen characters is at most 4,000 bytes plus
	// its markup, so a longer text is too long however much markup it
	// holds, and is refused without being read.
	maxRawQuestion = 64 << 10
)

// Limiter decides whether an asker may ask now: a rate limit. It must be
// safe for concurrent use.
type Limiter interface {
	// Allow reports whether user, on platform, may ask a question now and,
	// when not, how long they should wait.
	Allow(platform Platform, user string) (ok bool, retryAfter time.Duration)
}

// ResponderConfig configures a Responder. Answerer is required; zero values
// of the other fields mean the defaults documented on each.
type ResponderConfig struct {
	// Answerer answers the questions.
	Answerer Answerer
	// Timeout bounds asking the Answerer once; default DefaultTimeout.
	Timeout time.Duration
	// MaxInFlight is the number of answer slots of the Responder's own
	// Gate, which requests without a Turn use; default DefaultMaxInFlight.
	MaxInFlight int
	// Sleep is the clock of waits for an answer slot at that Gate (see
	// NewGate); default Sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// Limiter, when set, rate-limits askers: a request it refuses gets
	// KindRateLimited without waiting for a slot.
	Limiter Limiter
	// Observe, when set, is called once per reply, before Respond returns;
	// metrics count replies with it. It must be safe for concurrent use.
	Observe func(Outcome)
	// Logger receives engine failures and panics, with the platform and
	// the request's ID, never the question or the user; default: none.
	Logger *slog.Logger
}

// Validate reports a configuration a Responder cannot run with.
func (c ResponderConfig) Validate() error {
	if c.Answerer == nil {
		return errors.New("bot: ResponderConfig.Answerer is nil")
	}
	return nil
}

// Responder is the one answering policy of every surface; see the package
// documentation. It is safe for concurrent use.
type Responder struct {
	cfg  ResponderConfig
	gate *Gate
}

// NewResponder checks cfg and returns its Responder.
func NewResponder(cfg ResponderConfig) (*Responder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Responder{cfg: cfg, gate: NewGate(cfg.MaxInFlight, cfg.Sleep)}, nil
}

// ResponderOrNew returns r, or, when r is nil, a new Responder of cfg: how
// an adapter given either a shared Responder or only an Answerer gets one.
func ResponderOrNew(r *Responder, cfg ResponderConfig) (*Responder, error) {
	if r != nil {
		return r, nil
	}
	return NewResponder(cfg)
}

// Respond answers one request; it never fails, an error becomes a reply of
// KindError. In order: a question longer than MaxQuestionLen characters
// (once chat markup is removed) gets KindTooLong; an asker the Limiter
// refuses, KindRateLimited; a question that gets no answer slot within
// req.Wait, KindBusy; an empty question, "?" or "help", KindHelp with the
// topics; any other question is asked of the Answerer (within the timeout,
// a panic caught) and gets KindAnswered, KindClosest or KindNotCovered as
// its answer decides, or KindError. Observe is told the outcome.
func (r *Responder) Respond(ctx context.Context, req Request) Reply {
	start := time.Now()
	reply := r.respond(ctx, req)
	reply.Usage = req.Usage
	reply.Answer.Question = req.Question
	if reply.Answer.Passages == nil {
		reply.Answer.Passages = []Hit{}
	}
	switch reply.Kind {
	case KindAnswered, KindClosest, KindNotCovered:
		reply.ID = newAnswerID()
	}
	if r.cfg.Observe != nil {
		r.cfg.Observe(Outcome{Platform: req.Platform, Kind: reply.Kind, Latency: time.Since(start), Question: reply.Question,
			RequestID: req.ID, AnswerID: reply.ID, Passages: hitIDs(reply.Hits())})
	}
	return reply
}

func (r *Responder) respond(ctx context.Context, req Request) Reply {
	if len(req.Question) > maxRawQuestion {
		return Reply{Kind: KindTooLong, Err: fmt.Errorf("%w (it has over %d bytes)", ErrQuestionTooLong, maxRawQuestion)}
	}
	q := CleanQuestion(req.Question)
	if err := retrieval.CheckQuestion(q); err != nil {
		return Reply{Kind: KindTooLong, Err: err}
	}
	if r.cfg.Limiter != nil {
		if ok, after := r.cfg.Limiter.Allow(req.Platform, req.User); !ok {
			return Reply{Kind: KindRateLimited, Question: q, RetryAfter: after}
		}
	}
	turn := req.Turn
	if turn == nil {
		turn = r.gate.Reserve()
		defer turn.Done()
	}
	if !turn.Await(ctx, req.Wait) {
		return Reply{Kind: KindBusy, Question: q, Err: context.Cause(ctx)}
	}
	if isHelp(q) {
		ans, err := r.ask(ctx, req, "", 0)
		if err != nil {
			r.cfg.Logger.Warn("topics for the help text", "platform", req.Platform, "request_id", req.ID, "err", err)
		}
		return Reply{Kind: KindHelp, Answer: Answer{Topics: ans.Topics}}
	}
	top := req.Top
	if top <= 0 {
		top = DefaultTop
	}
	ans, err := r.ask(ctx, req, q, top)
	switch {
	case errors.Is(err, ErrQuestionTooLong):
		return Reply{Kind: KindTooLong, Question: q, Err: err}
	case err != nil:
		r.logFailure(ctx, req, err)
		return Reply{Kind: KindError, Question: q, Err: err}
	}
	return Reply{Kind: kindOf(ans), Answer: ans, Question: q}
}

// newAnswerID is a new random Reply.ID: 128 bits in hex, so ids never
// collide and cannot be guessed.
func newAnswerID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// hitIDs are the ids of hits, in order; nil for none.
func hitIDs(hits []Hit) []string {
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// kindOf is the kind of reply an answer makes: quoted passages answer;
// without them, closest passages are offered; without those, the question
// is not covered.
func kindOf(a Answer) Kind {
	switch {
	case a.Found && len(a.Passages) > 0:
		return KindAnswered
	case !a.Found && len(a.Closest) > 0:
		return KindClosest
	}
	return KindNotCovered
}

// errPanic is wrapped by the error of an Answerer that panicked.
var errPanic = errors.New("the answerer panicked")

// ask asks the Answerer within the timeout, turning a panic into an error
// (logged with its stack).
func (r *Responder) ask(ctx context.Context, req Request, q string, top int) (ans Answer, err error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			r.cfg.Logger.Error("answerer panicked", "platform", req.Platform, "request_id", req.ID,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = fmt.Errorf("%w: %v", errPanic, v)
		}
	}()
	return r.cfg.Answerer.Answer(ctx, q, top)
}

// logFailure logs why answering failed: at error level when the engine
// failed or timed out, at info level when the caller went away or stopped
// (its context ended), which is no failure of quotebot's.
func (r *Responder) logFailure(ctx context.Context, req Request, err error) {
	if ctx.Err() != nil {
		r.cfg.Logger.Info("answer abandoned", "platform", req.Platform, "request_id", req.ID, "err", err)
		return
	}
	if !errors.Is(err, errPanic) { // logged with its stack already
		r.cfg.Logger.Error("answer", "platform", req.Platform, "request_id", req.ID, "err", err)
	}
}
