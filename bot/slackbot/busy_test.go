package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
)

// asker sends Slack's requests to a started Bot over one transport and
// waits for them to be acknowledged.
type asker interface {
	// event delivers an Events API callback (retry > 0 for a redelivery).
	event(t *testing.T, id string, inner map[string]any, retry int)
	// command sends a slash command and returns its inline reply as JSON,
	// or "" when it was acknowledged empty.
	command(t *testing.T, text, responseURL string) string
	// click sends a block_actions interaction.
	click(t *testing.T, payload map[string]any)
}

// transports start a Bot and return how to ask it, over each transport.
var transports = []struct {
	name  string
	start func(t *testing.T, edit func(*Config)) (*harness, asker)
}{
	{"http", func(t *testing.T, edit func(*Config)) (*harness, asker) {
		h := start(t, edit)
		return h, httpAsker{h}
	}},
	{"socket mode", func(t *testing.T, edit func(*Config)) (*harness, asker) {
		h, s := startSocket(t, edit)
		return h, &socketAsker{s: s}
	}},
}

type httpAsker struct{ h *harness }

func (a httpAsker) event(t *testing.T, id string, inner map[string]any, retry int) {
	t.Helper()
	var header map[string]string
	if retry > 0 {
		header = map[string]string{"X-Slack-Retry-Num": strconv.Itoa(retry), "X-Slack-Retry-Reason": "http_timeout"}
	}
	a.h.mustPost(t, "/slack/events", jsonType, eventJSON(id, inner), header)
}

func (a httpAsker) command(t *testing.T, text, responseURL string) string {
	t.Helper()
	return a.h.mustPost(t, "/slack/commands", formType, commandForm(text, responseURL), nil)
}

func (a httpAsker) click(t *testing.T, payload map[string]any) {
	t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	a.h.mustPost(t, "/slack/interactions", formType, url.Values{"payload": {string(b)}}.Encode(), nil)
}

type socketAsker struct {
	s *socket
	n int // envelopes sent
}

// send sends an envelope and returns the bot's ack of it.
func (a *socketAsker) send(t *testing.T, typ string, payload any, retry int) ack {
	t.Helper()
	a.n++
	id := fmt.Sprintf("env-%d", a.n)
	a.s.envelope(typ, id, payload, retry)
	got := a.s.readAck()
	if got.EnvelopeID != id {
		t.Fatalf("ack for %q, want %q", got.EnvelopeID, id)
	}
	return got
}

func (a *socketAsker) event(t *testing.T, id string, inner map[string]any, retry int) {
	t.Helper()
	a.send(t, "events_api", rawEvent(id, inner), retry)
}

func (a *socketAsker) command(t *testing.T, text, responseURL string) string {
	t.Helper()
	return string(a.send(t, "slash_commands", commandPayload(text, responseURL), 0).Payload)
}

func (a *socketAsker) click(t *testing.T, payload map[string]any) {
	t.Helper()
	a.send(t, "interactive", payload, 0)
}

// slotWaits is a Config.Sleep that reports each wait on waits and returns
// once the test sends on expire, or when ctx ends.
func slotWaits(waits chan<- time.Duration, expire <-chan struct{}) func(context.Context, time.Duration) error {
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

// nextWait waits for the next wait to begin and returns its length.
func nextWait(t *testing.T, waits <-chan time.Duration) time.Duration {
	t.Helper()
	select {
	case d := <-waits:
		return d
	case <-time.After(wait):
		t.Fatalf("no question began to wait for a slot within %s", wait)
		return 0
	}
}

// TestBusy holds the one answer slot (MaxInFlight 1) with a question the
// engine answers only when released, and checks what each other question
// gets meanwhile, and after.
func TestBusy(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			waits, expire := make(chan time.Duration, 10), make(chan struct{})
			h, ask := tr.start(t, func(c *Config) {
				c.MaxInFlight = 1
				c.Sleep = slotWaits(waits, expire)
			})
			ask.event(t, "EvSlow", mention("<@UBOT> slow fisheries?"), 0)
			if q := h.eng.nextQuestion(t); q != "slow fisheries?" {
				t.Fatalf("engine asked %q", q)
			}

			// Another mention waits for the slot, for 10 seconds.
			busy := mention("<@UBOT> what about fisheries?")
			busy["ts"], busy["event_ts"] = "1700000000.000200", "1700000000.000200"
			ask.event(t, "EvBusy", busy, 0)
			if d := nextWait(t, waits); d != 10*time.Second {
				t.Errorf("the mention waits %s for a slot, want 10s", d)
			}
			// A slash command does not wait: it is told at once, inline.
			rt, text, _ := commandReply(t, ask.command(t, "fisheries?", h.f.responseURL("cmd-busy")))
			if rt != "ephemeral" || text != bot.Busy {
				t.Errorf("/ask while busy: %s %q, want ephemeral %q", rt, text, bot.Busy)
			}
			if got := h.out.next(t); got != "command/busy" {
				t.Errorf("outcome %q", got)
			}
			// With the slot and the one place in the queue taken, a DM is
			// dropped at once.
			ask.event(t, "EvDropped", dm("and trade?"), 0)
			if got := h.out.next(t); got != "dm/dropped" {
				t.Errorf("outcome %q", got)
			}
			// When its wait ends, the mention is told to ask again, where its
			// answer would have gone: in its thread. A redelivery of it is a
			// duplicate.
			expire <- struct{}{}
			if c := h.f.next(t, mPost); c.Form.Get("channel") != "C1" || c.Form.Get("thread_ts") != "1700000000.000200" || c.text() != bot.Busy {
				t.Errorf("busy reply to %q thread %q: %q", c.Form.Get("channel"), c.Form.Get("thread_ts"), c.text())
			}
			if got := h.out.next(t); got != "mention/busy" {
				t.Errorf("outcome %q", got)
			}
			ask.event(t, "EvBusy", busy, 1)
			// A share waits too, and is told in an ephemeral response.
			ask.click(t, shareClick("what about fisheries?", h.f.responseURL("share-busy")))
			nextWait(t, waits)
			expire <- struct{}{}
			if c := h.f.next(t, mResponse); c.Path != "/response/share-busy" || c.JSON["response_type"] != "ephemeral" || c.text() != bot.Busy {
				t.Errorf("busy share reply to %s as %v: %q", c.Path, c.JSON["response_type"], c.text())
			}
			if got := h.out.next(t); got != "share/busy" {
				t.Errorf("outcome %q", got)
			}

			// Once the first question is answered, the next ones are answered
			// as usual, without waiting.
			h.eng.unblock()
			if c := h.f.next(t, mPost); c.Form.Get("thread_ts") != "1700000000.000100" || !strings.Contains(c.blocks(), "*The statement said") {
				t.Errorf("first answer to %q thread %q: %s", c.Form.Get("channel"), c.Form.Get("thread_ts"), c.blocks())
			}
			if got := h.out.next(t); got != "mention/answered" {
				t.Errorf("outcome %q", got)
			}
			ask.event(t, "EvAfter", dm("fisheries, now?"), 0)
			if c := h.f.next(t, mPost); c.Form.Get("channel") != "D1" || !strings.Contains(c.blocks(), "*The statement said") {
				t.Errorf("answer after the slot freed to %q: %s", c.Form.Get("channel"), c.blocks())
			}
			if got := h.out.next(t); got != "dm/answered" {
				t.Errorf("outcome %q", got)
			}
			_, _, blocks := commandReply(t, ask.command(t, "fisheries?", h.f.responseURL("cmd-after")))
			if !strings.Contains(blocks, "*The statement said") {
				t.Errorf("/ask after the slot freed: %s", blocks)
			}

			h.bot.Stop()
			if asked := drain(h.eng.asked); !slices.Equal(asked, []string{"fisheries, now?", "fisheries?"}) {
				t.Errorf("the engine was then asked %q, want only the questions that got a slot", asked)
			}
			if n := h.f.count(mPost); n != 3 {
				t.Errorf("%d chat.postMessage calls, want 3: the busy reply and two answers", n)
			}
			if n := h.f.count(mResponse); n != 1 {
				t.Errorf("%d response_url posts, want 1: the busy share reply", n)
			}
			if r := h.out.rejected(); !slices.Equal(r, []string{"duplicate"}) {
				t.Errorf("rejections %v, want the busy mention's redelivery as a duplicate", r)
			}
			if n := len(waits); n != 0 {
				t.Errorf("%d more waits for a slot, want none after it freed", n)
			}
			logs := h.logs.String()
			for _, want := range []string{
				`level=WARN msg="slack: too busy to answer; asked to ask again"`,
				"surface=mention channel=C1", "surface=command channel=C1", "surface=share channel=C1",
				`level=WARN msg="slack: too busy to answer or to say so; question dropped"`,
			} {
				if !strings.Contains(logs, want) {
					t.Errorf("the log lacks %s:\n%s", want, logs)
				}
			}
		})
	}
}

// drain returns what is buffered in c, without waiting.
func drain[T any](c <-chan T) []T {
	var got []T
	for {
		select {
		case v := <-c:
			got = append(got, v)
		default:
			return got
		}
	}
}

// TestStopWhileWaiting: Stop does not wait for a question waiting for a
// slot; the question is dropped unanswered.
func TestStopWhileWaiting(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			waits := make(chan time.Duration, 10)
			h, ask := tr.start(t, func(c *Config) {
				c.MaxInFlight = 1
				c.Sleep = slotWaits(waits, nil) // only Stop ends the wait
			})
			ask.event(t, "EvSlow", mention("<@UBOT> slow fisheries?"), 0)
			h.eng.nextQuestion(t)
			ask.event(t, "EvWaiting", dm("what about fisheries?"), 0)
			nextWait(t, waits)

			stopped := make(chan struct{})
			go func() {
				h.bot.Stop()
				close(stopped)
			}()
			select {
			case <-stopped:
			case <-time.After(wait):
				t.Fatalf("Stop did not return within %s while a question waited for a slot", wait)
			}
			h.noQuestions(t)
			var got []string
			for range 2 {
				got = append(got, h.out.next(t))
			}
			if !slices.Contains(got, "dm/dropped") {
				t.Errorf("outcomes %v, want the waiting DM dropped", got)
			}
		})
	}
}
