package bot

import (
	"strings"
	"time"
)

// Kind is what a reply does. Adapters format each kind their own way;
// Kind.String names it in metrics and logs.
type Kind int

// The kinds of reply, in the order Kinds lists them.
const (
	// KindAnswered quotes the passages that answer (Answer.Passages).
	KindAnswered Kind = iota + 1
	// KindClosest says the documents do not say it in the question's words
	// and quotes the closest passages (Answer.Closest) after ClosestLead.
	KindClosest
	// KindNotCovered says the documents do not cover the question and
	// names their topics (Answer.Topics): NotCovered.
	KindNotCovered
	// KindHelp shows how to ask, with the topics: Usage.
	KindHelp
	// KindTooLong refuses a question over MaxQuestionLen characters:
	// TooLong.
	KindTooLong
	// KindRateLimited refuses an asker over their rate: RateLimited.
	KindRateLimited
	// KindBusy refuses a question that found every answer slot taken:
	// Busy.
	KindBusy
	// KindError apologises for a failure (Reply.Err says which): Apology.
	KindError
)

var kindNames = [...]string{
	KindAnswered:    "answered",
	KindClosest:     "closest",
	KindNotCovered:  "not_covered",
	KindHelp:        "help",
	KindTooLong:     "too_long",
	KindRateLimited: "rate_limited",
	KindBusy:        "busy",
	KindError:       "error",
}

// String is the kind's name in metrics and logs: "answered", "closest",
// "not_covered", "help", "too_long", "rate_limited", "busy" or "error".
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Kinds lists every Kind, in order.
func Kinds() []Kind {
	ks := make([]Kind, 0, len(kindNames)-1)
	for k := KindAnswered; int(k) < len(kindNames); k++ {
		ks = append(ks, k)
	}
	return ks
}

// KindNames is the names of every Kind, comma-separated, for the help texts
// of metrics.
func KindNames() string {
	names := make([]string, 0, len(kindNames)-1)
	for _, k := range Kinds() {
		names = append(names, k.String())
	}
	return strings.Join(names, ", ")
}

// Platform is the surface a question arrives on. Its value names it in
// metrics and logs.
type Platform string

// The platforms quotebot serves.
const (
	PlatformCLI     Platform = "cli"     // quotebot ask
	PlatformAPI     Platform = "api"     // GET and POST /api/ask
	PlatformPage    Platform = "page"    // the browser page at /
	PlatformSlack   Platform = "slack"   // mentions, DMs, /ask, shares
	PlatformDiscord Platform = "discord" // /ask, mentions, DMs
)

// Platforms lists every Platform.
func Platforms() []Platform {
	return []Platform{PlatformCLI, PlatformAPI, PlatformPage, PlatformSlack, PlatformDiscord}
}

// Request is one question to answer, as an adapter received it.
type Request struct {
	// Question is the text as the asker typed it, chat markup included
	// (Slack's <@U…>, <url|label> and <#C…|name>, Discord's <@id>, <@&id>
	// and <:emoji:id>, a leading @name): the Responder removes it.
	Question string
	// Platform is where the question came from.
	Platform Platform
	// User identifies the asker within the platform (a Slack or Discord
	// user id, an HTTP client's address), for rate limits. It is never
	// logged.
	User string
	// Top is how many passages an answer quotes at most; 0 means
	// DefaultTop.
	Top int
	// Usage is how the asker invokes the bot, for the help text, already
	// in the platform's format: "/ask", "<@U123>" in Slack, "@quotebot";
	// "" where questions are simply typed.
	Usage string
	// Wait is how long a question that finds every answer slot taken
	// waits for one before it is told KindBusy; 0 tells it at once.
	Wait time.Duration
	// Turn, when set, is the question's place at an adapter's own Gate,
	// reserved before the request was handed over, and stays the
	// adapter's to end (Turn.Done) once it has delivered the reply, so the
	// slot covers the delivery too. When nil, the Responder takes a turn
	// at its own Gate for the time of the answer.
	Turn *Turn
	// ID, when set, names the request in the Responder's log lines (an
	// HTTP request id, a Slack event id).
	ID string
}

// Reply is the Responder's reply to a Request.
type Reply struct {
	// Kind is what the reply does.
	Kind Kind
	// Answer is the engine's answer, its Question the request's question
	// as asked: quoted passages for KindAnswered, closest ones for
	// KindClosest, the topics for KindNotCovered and KindHelp. For the
	// other kinds it holds only the question.
	Answer Answer
	// Question is the question once chat markup is removed, as the
	// Answerer was asked it; "" for help.
	Question string
	// Usage is the request's Usage, for the help text.
	Usage string
	// Err is why a KindError, KindTooLong or KindBusy reply was made, for
	// logs and error codes; it is never shown to the asker.
	Err error
	// RetryAfter is, for KindRateLimited, how long the asker should wait.
	RetryAfter time.Duration
	// ID names the answer of a KindAnswered, KindClosest or KindNotCovered
	// reply, for votes on it (see Feedback): 32 hex digits, random, new for
	// every reply; "" for the other kinds.
	ID string
}

// Votable reports whether people may vote on the reply: it quotes
// passages (KindAnswered or KindClosest) and has an ID.
func (r Reply) Votable() bool {
	return r.ID != "" && (r.Kind == KindAnswered || r.Kind == KindClosest)
}

// Hits are the passages the reply quotes: the answer's passages for
// KindAnswered, the closest ones for KindClosest, none otherwise.
func (r Reply) Hits() []Hit {
	switch r.Kind {
	case KindAnswered:
		return r.Answer.Passages
	case KindClosest:
		return r.Answer.Closest
	}
	return nil
}

// Text is the reply's text for the asker: the whole reply for the kinds
// that quote nothing, ClosestLead for KindClosest (the quotes follow it),
// and "" for KindAnswered. esc, when not nil, puts plain text in the
// platform's format (escaping); it is not applied to Usage, which is in
// that format already.
func (r Reply) Text(esc func(string) string) string {
	if esc == nil {
		esc = func(s string) string { return s }
	}
	switch r.Kind {
	case KindAnswered:
		return ""
	case KindClosest:
		return esc(ClosestLead(len(r.Answer.Closest)))
	case KindNotCovered:
		return esc(NotCovered(r.Answer.Topics))
	case KindHelp:
		return usage(r.Usage, r.Answer.Topics, esc)
	case KindTooLong:
		return esc(TooLong)
	case KindRateLimited:
		return esc(RateLimited)
	case KindBusy:
		return esc(Busy)
	}
	return esc(Apology)
}

// Outcome is what Observe is told of every reply.
type Outcome struct {
	// Platform is where the question came from.
	Platform Platform
	// Kind is what the reply did.
	Kind Kind
	// Latency is the time from the request to its reply, a wait for an
	// answer slot included.
	Latency time.Duration
	// Question is the question once chat markup is removed ("" for help).
	// Observers that log or keep it must honour the operator's choice to
	// keep questions or not.
	Question string
	// RequestID is the request's ID (Request.ID), for log lines.
	RequestID string
	// AnswerID is the reply's ID (Reply.ID): set for KindAnswered,
	// KindClosest and KindNotCovered.
	AnswerID string
	// Passages are the ids of the passages the reply quotes (Reply.Hits),
	// best first.
	Passages []string
}
