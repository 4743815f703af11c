package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// wait bounds every wait of these tests for something that should happen.
const wait = 10 * time.Second

var (
	errEngine = errors.New("index not loaded")
	fishHit   = Hit{ID: "p7", Title: "Joint statement", Date: "Nov 15, 2024", Paragraph: 7, Text: "They agreed on fishing."}
	topics    = []string{"fisheries", "trade"}
)

// fakeEngine answers by what the question contains and records the
// questions and tops it was asked.
type fakeEngine struct {
	mu    sync.Mutex
	asked []string
	tops  []int
}

func (e *fakeEngine) Answer(ctx context.Context, q string, top int) (Answer, error) {
	e.mu.Lock()
	e.asked = append(e.asked, q)
	e.tops = append(e.tops, top)
	e.mu.Unlock()
	switch {
	case q == "":
		return Answer{Topics: topics}, nil
	case strings.Contains(q, "boom"):
		return Answer{}, errEngine
	case strings.Contains(q, "panic"):
		panic("engine exploded")
	case strings.Contains(q, "stuck"):
		<-ctx.Done()
		return Answer{}, ctx.Err()
	case strings.Contains(q, "refused"):
		return Answer{}, ErrQuestionTooLong
	case strings.Contains(q, "near"):
		return Answer{Question: q, Closest: []Hit{fishHit}, Topics: topics}, nil
	case strings.Contains(q, "hollow"):
		return Answer{Question: q, Found: true, Topics: topics}, nil
	case strings.Contains(q, "fish"):
		return Answer{Question: q, Found: true, Passages: []Hit{fishHit}}, nil
	}
	return Answer{Question: q, Topics: topics}, nil
}

func (e *fakeEngine) questions() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.asked...)
}

func mustResponder(t *testing.T, cfg ResponderConfig) *Responder {
	t.Helper()
	r, err := NewResponder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRespond covers every kind of reply a question can get, and what the
// engine is asked for it.
func TestRespond(t *testing.T) {
	atLimit := strings.Repeat("漁", MaxQuestionLen-5) + " fish"
	tests := []struct {
		name      string
		question  string
		top       int
		timeout   time.Duration
		want      Kind
		wantAsked []string // nil: not asked
		wantTop   int      // the top asked with, when asked with a question
		wantText  string   // in Reply.Text
		wantErr   error    // wrapped by Reply.Err
	}{
		{"answered", "what did they say about fisheries?", 0, 0, KindAnswered, []string{"what did they say about fisheries?"}, DefaultTop, "", nil},
		{"top passed on", "fish", 2, 0, KindAnswered, []string{"fish"}, 2, "", nil},
		{"closest", "anything near fishing?", 0, 0, KindClosest, []string{"anything near fishing?"}, DefaultTop, "Closest passage:", nil},
		{"not covered", "what about the weather?", 0, 0, KindNotCovered, []string{"what about the weather?"}, DefaultTop, "They cover: fisheries, trade.", nil},
		{"found without passages is not covered", "hollow", 0, 0, KindNotCovered, []string{"hollow"}, DefaultTop, "do not cover", nil},
		{"empty is help", "  ", 0, 0, KindHelp, []string{""}, 0, "Topics covered: fisheries, trade.", nil},
		{"help", "Help", 0, 0, KindHelp, []string{""}, 0, "Example: /ask what did they say", nil},
		{"a question mark is help", "?", 0, 0, KindHelp, []string{""}, 0, "Ask a question", nil},
		{"a bare mention is help", "<@U024BE7LH>", 0, 0, KindHelp, []string{""}, 0, "Ask a question", nil},
		{"markup is removed", "<@U1> what about <https://x.test/f|fisheries> <:fish:42> in <#C2|general>?", 0, 0, KindAnswered,
			[]string{"what about fisheries in ?"}, DefaultTop, "", nil},
		{"too long", strings.Repeat("a", MaxQuestionLen+1), 0, 0, KindTooLong, nil, 0, "too long", ErrQuestionTooLong},
		{"far too long is not read", strings.Repeat("<@U1> ", maxRawQuestion), 0, 0, KindTooLong, nil, 0, "too long", ErrQuestionTooLong},
		{"at the limit once the mention is removed", "<@U024BE7LH> " + atLimit, 0, 0, KindAnswered, []string{atLimit}, DefaultTop, "", nil},
		{"the engine refuses its length", "refused", 0, 0, KindTooLong, []string{"refused"}, DefaultTop, "too long", ErrQuestionTooLong},
		{"engine error", "boom", 0, 0, KindError, []string{"boom"}, DefaultTop, Apology, errEngine},
		{"engine panic", "panic", 0, 0, KindError, []string{"panic"}, DefaultTop, Apology, errPanic},
		{"timeout", "stuck", 0, time.Millisecond, KindError, []string{"stuck"}, DefaultTop, Apology, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{}
			var outcomes []Outcome
			r := mustResponder(t, ResponderConfig{Answerer: eng, Timeout: tt.timeout, Observe: func(o Outcome) { outcomes = append(outcomes, o) }})
			reply := r.Respond(context.Background(), Request{Question: tt.question, Platform: PlatformSlack, Top: tt.top, Usage: "/ask"})
			if reply.Kind != tt.want {
				t.Errorf("kind %s, want %s (err %v)", reply.Kind, tt.want, reply.Err)
			}
			asked := eng.questions()
			if strings.Join(asked, "|") != strings.Join(tt.wantAsked, "|") || (asked == nil) != (tt.wantAsked == nil) {
				t.Errorf("engine asked %q, want %q", asked, tt.wantAsked)
			}
			if len(eng.tops) > 0 && eng.tops[0] != tt.wantTop {
				t.Errorf("engine asked for %d passages, want %d", eng.tops[0], tt.wantTop)
			}
			if !strings.Contains(reply.Text(nil), tt.wantText) {
				t.Errorf("text %q, want it to contain %q", reply.Text(nil), tt.wantText)
			}
			if tt.wantErr != nil && !errors.Is(reply.Err, tt.wantErr) {
				t.Errorf("err %v, want %v", reply.Err, tt.wantErr)
			}
			if tt.wantErr == nil && reply.Err != nil {
				t.Errorf("err %v, want none", reply.Err)
			}
			if reply.Answer.Question != tt.question || reply.Answer.Passages == nil {
				t.Errorf("answer %+v, want the question as asked and non-nil passages", reply.Answer)
			}
			if len(outcomes) != 1 || outcomes[0].Kind != reply.Kind || outcomes[0].Platform != PlatformSlack || outcomes[0].Question != reply.Question {
				t.Errorf("outcomes %+v, want one of kind %s on slack", outcomes, reply.Kind)
			}
		})
	}
}

// TestRespondLogsNoQuestionOrUser: a failure is logged with the platform
// and request id, without what the asker typed or who they are.
func TestRespondLogsNoQuestionOrUser(t *testing.T) {
	var logs strings.Builder
	r := mustResponder(t, ResponderConfig{Answerer: &fakeEngine{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for _, q := range []string{"boom secret words", "panic secret words"} {
		r.Respond(context.Background(), Request{Question: q, Platform: PlatformDiscord, User: "U-secret-user", ID: "req-1"})
	}
	got := logs.String()
	if !strings.Contains(got, "platform=discord") || !strings.Contains(got, "request_id=req-1") || !strings.Contains(got, "index not loaded") || !strings.Contains(got, "engine exploded") {
		t.Errorf("the log lacks the platform, request id or causes:\n%s", got)
	}
	if strings.Contains(got, "secret") {
		t.Errorf("the log holds the question or the user:\n%s", got)
	}
}

// TestRespondAbandoned: when the caller's context ends, the reply is an
// error logged at info level, not as an engine failure.
func TestRespondAbandoned(t *testing.T) {
	var logs strings.Builder
	r := mustResponder(t, ResponderConfig{Answerer: &fakeEngine{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	reply := r.Respond(ctx, Request{Question: "stuck", Platform: PlatformAPI})
	if reply.Kind != KindError || !errors.Is(reply.Err, context.Canceled) {
		t.Fatalf("kind %s err %v, want an error wrapping context.Canceled", reply.Kind, reply.Err)
	}
	if !strings.Contains(logs.String(), "level=INFO msg=\"answer abandoned\"") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// blockingEngine holds every question until released, saying when each
// arrives.
type blockingEngine struct {
	arrived chan string
	release chan struct{}
}

func newBlockingEngine() *blockingEngine {
	return &blockingEngine{arrived: make(chan string, 10), release: make(chan struct{})}
}

func (e *blockingEngine) Answer(ctx context.Context, q string, top int) (Answer, error) {
	e.arrived <- q
	select {
	case <-e.release:
	case <-ctx.Done():
		return Answer{}, ctx.Err()
	}
	return Answer{Question: q, Found: true, Passages: []Hit{fishHit}}, nil
}

func receive[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(wait):
		t.Fatalf("no %s within %s", what, wait)
		var zero T
		return zero
	}
}

// controlledSleep is a Gate clock that reports each wait and returns once
// the test sends on expire, or when its context ends.
func controlledSleep(waits chan<- time.Duration, expire <-chan struct{}) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		waits <- d
		select {
		case <-expire:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// TestRespondBusy holds the one answer slot and checks what other
// questions get: busy at once without a wait, busy when the wait ends,
// turned away when the queue is full too, and answered when the slot frees
// up within the wait.
func TestRespondBusy(t *testing.T) {
	eng := newBlockingEngine()
	waits, expire := make(chan time.Duration, 10), make(chan struct{})
	var mu sync.Mutex
	kinds := map[Kind]int{}
	r := mustResponder(t, ResponderConfig{Answerer: eng, MaxInFlight: 1, Sleep: controlledSleep(waits, expire),
		Observe: func(o Outcome) { mu.Lock(); kinds[o.Kind]++; mu.Unlock() }})
	ask := func(q string, wait time.Duration) <-chan Reply {
		out := make(chan Reply, 1)
		go func() {
			out <- r.Respond(context.Background(), Request{Question: q, Platform: PlatformDiscord, Wait: wait})
		}()
		return out
	}
	first := ask("fish first", 0)
	receive(t, eng.arrived, "first question at the engine")

	if got := r.Respond(context.Background(), Request{Question: "fish now", Wait: 0}); got.Kind != KindBusy || got.Text(nil) != Busy {
		t.Errorf("a question that may not wait got %s %q, want busy", got.Kind, got.Text(nil))
	}
	waiting := ask("fish later", time.Minute)
	if d := receive(t, waits, "a wait for the slot"); d != time.Minute {
		t.Errorf("waited %s, want the request's minute", d)
	}
	// The slot and the one place in the queue are taken: turned away.
	if got := r.Respond(context.Background(), Request{Question: "fish too", Wait: time.Minute}); got.Kind != KindBusy {
		t.Errorf("a question finding the queue full got %s, want busy", got.Kind)
	}
	expire <- struct{}{}
	if got := receive(t, waiting, "reply to the waiting question"); got.Kind != KindBusy {
		t.Errorf("a question whose wait ended got %s, want busy", got.Kind)
	}

	again := ask("fish again", time.Minute)
	receive(t, waits, "a second wait for the slot")
	close(eng.release)
	if got := receive(t, first, "first reply"); got.Kind != KindAnswered {
		t.Errorf("first question got %s", got.Kind)
	}
	if got := receive(t, again, "reply to the question waiting when the slot freed"); got.Kind != KindAnswered {
		t.Errorf("a question waiting when the slot freed got %s, want answered", got.Kind)
	}
	mu.Lock()
	defer mu.Unlock()
	if kinds[KindBusy] != 3 || kinds[KindAnswered] != 2 {
		t.Errorf("observed %v, want 3 busy and 2 answered", kinds)
	}
}

// TestRespondKeepsTheCallersTurn: a Turn passed in the request stays held
// after Respond, until the caller ends it.
func TestRespondKeepsTheCallersTurn(t *testing.T) {
	r := mustResponder(t, ResponderConfig{Answerer: &fakeEngine{}})
	g := NewGate(1, nil)
	turn := g.Reserve()
	if got := r.Respond(context.Background(), Request{Question: "fish", Turn: turn}); got.Kind != KindAnswered {
		t.Fatalf("kind %s", got.Kind)
	}
	if other := g.Reserve(); other.Await(context.Background(), 0) {
		t.Error("the slot was given back by Respond, not by its owner")
	}
	turn.Done()
	if other := g.Reserve(); !other.Await(context.Background(), 0) {
		t.Error("the slot was not free once its owner was done")
	}
	if got := r.Respond(context.Background(), Request{Question: "fish", Turn: g.Reserve()}); got.Kind != KindBusy {
		t.Errorf("a request whose turn was refused got %s, want busy", got.Kind)
	}
}

// limiterFunc adapts a function to Limiter.
type limiterFunc func(Platform, string) (bool, time.Duration)

func (f limiterFunc) Allow(p Platform, u string) (bool, time.Duration) { return f(p, u) }

func TestRespondRateLimited(t *testing.T) {
	eng := &fakeEngine{}
	var seen []string
	r := mustResponder(t, ResponderConfig{Answerer: eng, MaxInFlight: 1, Limiter: limiterFunc(func(p Platform, u string) (bool, time.Duration) {
		seen = append(seen, string(p)+"/"+u)
		return u != "flooder", 3 * time.Second
	})})
	got := r.Respond(context.Background(), Request{Question: "fish", Platform: PlatformSlack, User: "flooder"})
	if got.Kind != KindRateLimited || got.RetryAfter != 3*time.Second || got.Text(nil) != RateLimited {
		t.Errorf("reply %s after %s %q, want rate_limited after 3s", got.Kind, got.RetryAfter, got.Text(nil))
	}
	if got := r.Respond(context.Background(), Request{Question: "fish", Platform: PlatformSlack, User: "calm"}); got.Kind != KindAnswered {
		t.Errorf("an asker within their rate got %s (a refused one kept a slot?)", got.Kind)
	}
	if strings.Join(seen, ",") != "slack/flooder,slack/calm" || len(eng.questions()) != 1 {
		t.Errorf("limiter asked %v, engine asked %q", seen, eng.questions())
	}
}

func TestReplyTextAndHits(t *testing.T) {
	esc := func(s string) string { return strings.ReplaceAll(s, "&", "&amp;") }
	two := []Hit{fishHit, fishHit}
	tests := []struct {
		reply    Reply
		want     string
		wantHits int
	}{
		{Reply{Kind: KindAnswered, Answer: Answer{Found: true, Passages: two}}, "", 2},
		{Reply{Kind: KindClosest, Answer: Answer{Closest: []Hit{fishHit}}}, "The documents don't say that in those words. Closest passage:", 1},
		{Reply{Kind: KindClosest, Answer: Answer{Closest: two}}, "The documents don't say that in those words. Closest passages:", 2},
		{Reply{Kind: KindNotCovered, Answer: Answer{Topics: []string{"trade & investment"}}}, "The documents do not cover that. They cover: trade &amp; investment.", 0},
		{Reply{Kind: KindHelp, Usage: "<@U1>", Answer: Answer{Topics: []string{"a & b"}}},
			"Ask a question about the documents and I quote the passages that answer it, with where they come from.\nExample: <@U1> what did they say about fisheries?\nTopics covered: a &amp; b.", 0},
		{Reply{Kind: KindHelp}, "Ask a question about the documents and I quote the passages that answer it, with where they come from.\nExample: what did they say about fisheries?", 0},
		{Reply{Kind: KindTooLong}, TooLong, 0},
		{Reply{Kind: KindRateLimited}, RateLimited, 0},
		{Reply{Kind: KindBusy}, Busy, 0},
		{Reply{Kind: KindError}, Apology, 0},
	}
	for _, tt := range tests {
		t.Run(tt.reply.Kind.String(), func(t *testing.T) {
			if got := tt.reply.Text(esc); got != tt.want {
				t.Errorf("Text = %q, want %q", got, tt.want)
			}
			if got := len(tt.reply.Hits()); got != tt.wantHits {
				t.Errorf("%d hits, want %d", got, tt.wantHits)
			}
		})
	}
}

func TestKinds(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		name := k.String()
		if name == "unknown" || seen[name] {
			t.Errorf("kind %d named %q", k, name)
		}
		seen[name] = true
	}
	if len(seen) != 8 || !strings.Contains(KindNames(), "closest") || Kind(0).String() != "unknown" {
		t.Errorf("kinds %v, names %q", seen, KindNames())
	}
}

func TestNewResponderNeedsAnAnswerer(t *testing.T) {
	if _, err := NewResponder(ResponderConfig{}); err == nil {
		t.Fatal("a Responder without an Answerer was made")
	}
}

// TestGate checks the Gate's counting for a few sizes.
func TestGate(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, 3} {
		g := NewGate(n, func(context.Context, time.Duration) error { return nil })
		var slots, queued []*Turn
		for range n {
			slots = append(slots, g.Reserve())
		}
		for range n {
			queued = append(queued, g.Reserve())
		}
		if refused := g.Reserve(); !refused.Refused() || refused.Await(ctx, time.Minute) {
			t.Errorf("n=%d: a turn past the slots and the queue was given", n)
		}
		for _, s := range slots {
			if s.Refused() || !s.Await(ctx, 0) {
				t.Errorf("n=%d: a turn holding a slot did not get it", n)
			}
		}
		if queued[0].Refused() || queued[0].Await(ctx, time.Minute) {
			t.Errorf("n=%d: a queued turn got a slot while all were taken", n)
		}
		// Its place in the queue was given back.
		if extra := g.Reserve(); extra.Refused() {
			t.Errorf("n=%d: the queue place given back was refused", n)
		} else {
			extra.Done()
		}
		slots[0].Done()
		slots[0].Done() // a second Done gives back nothing more
		if !g.Reserve().Await(ctx, 0) {
			t.Errorf("n=%d: the slot given back was not taken", n)
		}
		if g.Reserve().Await(ctx, 0) {
			t.Errorf("n=%d: a second Done gave back a slot it did not hold", n)
		}
	}
}
