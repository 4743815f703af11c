package discordbot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// roleMessage is a message in channel 50 of guild from user 7 that
// mentions the roles.
func roleMessage(id, guild, content string, roles ...string) map[string]any {
	ev := messageEvent(id, "50", guild, "7", false, content)
	ev["mention_roles"] = roles
	return ev
}

func TestGatewayRoleMentions(t *testing.T) {
	t.Parallel()
	fromBot := roleMessage("6901", "60", "<@&"+testBotRoleID+"> fisheries?", testBotRoleID)
	fromBot["author"] = map[string]any{"id": "8", "username": "otherbot", "bot": true}

	tests := []struct {
		name         string
		events       []map[string]any // dispatched together, all in one guild
		wantLookups  int              // GET /guilds/{guild}/roles requests
		wantOutcome  string           // for every event
		wantQuestion string           // asked of the answerer for every answered event; "" for help
		wantContent  string           // in the reply's content, for text replies
		wantLog      []string         // in the log; none means no warning
	}{
		{"mention of the bot's role",
			[]map[string]any{roleMessage("6001", "60", "<@&"+testBotRoleID+"> what about  fisheries?", testBotRoleID)},
			1, "answered", "what about fisheries?", "", nil},
		{"bare mention of the bot's role asks for help",
			[]map[string]any{roleMessage("6002", "60", "<@&"+testBotRoleID+">", testBotRoleID)},
			1, "help", "", "Topics covered: fisheries, trade.", nil},
		{"mention of an ordinary role only",
			[]map[string]any{roleMessage("6003", "60", "<@&"+ordinaryRoleID+"> fisheries?", ordinaryRoleID)},
			1, "ignored", "", "", nil},
		{"mention of another bot's role",
			[]map[string]any{roleMessage("6004", "60", "<@&"+otherBotRoleID+"> fisheries?", otherBotRoleID)},
			1, "ignored", "", "", nil},
		{"two messages in one guild share one lookup",
			[]map[string]any{
				roleMessage("6005", "60", "<@&"+testBotRoleID+"> fisheries?", testBotRoleID),
				roleMessage("6006", "60", "fisheries? <@&"+testBotRoleID+">", testBotRoleID),
			},
			1, "answered", "fisheries?", "", nil},
		{"roles cannot be read",
			[]map[string]any{
				roleMessage("6007", forbiddenGuild, "<@&"+testBotRoleID+"> fisheries?", testBotRoleID),
				roleMessage("6008", forbiddenGuild, "<@&"+testBotRoleID+"> trade?", testBotRoleID),
			},
			1, "ignored", "", "", []string{"level=WARN", "guild_id=" + forbiddenGuild, "403 Forbidden"}},
		{"user mention needs no lookup",
			[]map[string]any{messageEvent("6009", "50", "60", "7", false, "<@"+testBotID+"> fisheries?")},
			0, "answered", "fisheries?", "", nil},
		{"user mention beside a role mention needs no lookup",
			[]map[string]any{roleMessage("6010", "60", "<@"+testBotID+"> fisheries, <@&"+ordinaryRoleID+">?", ordinaryRoleID)},
			0, "answered", "fisheries, ?", "", nil}, // the Responder removes the other mention
		{"another bot's message needs no lookup",
			[]map[string]any{fromBot},
			0, "ignored", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t)
			answerer := newRecordingAnswerer()
			c, obs, logs := connect(t, f, Config{AppID: testAppID, Answerer: answerer})

			want := make([]string, len(tt.events))
			for i, ev := range tt.events {
				c.dispatch(t, "MESSAGE_CREATE", ev)
				want[i] = "message/" + tt.wantOutcome
			}
			obs.expect(t, want...)

			for range tt.wantLookups {
				f.next(t, "GET", "/api/v10/guilds/"+tt.events[0]["guild_id"].(string)+"/roles")
			}
			if tt.wantOutcome != "ignored" {
				assertReplies(t, f, answerer, tt.events, tt.wantQuestion, tt.wantContent)
			}
			f.noMoreRequests(t)
			if len(tt.wantLog) == 0 && contains(logs.String(), "level=WARN") {
				t.Errorf("unexpected warning:\n%s", logs)
			}
			if !contains(logs.String(), tt.wantLog...) {
				t.Errorf("log does not contain %q:\n%s", tt.wantLog, logs)
			}
		})
	}
}

// assertReplies checks that each of events got one reply in channel 50
// referencing it, with the fish embed (or wantContent in its text), and
// that the answerer was asked wantQuestion once per event.
func assertReplies(t *testing.T, f *fakeDiscord, answerer *recordingAnswerer, events []map[string]any, wantQuestion, wantContent string) {
	t.Helper()
	replied := map[string]bool{}
	for range events {
		m := decodeMessage(t, f.next(t, "POST", "/api/v10/channels/50/messages").Body)
		if m.MessageReference != nil {
			replied[m.MessageReference.MessageID] = true
		}
		if wantContent == "" {
			assertFishEmbed(t, m)
		} else if !contains(m.Content, wantContent) {
			t.Errorf("content = %q, want it to contain %q", m.Content, wantContent)
		}
		if q := answerer.next(t); q != wantQuestion {
			t.Errorf("question = %q, want %q", q, wantQuestion)
		}
	}
	for _, ev := range events {
		if !replied[ev["id"].(string)] {
			t.Errorf("no reply references message %s (replies to %v)", ev["id"], replied)
		}
	}
}

func TestBotRoleOf(t *testing.T) {
	t.Parallel()
	tagged := func(id, botID string) guildRole {
		r := guildRole{ID: id}
		r.Tags = &struct {
			BotID string `json:"bot_id"`
		}{BotID: botID}
		return r
	}
	tests := []struct {
		name  string
		roles []guildRole
		botID string
		want  string
	}{
		{"the bot's role among others", []guildRole{{ID: "1"}, tagged("2", "999"), tagged("3", testBotID)}, testBotID, "3"},
		{"only another bot's role", []guildRole{{ID: "1"}, tagged("2", "999")}, testBotID, ""},
		{"no roles", nil, testBotID, ""},
		{"an integration role without a bot", []guildRole{tagged("4", "")}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := botRoleOf(tt.roles, tt.botID); got != tt.want {
				t.Errorf("botRoleOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// fakeClock is a clock the test moves by hand; it is not safe for
// concurrent use.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

var errRolesFailed = errors.New("roles unavailable")

// fakeRoles answers a lookup for guild "with" with the bot's role, for
// "without" with none and for "failing" with errRolesFailed, and counts
// the lookups.
type fakeRoles struct{ calls int }

func (r *fakeRoles) fetch(ctx context.Context, guildID string) (string, error) {
	r.calls++
	switch guildID {
	case "with":
		return testBotRoleID, nil
	case "failing":
		return "", errRolesFailed
	default:
		return "", nil
	}
}

// cacheStep is one lookup, after moving the clock on.
type cacheStep struct {
	after     time.Duration
	guild     string
	wantRole  string
	wantErr   error
	wantFetch bool
}

func TestRoleCache(t *testing.T) {
	t.Parallel()
	const second = time.Second
	tests := []struct {
		name  string
		steps []cacheStep
	}{
		{"a role is remembered for roleTTL", []cacheStep{
			{0, "with", testBotRoleID, nil, true},
			{roleTTL - second, "with", testBotRoleID, nil, false},
			{second, "with", testBotRoleID, nil, true},
		}},
		{"no role is remembered for roleTTL", []cacheStep{
			{0, "without", "", nil, true},
			{roleTTL - second, "without", "", nil, false},
			{second, "without", "", nil, true},
		}},
		{"a failure is remembered for roleFailureTTL", []cacheStep{
			{0, "failing", "", errRolesFailed, true},
			{roleFailureTTL - second, "failing", "", errRolesFailed, false},
			{second, "failing", "", errRolesFailed, true},
		}},
		{"guilds are looked up separately", []cacheStep{
			{0, "with", testBotRoleID, nil, true},
			{0, "without", "", nil, true},
			{0, "with", testBotRoleID, nil, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2024, 11, 15, 12, 0, 0, 0, time.UTC)}
			roles := &fakeRoles{}
			c := newRoleCache(roleCacheCapacity, clock.now)
			for i, s := range tt.steps {
				clock.t = clock.t.Add(s.after)
				calls := roles.calls
				role, err := c.get(context.Background(), s.guild, roles.fetch)
				if role != s.wantRole || !errors.Is(err, s.wantErr) {
					t.Errorf("step %d: get(%s) = %q, %v; want %q, %v", i, s.guild, role, err, s.wantRole, s.wantErr)
				}
				if fetched := roles.calls > calls; fetched != s.wantFetch {
					t.Errorf("step %d: get(%s) fetched = %v, want %v", i, s.guild, fetched, s.wantFetch)
				}
			}
		})
	}
}

func TestRoleCacheIsBounded(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2024, 11, 15, 12, 0, 0, 0, time.UTC)}
	roles := &fakeRoles{}
	c := newRoleCache(2, clock.now)
	ctx := context.Background()

	c.get(ctx, "old", roles.fetch)
	clock.t = clock.t.Add(roleTTL)
	c.get(ctx, "with", roles.fetch)
	c.get(ctx, "without", roles.fetch) // full: the expired "old" goes first
	calls := roles.calls
	c.get(ctx, "with", roles.fetch)
	if roles.calls != calls {
		t.Error("a live entry was dropped while an expired one was kept")
	}
	for i := range 10 {
		c.get(ctx, fmt.Sprint("guild-", i), roles.fetch)
	}
	if n := len(c.entries); n > 2 {
		t.Errorf("%d guilds remembered, want at most 2", n)
	}
	calls = roles.calls
	c.get(ctx, "guild-9", roles.fetch)
	if roles.calls != calls {
		t.Error("the newest guild was dropped")
	}
}

// arrivalContext reports on arrived the first time its Done is read, which
// roleCache.get does when it starts waiting for a lookup in flight.
type arrivalContext struct {
	context.Context
	once    sync.Once
	arrived chan<- struct{}
}

func (c *arrivalContext) Done() <-chan struct{} {
	c.once.Do(func() { c.arrived <- struct{}{} })
	return c.Context.Done()
}

func TestRoleCacheSharesOneLookup(t *testing.T) {
	t.Parallel()
	const callers = 8
	c := newRoleCache(roleCacheCapacity, time.Now)
	var calls atomic.Int32
	// arrived receives one value per caller once it waits for the lookup
	// in flight or, wrongly, starts its own.
	arrived := make(chan struct{}, 2*callers)
	started, release := make(chan struct{}, 1), make(chan struct{})
	fetch := func(ctx context.Context, guildID string) (string, error) {
		if calls.Add(1) == 1 {
			started <- struct{}{}
		} else {
			arrived <- struct{}{}
		}
		<-release
		return testBotRoleID, nil
	}
	var wg sync.WaitGroup
	results := make(chan string, callers)
	get := func(ctx context.Context) {
		defer wg.Done()
		role, err := c.get(ctx, "60", fetch)
		if err != nil {
			t.Errorf("get: %v", err)
		}
		results <- role
	}

	wg.Add(callers)
	go get(context.Background())
	waitFor(t, started, "the first lookup")
	for range callers - 1 {
		go get(&arrivalContext{Context: context.Background(), arrived: arrived})
	}
	for range callers - 1 {
		waitFor(t, arrived, "a caller")
	}
	close(release)
	wg.Wait()
	close(results)
	for role := range results {
		if role != testBotRoleID {
			t.Errorf("role = %q, want %q", role, testBotRoleID)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d lookups for %d concurrent callers, want 1", n, callers)
	}
}

// waitFor receives from ch, failing the test after waitTime.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitTime):
		t.Fatalf("no sign of %s", what)
	}
}

func TestRoleCacheWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	c := newRoleCache(roleCacheCapacity, time.Now)
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	go c.get(context.Background(), "60", func(ctx context.Context, guildID string) (string, error) {
		close(started)
		<-release
		return testBotRoleID, nil
	})
	waitFor(t, started, "the lookup")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	second := func(ctx context.Context, guildID string) (string, error) {
		t.Error("a second lookup started")
		return "", nil
	}
	if _, err := c.get(ctx, "60", second); !errors.Is(err, context.Canceled) {
		t.Errorf("get with a cancelled context while a lookup is in flight = %v, want context.Canceled", err)
	}
}

func TestRoleCacheFetchPanic(t *testing.T) {
	t.Parallel()
	c := newRoleCache(roleCacheCapacity, time.Now)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		c.get(context.Background(), "60", func(ctx context.Context, guildID string) (string, error) {
			panic("bug")
		})
	}()
	roles := &fakeRoles{}
	if _, err := c.get(context.Background(), "60", roles.fetch); err == nil || roles.calls != 0 {
		t.Errorf("after a panic get = %v with %d lookups, want the failure remembered", err, roles.calls)
	}
}
