package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/quotebot/quotebot/bot"
)

// startSocket starts a Bot in Socket Mode against the fake and returns the
// fake's side of its websocket, after hello.
func startSocket(t *testing.T, edit func(*Config)) (*harness, *socket) {
	t.Helper()
	h := start(t, func(c *Config) {
		c.AppToken = "xapp-1-A1-test"
		c.SigningSecret = ""
		if edit != nil {
			edit(c)
		}
	})
	if !h.bot.SocketMode() {
		t.Fatal("not in Socket Mode with an app-level token")
	}
	if c := h.f.next(t, mOpen); c.Auth != "Bearer xapp-1-A1-test" {
		t.Errorf("apps.connections.open authorised with %q, want the app-level token", c.Auth)
	}
	return h, h.f.accept(t)
}

// commandPayload is a slash command as Socket Mode sends it: the form's
// fields as a JSON object.
func commandPayload(text, responseURL string) map[string]any {
	form, _ := url.ParseQuery(commandForm(text, responseURL))
	p := map[string]any{}
	for k := range form {
		p[k] = form.Get(k)
	}
	return p
}

func rawEvent(id string, inner map[string]any) json.RawMessage {
	return json.RawMessage(eventJSON(id, inner))
}

func TestSocketMention(t *testing.T) {
	h, s := startSocket(t, nil)
	s.envelope("events_api", "env-1", rawEvent("Ev1", mention("<@UBOT> what did they say about fisheries?")), 0)
	if a := s.readAck(); a.EnvelopeID != "env-1" || len(a.Payload) != 0 {
		t.Errorf("ack %+v, want env-1 without payload", a)
	}
	c := h.f.next(t, mPost)
	if c.Form.Get("channel") != "C1" || c.Form.Get("thread_ts") != "1700000000.000100" {
		t.Errorf("posted to %q thread %q", c.Form.Get("channel"), c.Form.Get("thread_ts"))
	}
	if !strings.Contains(c.blocks(), "*The statement said") {
		t.Errorf("blocks: %s", c.blocks())
	}
	if got := h.out.next(t); got != "mention/answered" {
		t.Errorf("outcome %q", got)
	}
}

func TestSocketDirectMessage(t *testing.T) {
	h, s := startSocket(t, nil)
	s.envelope("events_api", "env-1", rawEvent("Ev1", dm("漁業について")), 0)
	if a := s.readAck(); a.EnvelopeID != "env-1" {
		t.Errorf("ack %+v", a)
	}
	if c := h.f.next(t, mPost); c.Form.Get("channel") != "D1" || c.Form.Has("thread_ts") {
		t.Errorf("posted to %q thread %q, want D1 and no thread", c.Form.Get("channel"), c.Form.Get("thread_ts"))
	}
	if q := h.eng.nextQuestion(t); q != "漁業について" {
		t.Errorf("engine asked %q", q)
	}
}

func TestSocketSlashCommandInline(t *testing.T) {
	h, s := startSocket(t, nil)
	s.envelope("slash_commands", "env-2", commandPayload("what about fisheries?", h.f.responseURL("cmd")), 0)
	a := s.readAck()
	if a.EnvelopeID != "env-2" {
		t.Fatalf("ack for %q, want env-2", a.EnvelopeID)
	}
	rt, text, blocks := commandReply(t, string(a.Payload))
	if rt != "ephemeral" || text == "" || !strings.Contains(blocks, "*The statement said") || !strings.Contains(blocks, shareActionID) {
		t.Errorf("ack payload: response_type %q, text %q, blocks %s", rt, text, blocks)
	}
	h.out.next(t)
	h.bot.Stop()
	if n := h.f.count(mResponse); n != 0 {
		t.Errorf("%d response_url posts for an answer given in the ack", n)
	}
}

func TestSocketSlashCommandLate(t *testing.T) {
	h, s := startSocket(t, func(c *Config) { c.InlineBudget = 1 })
	s.envelope("slash_commands", "env-3", commandPayload("slow fisheries", h.f.responseURL("cmd3")), 0)
	if a := s.readAck(); a.EnvelopeID != "env-3" || len(a.Payload) != 0 {
		t.Errorf("ack %+v, want env-3 without payload", a)
	}
	h.eng.unblock()
	c := h.f.next(t, mResponse)
	if c.Path != "/response/cmd3" || c.JSON["response_type"] != "ephemeral" || !strings.Contains(c.blocks(), "*The statement said") {
		t.Errorf("late answer to %s as %v: %s", c.Path, c.JSON["response_type"], c.blocks())
	}
}

// TestSocketSlashCommandTooBigForAck: Socket Mode drops acks of 20 KB or
// more, so such an answer goes to the response_url after an empty ack.
func TestSocketSlashCommandTooBigForAck(t *testing.T) {
	h, s := startSocket(t, func(c *Config) {
		c.Answerer = bot.AnswererFunc(func(ctx context.Context, q string, top int) (bot.Answer, error) {
			hits := make([]bot.Hit, 10)
			for i := range hits {
				hits[i] = fisheryHit
				hits[i].Text = strings.Repeat("Fishing & aquaculture grew. ", 100)
			}
			return bot.Answer{Found: true, Passages: hits}, nil
		})
	})
	s.envelope("slash_commands", "env-5", commandPayload("fisheries", h.f.responseURL("big")), 0)
	if a := s.readAck(); a.EnvelopeID != "env-5" || len(a.Payload) != 0 {
		t.Errorf("ack %q with %d bytes of payload, want env-5 without", a.EnvelopeID, len(a.Payload))
	}
	if c := h.f.next(t, mResponse); c.Path != "/response/big" || c.JSON["response_type"] != "ephemeral" {
		t.Errorf("answer to %s as %v", c.Path, c.JSON["response_type"])
	}
}

func TestSocketShare(t *testing.T) {
	h, s := startSocket(t, nil)
	s.envelope("interactive", "env-4", shareClick("what about fisheries?", h.f.responseURL("share")), 0)
	if a := s.readAck(); a.EnvelopeID != "env-4" || len(a.Payload) != 0 {
		t.Errorf("ack %+v", a)
	}
	c := h.f.next(t, mResponse)
	if c.JSON["response_type"] != "in_channel" || !strings.HasPrefix(c.text(), "<@U1> asked: what about fisheries?") {
		t.Errorf("shared as %v: %q", c.JSON["response_type"], c.text())
	}
	if c := h.f.next(t, mResponse); c.JSON["delete_original"] != true {
		t.Errorf("the ephemeral original was not removed: %v", c.JSON)
	}
}

func TestSocketRetries(t *testing.T) {
	t.Run("a retry of an answered event is acknowledged and dropped", func(t *testing.T) {
		h, s := startSocket(t, nil)
		s.envelope("events_api", "env-1", rawEvent("EvS1", mention("<@UBOT> fisheries?")), 0)
		s.readAck()
		h.f.next(t, mPost)
		h.out.next(t)
		s.envelope("events_api", "env-2", rawEvent("EvS1", mention("<@UBOT> fisheries?")), 1)
		if a := s.readAck(); a.EnvelopeID != "env-2" {
			t.Errorf("the retry was not acknowledged: %+v", a)
		}
		h.bot.Stop()
		if n := h.f.count(mPost); n != 1 {
			t.Errorf("%d replies to one question", n)
		}
	})
	t.Run("a retry of an event whose reply failed is answered", func(t *testing.T) {
		h, s := startSocket(t, nil)
		h.f.then(mPost, reply{status: 500, body: "oops"})
		s.envelope("events_api", "env-1", rawEvent("EvS2", dm("fisheries?")), 0)
		s.readAck()
		if got := h.out.next(t); got != "dm/undelivered" {
			t.Fatalf("outcome %q, want the first reply to fail", got)
		}
		s.envelope("events_api", "env-2", rawEvent("EvS2", dm("fisheries?")), 1)
		s.readAck()
		if got := h.out.next(t); got != "dm/answered" {
			t.Errorf("outcome of the retry %q", got)
		}
	})
}

// TestSocketReconnect: when the websocket drops without a close frame,
// slack-go asks apps.connections.open for a new URL and connects again; an
// event delivered on the new connection is acknowledged and answered once.
func TestSocketReconnect(t *testing.T) {
	h, first := startSocket(t, nil)
	first.drop()
	if c := h.f.next(t, mOpen); c.Auth != "Bearer xapp-1-A1-test" {
		t.Errorf("apps.connections.open authorised with %q on reconnecting", c.Auth)
	}
	s := h.f.accept(t)
	s.envelope("events_api", "env-1", rawEvent("EvRe", mention("<@UBOT> fisheries, after a reconnect?")), 0)
	if a := s.readAck(); a.EnvelopeID != "env-1" || len(a.Payload) != 0 {
		t.Errorf("ack %+v, want env-1 without payload", a)
	}
	if q := h.eng.nextQuestion(t); q != "fisheries, after a reconnect?" {
		t.Errorf("engine asked %q", q)
	}
	if c := h.f.next(t, mPost); c.Form.Get("channel") != "C1" || !strings.Contains(c.blocks(), "*The statement said") {
		t.Errorf("posted to %q: %s", c.Form.Get("channel"), c.blocks())
	}
	if got := h.out.next(t); got != "mention/answered" {
		t.Errorf("outcome %q", got)
	}
	h.bot.Stop()
	s.closed() // nothing after the one ack, such as a second ack
	if n := h.f.count(mOpen); n != 2 {
		t.Errorf("%d apps.connections.open calls, want 2: the first connection and the reconnection", n)
	}
	if n := h.f.count(mPost); n != 1 {
		t.Errorf("%d replies to one question", n)
	}
	h.noQuestions(t)
	if n := len(h.out.replies); n != 0 {
		t.Errorf("%d more outcomes after the answer", n)
	}
	if !strings.Contains(h.logs.String(), "Socket Mode reconnected") {
		t.Errorf("the log does not say Socket Mode reconnected:\n%s", h.logs)
	}
}

// TestSocketUnknownMessageAcked: an envelope slack-go cannot parse is still
// acknowledged, or Slack would keep resending it.
func TestSocketUnknownMessageAcked(t *testing.T) {
	h, s := startSocket(t, nil)
	s.envelope("events_api", "env-odd", rawEvent("EvOdd", map[string]any{"type": "brand_new_event", "user": "U1"}), 0)
	if a := s.readAck(); a.EnvelopeID != "env-odd" {
		t.Errorf("ack %+v, want env-odd", a)
	}
	h.bot.Stop()
	h.noQuestions(t)
}

func TestSocketBadAppToken(t *testing.T) {
	f := newFakeSlack(t)
	f.then(mOpen, apiError("invalid_auth"))
	b, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-revoked", APIURL: f.apiURL(), Answerer: newEngine()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Stop()
	err = b.Start(t.Context())
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); !ok || se.Err != "invalid_auth" {
		t.Errorf("Start = %v, want the invalid_auth error", err)
	}
}
