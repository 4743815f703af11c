package discordbot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/quotebot/quotebot/bot"
)

// startGatewayBot starts a Bot with the test token against f and returns it
// with its observer and log; the bot is closed when the test ends.
func startGatewayBot(t *testing.T, f *fakeDiscord, cfg Config) (*Bot, *observer, *syncBuffer) {
	t.Helper()
	obs := newObserver()
	logger, logs := testLogger(t)
	cfg.Token = testToken
	cfg.APIURL = f.apiURL()
	cfg.Logger = logger
	cfg.Observe = obs.observe
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	if err := b.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return b, obs, logs
}

// connect starts a bot and consumes the start-up requests and connection.
func connect(t *testing.T, f *fakeDiscord, cfg Config) (*fakeConn, *observer, *syncBuffer) {
	t.Helper()
	_, obs, logs := startGatewayBot(t, f, cfg)
	f.next(t, "GET", "/api/v10/users/@me")
	f.next(t, "PUT", "/api/v10/applications/"+testAppID+"/commands")
	return f.conn(t), obs, logs
}

func TestStartRegistersCommandAndIdentifies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		guildID        string
		appID          string
		messageContent bool
		wantPath       string
		wantIntents    discordgo.Intent
	}{
		{"global, app id from the token's user", "", "", false,
			"/api/v10/applications/" + testBotID + "/commands", discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages},
		{"guild", "300", testAppID, false,
			"/api/v10/applications/" + testAppID + "/guilds/300/commands", discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages},
		{"message content", "", testAppID, true,
			"/api/v10/applications/" + testAppID + "/commands", discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages | discordgo.IntentMessageContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t)
			startGatewayBot(t, f, Config{GuildID: tt.guildID, AppID: tt.appID, MessageContent: tt.messageContent, Answerer: newRecordingAnswerer()})

			if r := f.next(t, "GET", "/api/v10/users/@me"); r.Auth != "Bot "+testToken {
				t.Errorf("Authorization = %q, want the bot token", r.Auth)
			}
			put := f.next(t, "PUT", tt.wantPath)
			var cmds []struct {
				Name    string `json:"name"`
				Type    int    `json:"type"`
				Options []struct {
					Type      int    `json:"type"`
					Name      string `json:"name"`
					Required  bool   `json:"required"`
					MaxLength int    `json:"max_length"`
				} `json:"options"`
			}
			if err := json.Unmarshal(put.Body, &cmds); err != nil {
				t.Fatalf("commands %s: %v", put.Body, err)
			}
			if len(cmds) != 1 || cmds[0].Name != "ask" || cmds[0].Type != 1 || len(cmds[0].Options) != 2 {
				t.Fatalf("commands = %s, want the one ask command with two options", put.Body)
			}
			q, p := cmds[0].Options[0], cmds[0].Options[1]
			if q.Name != "question" || q.Type != 3 || !q.Required || q.MaxLength != bot.MaxQuestionLen {
				t.Errorf("question option = %+v, want a required string of at most %d", q, bot.MaxQuestionLen)
			}
			if p.Name != "private" || p.Type != 5 || p.Required {
				t.Errorf("private option = %+v, want an optional boolean", p)
			}

			c := f.conn(t)
			if c.First.Op != 2 {
				t.Fatalf("first frame op %d, want IDENTIFY", c.First.Op)
			}
			var id struct {
				Token   string           `json:"token"`
				Intents discordgo.Intent `json:"intents"`
			}
			if err := json.Unmarshal(c.First.D, &id); err != nil {
				t.Fatal(err)
			}
			if id.Token != "Bot "+testToken || id.Intents != tt.wantIntents {
				t.Errorf("IDENTIFY token %q intents %d, want the bot token and %d", id.Token, id.Intents, tt.wantIntents)
			}
			select {
			case <-c.heartbeats:
			case <-time.After(waitTime):
				t.Error("no heartbeat")
			}
		})
	}
}

// TestIdentifyCarriesShard checks that a sharded bot identifies as its
// shard, and that an unsharded one sends no shard.
func TestIdentifyCarriesShard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		id, count int
		want      *[2]int
	}{
		{"one shard", 0, 0, nil},
		{"shard 0 of 1", 0, 1, nil},
		{"shard 0 of 2", 0, 2, &[2]int{0, 2}},
		{"shard 2 of 3", 2, 3, &[2]int{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t)
			c, _, _ := connect(t, f, Config{AppID: testAppID, ShardID: tt.id, ShardCount: tt.count, Answerer: newRecordingAnswerer()})
			var id struct {
				Shard *[2]int `json:"shard"`
			}
			if err := json.Unmarshal(c.First.D, &id); err != nil {
				t.Fatal(err)
			}
			if (id.Shard == nil) != (tt.want == nil) || (id.Shard != nil && *id.Shard != *tt.want) {
				t.Errorf("IDENTIFY shard %v, want %v (%s)", id.Shard, tt.want, c.First.D)
			}
		})
	}
}

func TestStartRejectsBadToken(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	b, err := New(Config{Token: "not-the-token", APIURL: f.apiURL(), Answerer: refusingAnswerer(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	err = b.Start(context.Background())
	if !errors.Is(err, ErrBadToken) {
		t.Fatalf("Start = %v, want ErrBadToken", err)
	}
	f.next(t, "GET", "/api/v10/users/@me")
	f.noMoreRequests(t)
	select {
	case <-f.conns:
		t.Error("connected to the gateway with a bad token")
	default:
	}
}

func askInteraction(id, token string, options ...map[string]any) map[string]any {
	return map[string]any{
		"id": id, "application_id": testAppID, "type": 2, "token": token, "channel_id": "50", "guild_id": "60",
		"version": 1, "member": map[string]any{"user": map[string]any{"id": "7", "username": "ada"}},
		"data": map[string]any{"id": "cmd-1", "name": "ask", "type": 1, "options": options},
	}
}

func questionOption(q string) map[string]any {
	return map[string]any{"name": "question", "type": 3, "value": q}
}

func privateOption(v bool) map[string]any {
	return map[string]any{"name": "private", "type": 5, "value": v}
}

func TestGatewayInteractionAnsweredInline(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	answerer := newRecordingAnswerer()
	c, obs, _ := connect(t, f, Config{AppID: testAppID, Answerer: answerer})

	ev := askInteraction("1001", "tok-1", questionOption("  what about fisheries? "))
	c.dispatch(t, "INTERACTION_CREATE", ev)
	c.dispatch(t, "INTERACTION_CREATE", ev) // a duplicate delivery
	obs.expect(t, "interaction/answered", "interaction/duplicate")

	if q := answerer.next(t); q != "what about fisheries?" {
		t.Errorf("question = %q", q)
	}
	r := decodeResponse(t, f.next(t, "POST", "/api/v10/interactions/1001/tok-1/callback").Body)
	if r.Type != 4 {
		t.Fatalf("response type %d, want 4", r.Type)
	}
	m := decodeMessage(t, r.Data)
	assertFishEmbed(t, m)
	if m.Flags != 0 {
		t.Errorf("flags = %d, want a public answer", m.Flags)
	}
	f.noMoreRequests(t)
}

func TestGatewayInteractionDeferredThenEdited(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	answerer := newBlockingAnswerer()
	c, obs, _ := connect(t, f, Config{AppID: testAppID, Answerer: answerer, AnswerDeadline: 10 * time.Millisecond})

	c.dispatch(t, "INTERACTION_CREATE", askInteraction("1002", "tok-2", questionOption("fisheries?"), privateOption(true)))
	answerer.wait(t)
	r := decodeResponse(t, f.next(t, "POST", "/api/v10/interactions/1002/tok-2/callback").Body)
	if r.Type != 5 {
		t.Fatalf("response type %d, want 5 (deferred)", r.Type)
	}
	var data struct{ Flags int }
	json.Unmarshal(r.Data, &data)
	if data.Flags != 64 {
		t.Errorf("deferral flags = %d, want 64 (ephemeral, as asked)", data.Flags)
	}
	if got := obs.next(t); got != "interaction/deferred" {
		t.Fatalf("observation %q, want interaction/deferred", got)
	}

	close(answerer.release)
	edit := f.next(t, "PATCH", "/api/v10/webhooks/"+testAppID+"/tok-2/messages/@original")
	assertFishEmbed(t, decodeMessage(t, edit.Body))
	if got := obs.next(t); got != "interaction/answered" {
		t.Errorf("observation %q, want interaction/answered", got)
	}
}

func messageEvent(id, channel, guild, authorID string, bot bool, content string) map[string]any {
	ev := map[string]any{
		"id": id, "channel_id": channel, "type": 0, "content": content,
		"author": map[string]any{"id": authorID, "username": "someone", "bot": bot},
	}
	if guild != "" {
		ev["guild_id"] = guild
	}
	return ev
}

func TestGatewayMessages(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	answerer := newRecordingAnswerer()
	c, obs, _ := connect(t, f, Config{AppID: testAppID, Answerer: answerer})

	replyPing := messageEvent("2009", "50", "60", "7", false, "thanks!")
	replyPing["mentions"] = []map[string]any{{"id": testBotID, "username": "quotebot", "bot": true}}
	replyPing["type"] = 19
	system := messageEvent("2010", "50", "60", "7", false, "<@"+testBotID+"> joined")
	system["type"] = 7

	tests := []struct {
		name         string
		event        map[string]any
		wantOutcome  string
		wantQuestion string // asked of the answerer; "" with help
		wantContent  string // in the reply's content, for text replies
	}{
		{"mention in a channel", messageEvent("2001", "50", "60", "7", false, "<@"+testBotID+"> what about  fisheries?"), "answered", "what about fisheries?", ""},
		{"nickname mention at the end", messageEvent("2002", "50", "60", "7", false, "fisheries? <@!"+testBotID+">"), "answered", "fisheries?", ""},
		{"direct message without mention", messageEvent("2003", "51", "", "7", false, "what about fisheries?"), "answered", "what about fisheries?", ""},
		{"bare mention asks for help", messageEvent("2004", "50", "60", "7", false, "<@"+testBotID+">"), "help", "", "Topics covered: fisheries, trade."},
		{"help in a direct message", messageEvent("2005", "51", "", "7", false, "help"), "help", "", "@quotebot what did they say"},
		{"channel message without mention", messageEvent("2006", "50", "60", "7", false, "what about fisheries?"), "ignored", "", ""},
		{"another bot", messageEvent("2007", "50", "60", "8", true, "<@"+testBotID+"> fisheries?"), "ignored", "", ""},
		{"itself", messageEvent("2008", "51", "", testBotID, false, "fisheries?"), "ignored", "", ""},
		{"reply that pings without a mention", replyPing, "ignored", "", ""},
		{"system message", system, "ignored", "", ""},
		{"empty direct message", messageEvent("2011", "51", "", "7", false, ""), "ignored", "", ""},
		{"other user's mention only", messageEvent("2012", "50", "60", "7", false, "<@999> fisheries?"), "ignored", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.dispatch(t, "MESSAGE_CREATE", tt.event)
			if got := obs.next(t); got != "message/"+tt.wantOutcome {
				t.Fatalf("observation %q, want message/%s", got, tt.wantOutcome)
			}
			if tt.wantOutcome == "ignored" {
				f.noMoreRequests(t)
				return
			}
			if q := answerer.next(t); q != tt.wantQuestion {
				t.Errorf("question = %q, want %q", q, tt.wantQuestion)
			}
			req := f.next(t, "POST", "/api/v10/channels/"+tt.event["channel_id"].(string)+"/messages")
			m := decodeMessage(t, req.Body)
			if m.MessageReference == nil || m.MessageReference.MessageID != tt.event["id"] {
				t.Errorf("message_reference = %+v, want a reply to %s", m.MessageReference, tt.event["id"])
			}
			if tt.wantContent == "" {
				assertFishEmbed(t, m)
			} else if !contains(m.Content, tt.wantContent) {
				t.Errorf("content = %q, want it to contain %q", m.Content, tt.wantContent)
			}
		})
	}
}

// TestGatewayTooLong: a mention, a direct message or an `ask` command
// longer than bot.MaxQuestionLen gets bot.TooLong, and the answerer is not
// asked; a question at the limit once the mention is removed is answered.
func TestGatewayTooLong(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	answerer := newRecordingAnswerer()
	c, obs, _ := connect(t, f, Config{AppID: testAppID, Answerer: answerer})
	atLimit := strings.Repeat("é", bot.MaxQuestionLen-9) + " fishery?"
	over := atLimit + "!"

	tests := []struct {
		name  string
		event map[string]any
	}{
		{"mention", messageEvent("4001", "50", "60", "7", false, "<@"+testBotID+"> "+over)},
		{"direct message", messageEvent("4002", "51", "", "7", false, over)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.dispatch(t, "MESSAGE_CREATE", tt.event)
			if got := obs.next(t); got != "message/too_long" {
				t.Fatalf("observation %q, want message/too_long", got)
			}
			m := decodeMessage(t, f.next(t, "POST", "/api/v10/channels/"+tt.event["channel_id"].(string)+"/messages").Body)
			if m.Content != bot.TooLong || len(m.Embeds) != 0 {
				t.Errorf("reply %q with %d embeds, want %q", m.Content, len(m.Embeds), bot.TooLong)
			}
		})
	}
	t.Run("command", func(t *testing.T) {
		c.dispatch(t, "INTERACTION_CREATE", askInteraction("4003", "tok-4", questionOption(over)))
		obs.expect(t, "interaction/too_long")
		r := decodeResponse(t, f.next(t, "POST", "/api/v10/interactions/4003/tok-4/callback").Body)
		if m := decodeMessage(t, r.Data); r.Type != 4 || m.Content != bot.TooLong {
			t.Errorf("response type %d %q, want 4 with %q", r.Type, m.Content, bot.TooLong)
		}
	})
	select {
	case q := <-answerer.questions:
		t.Fatalf("the answerer was asked %.40q…", q)
	default:
	}
	c.dispatch(t, "MESSAGE_CREATE", messageEvent("4004", "50", "60", "7", false, "<@"+testBotID+"> "+atLimit))
	obs.expect(t, "message/answered")
	if q := answerer.next(t); q != atLimit {
		t.Errorf("asked %.40q…, want the question at the limit", q)
	}
	assertFishEmbed(t, decodeMessage(t, f.next(t, "POST", "/api/v10/channels/50/messages").Body))
}

func TestGatewayForbiddenChannelIsOnlyLogged(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	c, obs, logs := connect(t, f, Config{AppID: testAppID, Answerer: newRecordingAnswerer()})

	c.dispatch(t, "MESSAGE_CREATE", messageEvent("3001", forbiddenChannel, "60", "7", false, "<@"+testBotID+"> fisheries?"))
	if got := obs.next(t); got != "message/forbidden" {
		t.Fatalf("observation %q, want message/forbidden", got)
	}
	f.next(t, "POST", "/api/v10/channels/"+forbiddenChannel+"/messages")
	f.noMoreRequests(t)
	if !contains(logs.String(), "no permission", "channel_id="+forbiddenChannel, "code=50001") {
		t.Errorf("log does not name the channel and code:\n%s", logs)
	}
}

func TestGatewayResumeDoesNotAnswerTwice(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	answerer := newRecordingAnswerer()
	c, obs, _ := connect(t, f, Config{AppID: testAppID, Answerer: answerer})

	first := messageEvent("4001", "50", "60", "7", false, "<@"+testBotID+"> fisheries?")
	seq := c.dispatch(t, "MESSAGE_CREATE", first)
	if got := obs.next(t); got != "message/answered" {
		t.Fatalf("observation %q, want message/answered", got)
	}
	f.next(t, "POST", "/api/v10/channels/50/messages")

	c.drop()
	c2 := f.conn(t)
	if c2.First.Op != 6 {
		t.Fatalf("after the drop the first frame is op %d, want RESUME (6)", c2.First.Op)
	}
	var resume struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(c2.First.D, &resume); err != nil {
		t.Fatal(err)
	}
	if resume.Token != "Bot "+testToken || resume.SessionID != testSessionID || resume.Seq != seq {
		t.Errorf("RESUME = %+v, want session %s from seq %d", resume, testSessionID, seq)
	}

	c2.replay(t, "MESSAGE_CREATE", seq, first)
	if got := obs.next(t); got != "message/duplicate" {
		t.Fatalf("observation %q for the replayed message, want message/duplicate", got)
	}
	c2.dispatch(t, "MESSAGE_CREATE", messageEvent("4002", "50", "60", "7", false, "<@"+testBotID+"> trade?"))
	if got := obs.next(t); got != "message/answered" {
		t.Fatalf("observation %q, want message/answered", got)
	}
	req := f.next(t, "POST", "/api/v10/channels/50/messages")
	if m := decodeMessage(t, req.Body); m.MessageReference == nil || m.MessageReference.MessageID != "4002" {
		t.Errorf("reply after resume refers to %+v, want 4002", m.MessageReference)
	}
	f.noMoreRequests(t)
	if q1, q2 := answerer.next(t), answerer.next(t); q1 != "fisheries?" || q2 != "trade?" {
		t.Errorf("questions %q, %q", q1, q2)
	}
}

func TestHandlersSurvivePanics(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	panicky := bot.AnswererFunc(func(ctx context.Context, question string, top int) (bot.Answer, error) {
		panic("engine bug")
	})
	c, obs, logs := connect(t, f, Config{AppID: testAppID, Answerer: panicky})

	c.dispatch(t, "MESSAGE_CREATE", messageEvent("5001", "50", "60", "7", false, "<@"+testBotID+"> fisheries?"))
	if got := obs.next(t); got != "message/error" {
		t.Fatalf("observation %q, want message/error", got)
	}
	m := decodeMessage(t, f.next(t, "POST", "/api/v10/channels/50/messages").Body)
	if m.Content != bot.Apology {
		t.Errorf("content = %q, want the apology", m.Content)
	}
	if !contains(logs.String(), "engine bug") {
		t.Errorf("the panic was not logged:\n%s", logs)
	}
}
