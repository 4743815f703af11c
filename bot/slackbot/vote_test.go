package slackbot

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/bot/internal/votetest"
)

// withVotes configures a harness's Bot to record votes in store (see
// votetest.Store.Voting).
func withVotes(t *testing.T, store *votetest.Store) func(*Config) {
	return func(c *Config) { c.Responder, c.Feedback = store.Voting(t, c.Answerer) }
}

// voteButtons finds the 👍 and 👎 buttons in a message's blocks (as Slack
// receives them) and returns the answer id they carry, "" when there are
// none.
func voteButtons(t *testing.T, blocks string) string {
	t.Helper()
	var bs slack.Blocks
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		t.Fatalf("blocks do not parse: %v\n%s", err, blocks)
	}
	var up, down string
	for _, b := range bs.BlockSet {
		ab, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, e := range ab.Elements.ElementSet {
			btn, ok := e.(*slack.ButtonBlockElement)
			if !ok {
				continue
			}
			switch btn.ActionID {
			case voteUpActionID:
				up = btn.Value
			case voteDownActionID:
				down = btn.Value
			}
		}
	}
	if up != down {
		t.Errorf("👍 names %q and 👎 %q, want the same answer", up, down)
	}
	return up
}

// voteClick is the block_actions payload of a click on 👍 (up) or 👎 in
// Slack's shape, on the message the bot posted in channel C1.
func voteClick(answerID string, up bool, responseURL string) map[string]any {
	actionID, emoji := voteDownActionID, "👎"
	if up {
		actionID, emoji = voteUpActionID, "👍"
	}
	return map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U2", "username": "bo", "name": "bo", "team_id": "T1"},
		"api_app_id": "A1", "token": "verification-token", "trigger_id": "1.2.4",
		"container":             map[string]any{"type": "message", "message_ts": "1700000000.000200", "channel_id": "C1", "is_ephemeral": false},
		"team":                  map[string]any{"id": "T1", "domain": "example"},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               map[string]any{"id": "C1", "name": "general"},
		"message":               map[string]any{"type": "message", "user": "UBOT", "ts": "1700000000.000200", "text": "…", "bot_id": "BBOT"},
		"response_url":          responseURL,
		"actions": []map[string]any{{"action_id": actionID, "block_id": actionsBlockID, "type": "button", "value": answerID,
			"text": map[string]any{"type": "plain_text", "text": emoji, "emoji": true}, "action_ts": "1700000002.000"}},
		"state": map[string]any{"values": map[string]any{}},
	}
}

// TestHTTPVote: an answer in a channel carries 👍 / 👎 naming it; a signed
// click records the vote, with the voter's team and user id, and tells the
// voter alone "Thanks — noted." without touching the answer.
func TestHTTPVote(t *testing.T) {
	store := votetest.New()
	h := start(t, withVotes(t, store))
	h.mustPost(t, "/slack/events", jsonType, eventJSON("EvV1", mention("<@UBOT> what about fisheries?")), nil)
	answerID := voteButtons(t, h.f.next(t, mPost).blocks())
	if !bot.ValidAnswerID(answerID) {
		t.Fatalf("the answer has no vote buttons with its id (%q)", answerID)
	}
	if a := store.Answer(answerID); a.Kind != bot.KindAnswered || a.Question != "what about fisheries?" || a.Passages[0] != fisheryHit.ID {
		t.Errorf("the reply kept is %+v", a)
	}

	for _, up := range []bool{false, true} {
		click, _ := json.Marshal(voteClick(answerID, up, h.f.responseURL("vote")))
		h.mustPost(t, "/slack/interactions", formType, url.Values{"payload": {string(click)}}.Encode(), nil)
		v := store.Next(t, wait)
		if v != (bot.Vote{AnswerID: answerID, Up: up, Platform: bot.PlatformSlack, User: "T1/U2"}) {
			t.Errorf("vote recorded %+v", v)
		}
		c := h.f.next(t, mResponse)
		if c.JSON["response_type"] != "ephemeral" || c.JSON["replace_original"] != false || c.JSON["delete_original"] == true || c.text() != bot.VoteThanks {
			t.Errorf("acknowledged with %v", c.JSON)
		}
	}
	if n := h.f.count(mPost); n != 1 {
		t.Errorf("%d chat.postMessage calls, want only the answer", n)
	}
}

// TestHTTPVoteUnknownAnswer: a click naming an answer the store does not
// have records nothing and says so to the voter.
func TestHTTPVoteUnknownAnswer(t *testing.T) {
	store := votetest.New()
	h := start(t, withVotes(t, store))
	click, _ := json.Marshal(voteClick(strings.Repeat("f", 32), true, h.f.responseURL("old")))
	h.mustPost(t, "/slack/interactions", formType, url.Values{"payload": {string(click)}}.Encode(), nil)
	if c := h.f.next(t, mResponse); c.text() != bot.VoteUnknown || c.JSON["response_type"] != "ephemeral" {
		t.Errorf("acknowledged with %v", c.JSON)
	}
	if store.Pending() != 0 {
		t.Error("a vote on an unknown answer was recorded")
	}
}

// TestVoteButtons: which replies carry 👍 / 👎, beside the share button.
func TestVoteButtons(t *testing.T) {
	store := votetest.New()
	h := start(t, withVotes(t, store))
	cmd := func(text string) string {
		t.Helper()
		return h.mustPost(t, "/slack/commands", formType, commandForm(text, h.f.responseURL("c")), nil)
	}
	tests := []struct {
		name, question string
		votes, share   bool
	}{
		{"an answer", "fisheries", true, true},
		{"closest passages", "nearby waters", true, true},
		{"not covered", "football", false, false},
		{"help", "help", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Blocks json.RawMessage `json:"blocks"`
			}
			if err := json.Unmarshal([]byte(cmd(tt.question)), &resp); err != nil {
				t.Fatal(err)
			}
			blocks := string(resp.Blocks)
			if got := voteButtons(t, blocks) != ""; got != tt.votes {
				t.Errorf("vote buttons = %v, want %v: %s", got, tt.votes, blocks)
			}
			if got := strings.Contains(blocks, shareActionID); got != tt.share {
				t.Errorf("share button = %v, want %v", got, tt.share)
			}
		})
	}

	plain := start(t, nil) // no Feedback: no buttons
	plain.mustPost(t, "/slack/events", jsonType, eventJSON("EvV2", mention("<@UBOT> fisheries?")), nil)
	if id := voteButtons(t, plain.f.next(t, mPost).blocks()); id != "" {
		t.Errorf("vote buttons without Feedback: %q", id)
	}
}

// TestSocketVote: a click arriving over Socket Mode is acknowledged on the
// socket and recorded like one over HTTP.
func TestSocketVote(t *testing.T) {
	store := votetest.New()
	h, s := startSocket(t, withVotes(t, store))
	s.envelope("events_api", "env-v1", rawEvent("EvV3", dm("fisheries?")), 0)
	s.readAck()
	answerID := voteButtons(t, h.f.next(t, mPost).blocks())
	s.envelope("interactive", "env-v2", voteClick(answerID, false, h.f.responseURL("v")), 0)
	if a := s.readAck(); a.EnvelopeID != "env-v2" {
		t.Errorf("ack %+v", a)
	}
	if v := store.Next(t, wait); v.AnswerID != answerID || v.Up || v.User != "T1/U2" {
		t.Errorf("vote recorded %+v", v)
	}
	if c := h.f.next(t, mResponse); c.text() != bot.VoteThanks || c.JSON["response_type"] != "ephemeral" {
		t.Errorf("acknowledged with %v", c.JSON)
	}
}
