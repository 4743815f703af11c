package discordbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/corpus"
)

// observer collects Config.Observe calls as "kind/outcome".
type observer struct{ events chan string }

func newObserver() *observer { return &observer{events: make(chan string, 64)} }

func (o *observer) observe(kind, outcome string) {
	select {
	case o.events <- kind + "/" + outcome:
	default:
	}
}

// next returns the next observation, failing after waitTime.
func (o *observer) next(t *testing.T) string {
	t.Helper()
	select {
	case e := <-o.events:
		return e
	case <-time.After(waitTime):
		t.Fatal("no observation")
		return ""
	}
}

// expect fails unless the next observations are want, in any order.
func (o *observer) expect(t *testing.T, want ...string) {
	t.Helper()
	got := map[string]int{}
	for range want {
		got[o.next(t)]++
	}
	for _, w := range want {
		if got[w] == 0 {
			t.Fatalf("observations = %v, want %v", got, want)
		}
		got[w]--
	}
}

// syncBuffer is a log sink safe for concurrent writes and reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger(t *testing.T) (*slog.Logger, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", buf)
		}
	})
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// The passage the fake answerers quote.
const (
	fishText      = "The statement said China and Peru are willing to enhance their cooperation on fishing industry. Both sides *welcomed* progress."
	fishHighlight = "The statement said China and Peru are willing to enhance their cooperation on fishing industry."
)

var testTopics = []string{"fisheries", "trade"}

func fishAnswer(question string) bot.Answer {
	return bot.Answer{Question: question, Found: true, Passages: []bot.Hit{{
		ID: "p7", Doc: "china-peru-statement", Title: "China, Peru to deepen partnership", Date: "Nov 15, 2024",
		Paragraph: 7, Text: fishText, Highlight: fishHighlight,
		Spans: []corpus.Span{{Start: 0, End: len(fishHighlight)}},
	}}}
}

// recordingAnswerer answers every question with fishAnswer (or the topics
// for an empty one) and records the questions it was asked.
type recordingAnswerer struct{ questions chan string }

func newRecordingAnswerer() *recordingAnswerer {
	return &recordingAnswerer{questions: make(chan string, 64)}
}

func (a *recordingAnswerer) Answer(ctx context.Context, question string, top int) (bot.Answer, error) {
	a.questions <- question
	if question == "" {
		return bot.Answer{Topics: testTopics}, nil
	}
	return fishAnswer(question), nil
}

func (a *recordingAnswerer) next(t *testing.T) string {
	t.Helper()
	select {
	case q := <-a.questions:
		return q
	case <-time.After(waitTime):
		t.Fatal("the answerer was not asked")
		return ""
	}
}

// blockingAnswerer answers only once release is closed (or its context
// ends), to force the deferred path.
type blockingAnswerer struct {
	asked   chan string
	release chan struct{}
}

func newBlockingAnswerer() *blockingAnswerer {
	return &blockingAnswerer{asked: make(chan string, 8), release: make(chan struct{})}
}

func (a *blockingAnswerer) Answer(ctx context.Context, question string, top int) (bot.Answer, error) {
	a.asked <- question
	select {
	case <-a.release:
		return fishAnswer(question), nil
	case <-ctx.Done():
		return bot.Answer{}, ctx.Err()
	}
}

// wait returns once the answerer has been asked.
func (a *blockingAnswerer) wait(t *testing.T) string {
	t.Helper()
	select {
	case q := <-a.asked:
		return q
	case <-time.After(waitTime):
		t.Fatal("the answerer was not asked")
		return ""
	}
}

// refusingAnswerer fails the test if it is ever asked.
func refusingAnswerer(t *testing.T) bot.AnswererFunc {
	return func(ctx context.Context, question string, top int) (bot.Answer, error) {
		t.Errorf("the answerer was asked %q", question)
		return bot.Answer{}, errors.New("refused")
	}
}

// sentMessage is the part of a message payload (interaction response data,
// webhook edit, channel message) the tests look at.
type sentMessage struct {
	Content string `json:"content"`
	Flags   int    `json:"flags"`
	Embeds  []struct {
		Description string `json:"description"`
		Footer      *struct {
			Text string `json:"text"`
		} `json:"footer"`
	} `json:"embeds"`
	AllowedMentions *struct {
		Parse       []string `json:"parse"`
		RepliedUser bool     `json:"replied_user"`
	} `json:"allowed_mentions"`
	MessageReference *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

// decodeMessage decodes a message payload and checks that it can ping no
// one: allowed_mentions with an empty (not null) parse list.
func decodeMessage(t *testing.T, raw []byte) sentMessage {
	t.Helper()
	var m sentMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode message %s: %v", raw, err)
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 || m.AllowedMentions.RepliedUser {
		t.Errorf("allowed_mentions in %s: want {\"parse\": []}", raw)
	}
	return m
}

// interactionResponse is a response to an interaction (callback body or
// HTTP response).
type interactionResponse struct {
	Type int             `json:"type"`
	Data json.RawMessage `json:"data"`
}

func decodeResponse(t *testing.T, raw []byte) interactionResponse {
	t.Helper()
	var r interactionResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("decode interaction response %s: %v", raw, err)
	}
	return r
}

// assertFishEmbed checks that m quotes fishText with its highlight in bold
// and the citation in the footer.
func assertFishEmbed(t *testing.T, m sentMessage) {
	t.Helper()
	if len(m.Embeds) != 1 {
		t.Fatalf("embeds = %d, want 1 (content %q)", len(m.Embeds), m.Content)
	}
	e := m.Embeds[0]
	if want := "**" + fishHighlight + "** Both sides \\*welcomed\\* progress."; e.Description != want {
		t.Errorf("description = %q, want %q", e.Description, want)
	}
	if e.Footer == nil || e.Footer.Text != "China, Peru to deepen partnership · Nov 15, 2024 · ¶7" {
		t.Errorf("footer = %+v, want the citation", e.Footer)
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
