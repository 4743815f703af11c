package discordbot

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/bot/internal/votetest"
)

// voting returns cfg recording votes in store (see votetest.Store.Voting).
func voting(t *testing.T, cfg Config, answerer bot.Answerer, store *votetest.Store) Config {
	t.Helper()
	cfg.Responder, cfg.Feedback = store.Voting(t, answerer)
	return cfg
}

// components is the part of a message payload that holds its buttons.
type components struct {
	Components []struct {
		Type       int `json:"type"`
		Components []struct {
			Type     int    `json:"type"`
			Style    int    `json:"style"`
			CustomID string `json:"custom_id"`
			Emoji    struct {
				Name string `json:"name"`
			} `json:"emoji"`
		} `json:"components"`
	} `json:"components"`
}

// voteButtonsOf checks that a message payload has one row of 👍 and 👎
// buttons and returns the answer id they name; "" when it has no buttons.
func voteButtonsOf(t *testing.T, raw []byte) string {
	t.Helper()
	var c components
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	if len(c.Components) == 0 {
		return ""
	}
	row := c.Components[0]
	if len(c.Components) != 1 || row.Type != 1 || len(row.Components) != 2 {
		t.Fatalf("components %s, want one row of two buttons", raw)
	}
	up, down := row.Components[0], row.Components[1]
	if up.Type != 2 || up.Emoji.Name != "👍" || down.Emoji.Name != "👎" || !strings.HasPrefix(up.CustomID, votePrefix+"up:") || !strings.HasPrefix(down.CustomID, votePrefix+"down:") {
		t.Fatalf("buttons %+v", row.Components)
	}
	id := strings.TrimPrefix(up.CustomID, votePrefix+"up:")
	if down.CustomID != votePrefix+"down:"+id || len(up.CustomID) > 100 {
		t.Errorf("custom ids %q and %q", up.CustomID, down.CustomID)
	}
	return id
}

// voteInteraction is a click on a vote button in Discord's shape: a
// MESSAGE_COMPONENT interaction (type 3) on the bot's message in a server.
func voteInteraction(id, token, customID string) map[string]any {
	return map[string]any{
		"id": id, "application_id": testAppID, "type": 3, "token": token, "version": 1,
		"channel_id": "50", "guild_id": "60", "locale": "en-GB", "guild_locale": "en-US",
		"app_permissions": "2248473465835073",
		"member": map[string]any{"user": map[string]any{"id": "8", "username": "bo", "global_name": "Bo", "discriminator": "0"},
			"roles": []string{}, "permissions": "2248473465835073", "joined_at": "2024-01-01T00:00:00.000000+00:00"},
		"message": map[string]any{"id": "900", "channel_id": "50", "type": 20, "content": "",
			"author": map[string]any{"id": testBotID, "username": "quotebot", "bot": true}, "flags": 0},
		"data": map[string]any{"custom_id": customID, "component_type": 2},
	}
}

// assertThanks checks an interaction response is the private thanks.
func assertThanks(t *testing.T, raw []byte, want string) {
	t.Helper()
	r := decodeResponse(t, raw)
	m := decodeMessage(t, r.Data)
	if r.Type != 4 || m.Flags != 64 || m.Content != escapeMarkdown(want) || len(m.Embeds) != 0 {
		t.Errorf("response %s, want type 4, flags 64, %q", raw, want)
	}
}

// TestInteractionsEndpointVote: an `ask` answered at the endpoint carries
// 👍 / 👎 naming the answer; a signed click on one is recorded with the
// voter's id and answered privately; a second delivery of the click is
// refused as a duplicate; a click on an answer the store does not have is
// told so.
func TestInteractionsEndpointVote(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	store := votetest.New()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	obs := newObserver()
	logger, _ := testLogger(t)
	b, err := New(voting(t, Config{PublicKey: hex.EncodeToString(pub), APIURL: f.apiURL(), Logger: logger,
		Now: func() time.Time { return signedAt }, AnswerDeadline: time.Minute, Observe: obs.observe}, newRecordingAnswerer(), store))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	if err := b.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	h := &httpBot{b: b, key: key, obs: obs}

	w := h.do(t, sign(key, signedAt, mustJSON(t, askInteraction("7001", "tok", questionOption("fisheries?")))))
	answerID := voteButtonsOf(t, decodeResponse(t, w.Body.Bytes()).Data)
	if !bot.ValidAnswerID(answerID) {
		t.Fatalf("the answer has no vote buttons with its id (%q)", answerID)
	}
	obs.expect(t, "interaction/answered")

	click := sign(key, signedAt, mustJSON(t, voteInteraction("7002", "tok-v", votePrefix+"down:"+answerID)))
	w = h.do(t, click)
	if w.Code != 200 {
		t.Fatalf("status %d (%s)", w.Code, w.Body)
	}
	assertThanks(t, w.Body.Bytes(), bot.VoteThanks)
	if v := store.Next(t, waitTime); v != (bot.Vote{AnswerID: answerID, Up: false, Platform: bot.PlatformDiscord, User: "8"}) {
		t.Errorf("vote recorded %+v", v)
	}
	obs.expect(t, "vote/voted")

	if w := h.do(t, sign(key, signedAt, mustJSON(t, voteInteraction("7002", "tok-v", votePrefix+"down:"+answerID)))); w.Code != 409 {
		t.Errorf("a second delivery of the click: %d, want 409", w.Code)
	}
	obs.expect(t, "vote/duplicate")

	w = h.do(t, sign(key, signedAt, mustJSON(t, voteInteraction("7003", "tok-w", votePrefix+"up:"+strings.Repeat("e", 32)))))
	assertThanks(t, w.Body.Bytes(), bot.VoteUnknown)
	obs.expect(t, "vote/voted")
	if store.Pending() != 0 {
		t.Error("a vote on an unknown answer was recorded")
	}
	f.noMoreRequests(t)
}

// TestGatewayVote: a mention's reply carries the buttons; a click arriving
// over the gateway is recorded and answered privately through the callback.
func TestGatewayVote(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	store := votetest.New()
	c, obs, _ := connect(t, f, voting(t, Config{AppID: testAppID}, newRecordingAnswerer(), store))

	c.dispatch(t, "MESSAGE_CREATE", messageEvent("3001", "50", "60", "7", false, "<@"+testBotID+"> fisheries?"))
	obs.expect(t, "message/answered")
	answerID := voteButtonsOf(t, f.next(t, "POST", "/api/v10/channels/50/messages").Body)
	if a := store.Answer(answerID); a.Kind != bot.KindAnswered || a.Question != "fisheries?" || a.Passages[0] != "p7" {
		t.Fatalf("the reply kept is %+v (answer id %q)", a, answerID)
	}

	c.dispatch(t, "INTERACTION_CREATE", voteInteraction("3002", "tok-g", votePrefix+"up:"+answerID))
	obs.expect(t, "vote/voted")
	assertThanks(t, f.next(t, "POST", "/api/v10/interactions/3002/tok-g/callback").Body, bot.VoteThanks)
	if v := store.Next(t, waitTime); v != (bot.Vote{AnswerID: answerID, Up: true, Platform: bot.PlatformDiscord, User: "8"}) {
		t.Errorf("vote recorded %+v", v)
	}

	c.dispatch(t, "INTERACTION_CREATE", voteInteraction("3003", "tok-h", "someone-elses-button"))
	obs.expect(t, "vote/ignored")
	f.noMoreRequests(t)
}

// TestVoteButtonsOnlyUnderQuotes: closest passages carry the buttons,
// "not covered" and help do not, and a Bot without Feedback shows none.
func TestVoteButtonsOnlyUnderQuotes(t *testing.T) {
	store := votetest.New()
	fb, err := bot.NewFeedback(bot.FeedbackConfig{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	with, without := &Bot{cfg: Config{Feedback: fb}}, &Bot{}
	id := strings.Repeat("a", 32)
	tests := []struct {
		name  string
		b     *Bot
		reply bot.Reply
		want  bool
	}{
		{"answered", with, bot.Reply{Kind: bot.KindAnswered, ID: id, Answer: fishAnswer("q")}, true},
		{"closest", with, bot.Reply{Kind: bot.KindClosest, ID: id, Answer: bot.Answer{Closest: fishAnswer("q").Passages}}, true},
		{"not covered", with, bot.Reply{Kind: bot.KindNotCovered, ID: id, Answer: bot.Answer{Topics: testTopics}}, false},
		{"help", with, bot.Reply{Kind: bot.KindHelp}, false},
		{"answered, no Feedback", without, bot.Reply{Kind: bot.KindAnswered, ID: id, Answer: fishAnswer("q")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.b.render(tt.reply)
			for shape, payload := range map[string]any{
				"interaction response": r.interactionData(0),
				"deferred edit":        r.webhookEdit(),
				"channel message":      r.messageSend(&discordgo.Message{ID: "1", ChannelID: "2"}),
			} {
				if got := voteButtonsOf(t, mustJSON(t, payload)); (got == id) != tt.want {
					t.Errorf("%s: buttons naming %q, want buttons: %v", shape, got, tt.want)
				}
			}
		})
	}
}

func TestParseVote(t *testing.T) {
	id := strings.Repeat("0", 32)
	tests := []struct {
		customID string
		up, ok   bool
	}{
		{votePrefix + "up:" + id, true, true},
		{votePrefix + "down:" + id, false, true},
		{votePrefix + "sideways:" + id, false, false},
		{votePrefix + "up", false, false},
		{"other:up:" + id, false, false},
	}
	for _, tt := range tests {
		gotID, up, ok := parseVote(tt.customID)
		if ok != tt.ok || up != tt.up || (ok && gotID != id) {
			t.Errorf("parseVote(%q) = %q, %v, %v", tt.customID, gotID, up, ok)
		}
	}
}
