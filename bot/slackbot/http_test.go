package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/quotebot/quotebot/bot"
)

const (
	formType = "application/x-www-form-urlencoded"
	jsonType = "application/json"
)

// mustOK fails unless a Slack request was acknowledged with 200.
func mustOK(t *testing.T, status int, body string) {
	t.Helper()
	if status != http.StatusOK {
		t.Fatalf("status %d (%q), want 200", status, body)
	}
}

// mustPost posts a signed request and fails unless it gets 200.
func (h *harness) mustPost(t *testing.T, path, contentType, body string, header map[string]string) string {
	t.Helper()
	status, got := h.post(t, path, contentType, body, header)
	mustOK(t, status, got)
	return got
}

// noQuestions fails if the engine was asked anything.
func (h *harness) noQuestions(t *testing.T) {
	t.Helper()
	select {
	case q := <-h.eng.asked:
		t.Errorf("the engine was asked %q", q)
	default:
	}
}

func TestHTTPURLVerification(t *testing.T) {
	h := start(t, nil)
	body := `{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	status, got := h.post(t, "/slack/events", jsonType, body, nil)
	mustOK(t, status, got)
	if got != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge reply = %q", got)
	}
}

// TestHTTPRejectsUnverified sends requests that would each be answered if
// they were believed, and checks each gets 401 and nothing else happens.
func TestHTTPRejectsUnverified(t *testing.T) {
	h := start(t, nil)
	click, _ := json.Marshal(shareClick("what about fisheries?", h.f.responseURL("share")))
	routes := []struct{ path, contentType, body string }{
		{"/slack/events", jsonType, eventJSON("EvBad", mention("<@UBOT> what about fisheries?"))},
		{"/slack/commands", formType, commandForm("what about fisheries?", h.f.responseURL("cmd"))},
		{"/slack/interactions", formType, url.Values{"payload": {string(click)}}.Encode()},
	}
	tamper := func(s string) string { return strings.Replace(s, "fisheries", "fisherieZ", 1) }
	cases := []struct {
		name string
		prep func(r *http.Request, body string) string // signs r; returns the body to send
	}{
		{"no signature", func(r *http.Request, body string) string { return body }},
		{"wrong secret", func(r *http.Request, body string) string { sign(r, body, fixedNow, "not-the-secret"); return body }},
		{"stale timestamp", func(r *http.Request, body string) string {
			sign(r, body, fixedNow.Add(-6*time.Minute), secret)
			return body
		}},
		{"timestamp from the future", func(r *http.Request, body string) string {
			sign(r, body, fixedNow.Add(10*time.Minute), secret)
			return body
		}},
		{"tampered body", func(r *http.Request, body string) string { sign(r, body, fixedNow, secret); return tamper(body) }},
		{"garbage signature", func(r *http.Request, body string) string {
			sign(r, body, fixedNow, secret)
			r.Header.Set("X-Slack-Signature", "v0=not-hex")
			return body
		}},
	}
	for _, rt := range routes {
		for _, tc := range cases {
			t.Run(rt.path+"/"+tc.name, func(t *testing.T) {
				signed, _ := http.NewRequest(http.MethodPost, h.srv.URL+rt.path, nil)
				body := tc.prep(signed, rt.body)
				req, _ := http.NewRequest(http.MethodPost, h.srv.URL+rt.path, strings.NewReader(body))
				req.Header = signed.Header
				req.Header.Set("Content-Type", rt.contentType)
				status, got := do(t, req)
				if status != http.StatusUnauthorized {
					t.Errorf("status %d (%q), want 401", status, got)
				}
			})
		}
	}
	h.bot.Stop()
	if ms := h.f.methods(); !slices.Equal(ms, []string{mAuth}) {
		t.Errorf("Web API calls after refused requests: %v", ms)
	}
	h.noQuestions(t)
	if n := len(h.out.rejected()); n != len(routes)*len(cases) {
		t.Errorf("%d rejections counted, want %d", n, len(routes)*len(cases))
	}
}

func TestHTTPBodyCap(t *testing.T) {
	h := start(t, func(c *Config) { c.MaxBody = 1024 })
	body := eventJSON("EvBig", dm("fisheries "+strings.Repeat("x", 2048)))
	status, _ := h.post(t, "/slack/events", jsonType, body, nil)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", status)
	}
	// A stale one is refused on its headers, before its body is read.
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/events", strings.NewReader(body))
	sign(req, body, fixedNow.Add(-time.Hour), secret)
	if status, _ := do(t, req); status != http.StatusUnauthorized {
		t.Errorf("stale oversized request: status %d, want 401", status)
	}
	h.bot.Stop()
	h.noQuestions(t)
	if n := h.f.count(mPost); n != 0 {
		t.Errorf("%d chat.postMessage calls for an oversized request", n)
	}
}

func TestHTTPMention(t *testing.T) {
	tests := []struct {
		name       string
		threadTS   string
		wantThread string
	}{
		{"in a channel: a new thread under the mention", "", "1700000000.000100"},
		{"in a thread: the same thread", "1699999999.000050", "1699999999.000050"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, nil)
			ev := mention("<@UBOT> what did they say about fisheries?")
			if tc.threadTS != "" {
				ev["thread_ts"] = tc.threadTS
			}
			h.mustPost(t, "/slack/events", jsonType, eventJSON("Ev1", ev), nil)
			if q := h.eng.nextQuestion(t); q != "what did they say about fisheries?" {
				t.Errorf("engine asked %q, want the question without the mention", q)
			}
			c := h.f.next(t, mPost)
			if c.Form.Get("channel") != "C1" || c.Form.Get("thread_ts") != tc.wantThread {
				t.Errorf("posted to channel %q thread %q, want C1 thread %q", c.Form.Get("channel"), c.Form.Get("thread_ts"), tc.wantThread)
			}
			if !strings.Contains(c.blocks(), "*The statement said China and Peru") || !strings.Contains(c.blocks(), "¶7") {
				t.Errorf("blocks lack the bold highlight or the citation: %s", c.blocks())
			}
			if c.text() == "" {
				t.Error("no plain-text fallback")
			}
			if got := h.out.next(t); got != "mention/answered" {
				t.Errorf("outcome %q", got)
			}
		})
	}
}

func TestHTTPDirectMessage(t *testing.T) {
	h := start(t, nil)
	h.mustPost(t, "/slack/events", jsonType, eventJSON("Ev1", dm("what did they say about fisheries?")), nil)
	c := h.f.next(t, mPost)
	if c.Form.Get("channel") != "D1" || c.Form.Has("thread_ts") {
		t.Errorf("posted to channel %q thread %q, want D1 and no thread", c.Form.Get("channel"), c.Form.Get("thread_ts"))
	}
	if !strings.Contains(c.blocks(), "fishing, \\u0026lt;aquaculture\\u0026gt; \\u0026amp; marine") {
		t.Errorf("blocks lack the escaped quote: %s", c.blocks())
	}
	if got := h.out.next(t); got != "dm/answered" {
		t.Errorf("outcome %q", got)
	}
}

// TestHTTPIgnoredEvents sends messages the Bot must not answer.
func TestHTTPIgnoredEvents(t *testing.T) {
	h := start(t, nil)
	with := func(ev map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			ev[kv[i].(string)] = kv[i+1]
		}
		return ev
	}
	tests := []struct {
		name string
		ev   map[string]any
	}{
		{"a bot's message", with(dm("fisheries?"), "subtype", "bot_message", "bot_id", "B2")},
		{"a bot's message without subtype", with(dm("fisheries?"), "bot_id", "B2")},
		{"its own message", with(dm("fisheries?"), "user", "UBOT")},
		{"an edit", with(dm(""), "subtype", "message_changed", "user", nil, "message", map[string]any{"type": "message", "user": "U1", "text": "fisheries?", "ts": "1700000000.000100"})},
		{"a join", with(dm("<@U1> has joined the channel"), "subtype", "channel_join", "channel_type", "channel", "channel", "C1")},
		{"a channel message (not a DM)", with(dm("fisheries?"), "channel_type", "channel", "channel", "C1")},
		{"a deletion", with(dm(""), "subtype", "message_deleted", "deleted_ts", "1700000000.000100")},
		{"an edited mention", with(mention("<@UBOT> fisheries?"), "edited", map[string]any{"user": "U1", "ts": "1700000001.000000"})},
		{"a bot's mention", with(mention("<@UBOT> fisheries?"), "bot_id", "B2")},
		{"a mention in a DM (message.im answers it)", with(mention("<@UBOT> fisheries?"), "channel", "D1")},
		{"an event type it does not handle", map[string]any{"type": "reaction_added", "user": "U1", "reaction": "fish", "item": map[string]any{"type": "message", "channel": "C1", "ts": "1.2"}, "event_ts": "1.3"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.mustPost(t, "/slack/events", jsonType, eventJSON("EvIgnored"+string(rune('A'+i)), tc.ev), nil)
		})
	}
	h.bot.Stop()
	if n := h.f.count(mPost); n != 0 {
		t.Errorf("%d replies to events that must be ignored", n)
	}
	h.noQuestions(t)
}

// TestHTTPQuestions covers what a question can be, asked by DM and by
// mention.
func TestHTTPQuestions(t *testing.T) {
	fiftyKB := strings.Repeat("fish ", 10*1024)
	atLimit := strings.Repeat("漁", bot.MaxQuestionLen-5) + " fish"
	tests := []struct {
		name        string
		ev          map[string]any
		wantAsked   string // exact question the engine gets, unless notAsked
		notAsked    bool
		wantReply   []string // substrings of the blocks
		wantOutcome string
	}{
		{"a mention with no question shows usage and topics", mention("<@UBOT>"), "",
			false, []string{"Example: <@UBOT> what did they say", "fisheries, trade &amp; investment, space &lt;cooperation&gt;"}, "mention/help"},
		{"help shows usage", dm("help"), "", false, []string{"Example: <@UBOT>"}, "dm/help"},
		{"a 50 KB question is too long", dm(fiftyKB), "", true, []string{bot.TooLong}, "dm/too_long"},
		{"a mention over the limit is too long", mention("<@UBOT> " + atLimit + "!"), "", true, []string{bot.TooLong}, "mention/too_long"},
		{"a mention at the limit is answered", mention("<@UBOT> " + atLimit), atLimit, false, []string{"¶7"}, "mention/answered"},
		{"a non-ASCII question", dm("漁業について何と言いましたか？"), "漁業について何と言いましたか？", false, []string{"¶7"}, "dm/answered"},
		{"Slack's entities are undone", dm("fish &amp; chips &lt;now&gt;"), "fish & chips <now>", false, []string{"¶7"}, "dm/answered"},
		{"not covered lists the topics", dm("what about the weather?"), "what about the weather?", false,
			[]string{"The documents do not cover that. They cover: fisheries, trade &amp; investment, space &lt;cooperation&gt;."}, "dm/not_covered"},
		{"closest passage", dm("anything nearby?"), "anything nearby?", false,
			[]string{"The documents don't say that in those words. Closest passage:", "*The statement said China and Peru", "¶7"}, "dm/closest"},
		{"an engine error gets an apology", mention("<@UBOT> boom"), "boom", false, []string{bot.Apology}, "mention/error"},
		{"an engine panic gets an apology", dm("panic"), "panic", false, []string{bot.Apology}, "dm/error"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, nil)
			h.mustPost(t, "/slack/events", jsonType, eventJSON("EvQ"+string(rune('A'+i)), tc.ev), nil)
			if tc.notAsked {
				defer h.noQuestions(t)
			} else if asked := h.eng.nextQuestion(t); asked != tc.wantAsked {
				t.Errorf("engine asked %q, want %q", asked, tc.wantAsked)
			}
			c := h.f.next(t, mPost)
			var blocks []map[string]any
			if err := json.Unmarshal([]byte(c.blocks()), &blocks); err != nil || len(blocks) == 0 {
				t.Fatalf("blocks %q: %v", c.blocks(), err)
			}
			var all strings.Builder
			for _, b := range blocks {
				if txt, ok := b["text"].(map[string]any); ok {
					all.WriteString(txt["text"].(string) + "\n")
				}
				if els, ok := b["elements"].([]any); ok && b["type"] == "context" {
					for _, e := range els {
						all.WriteString(e.(map[string]any)["text"].(string) + "\n")
					}
				}
			}
			for _, want := range tc.wantReply {
				if !strings.Contains(all.String(), want) {
					t.Errorf("reply lacks %q:\n%s", want, all.String())
				}
			}
			if c.text() == "" {
				t.Error("no plain-text fallback")
			}
			if got := h.out.next(t); got != tc.wantOutcome {
				t.Errorf("outcome %q, want %q", got, tc.wantOutcome)
			}
		})
	}
}

// TestHTTPTooLong: a slash command or a shared question longer than
// bot.MaxQuestionLen gets bot.TooLong, to the asker alone, without the
// engine being asked.
func TestHTTPTooLong(t *testing.T) {
	long := "what about " + strings.Repeat("fish", bot.MaxQuestionLen/4)
	t.Run("command", func(t *testing.T) {
		h := start(t, nil)
		status, body := h.post(t, "/slack/commands", formType, commandForm(long, h.f.responseURL("cmd")), nil)
		mustOK(t, status, body)
		rt, text, blocks := commandReply(t, body)
		if rt != "ephemeral" || text != bot.TooLong || !strings.Contains(blocks, bot.TooLong) || strings.Contains(blocks, shareActionID) {
			t.Errorf("reply %s %q %s; want an ephemeral %q without a share button", rt, text, blocks, bot.TooLong)
		}
		if got := h.out.next(t); got != "command/too_long" {
			t.Errorf("outcome %q", got)
		}
		h.noQuestions(t)
	})
	t.Run("share", func(t *testing.T) {
		h := start(t, nil)
		click, _ := json.Marshal(shareClick(long, h.f.responseURL("share3")))
		h.mustPost(t, "/slack/interactions", formType, url.Values{"payload": {string(click)}}.Encode(), nil)
		c := h.f.next(t, mResponse)
		if c.JSON["response_type"] != "ephemeral" || !strings.Contains(c.blocks(), bot.TooLong) {
			t.Errorf("posted %v: %s; want an ephemeral %q", c.JSON["response_type"], c.blocks(), bot.TooLong)
		}
		if got := h.out.next(t); got != "share/too_long" {
			t.Errorf("outcome %q", got)
		}
		h.bot.Stop()
		h.noQuestions(t)
		if n := h.f.count(mResponse); n != 1 {
			t.Errorf("%d response_url posts, want only the reply", n)
		}
	})
}

// commandReply decodes a slash command's inline JSON reply.
func commandReply(t *testing.T, body string) (responseType, text, blocks string) {
	t.Helper()
	var r struct {
		ResponseType string          `json:"response_type"`
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("command reply %q: %v", body, err)
	}
	return r.ResponseType, r.Text, string(r.Blocks)
}

func TestHTTPSlashCommandInline(t *testing.T) {
	h := start(t, nil)
	status, body := h.post(t, "/slack/commands", formType, commandForm("what about fisheries?", h.f.responseURL("cmd")), nil)
	mustOK(t, status, body)
	rt, text, blocks := commandReply(t, body)
	if rt != "ephemeral" || text == "" {
		t.Errorf("response_type %q, text %q; want ephemeral with a fallback", rt, text)
	}
	for _, want := range []string{`"action_id":"quotebot_share"`, `"value":"what about fisheries?"`, "Share in channel", "*The statement said"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("blocks lack %s: %s", want, blocks)
		}
	}
	if got := h.out.next(t); got != "command/answered" {
		t.Errorf("outcome %q", got)
	}
	h.bot.Stop()
	if n := h.f.count(mResponse); n != 0 {
		t.Errorf("%d response_url posts for an answer given inline", n)
	}
}

func TestHTTPSlashCommandHelp(t *testing.T) {
	for _, text := range []string{"", "  help "} {
		t.Run(text, func(t *testing.T) {
			h := start(t, nil)
			status, body := h.post(t, "/slack/commands", formType, commandForm(text, h.f.responseURL("cmd")), nil)
			mustOK(t, status, body)
			_, _, blocks := commandReply(t, body)
			for _, want := range []string{"Example: /ask what did they say", "trade \\u0026amp; investment"} {
				if !strings.Contains(blocks, want) {
					t.Errorf("help lacks %s: %s", want, blocks)
				}
			}
			if strings.Contains(blocks, shareActionID) {
				t.Error("help offers to share")
			}
		})
	}
}

// TestHTTPSlashCommandLate: an answer not ready within the budget is
// acknowledged empty, then posted to the response_url.
func TestHTTPSlashCommandLate(t *testing.T) {
	h := start(t, func(c *Config) { c.InlineBudget = time.Millisecond })
	status, body := h.post(t, "/slack/commands", formType, commandForm("slow fisheries", h.f.responseURL("cmd1")), nil)
	mustOK(t, status, body)
	if body != "" {
		t.Errorf("acknowledgement %q, want empty", body)
	}
	h.eng.unblock()
	c := h.f.next(t, mResponse)
	if c.Path != "/response/cmd1" || c.JSON["response_type"] != "ephemeral" {
		t.Errorf("posted to %s as %v, want /response/cmd1 ephemeral", c.Path, c.JSON["response_type"])
	}
	if !strings.Contains(c.blocks(), "*The statement said") || !strings.Contains(c.blocks(), shareActionID) {
		t.Errorf("late answer blocks: %s", c.blocks())
	}
	if got := h.out.next(t); got != "command/answered" {
		t.Errorf("outcome %q", got)
	}
}

func TestHTTPShare(t *testing.T) {
	h := start(t, nil)
	click, _ := json.Marshal(shareClick("what about fisheries?", h.f.responseURL("share1")))
	status, body := h.post(t, "/slack/interactions", formType, url.Values{"payload": {string(click)}}.Encode(), nil)
	mustOK(t, status, body)
	if q := h.eng.nextQuestion(t); q != "what about fisheries?" {
		t.Errorf("engine asked %q", q)
	}
	shared := h.f.next(t, mResponse)
	if shared.JSON["response_type"] != "in_channel" || shared.JSON["delete_original"] == true {
		t.Errorf("shared as %v (delete_original %v), want in_channel", shared.JSON["response_type"], shared.JSON["delete_original"])
	}
	if !strings.HasPrefix(shared.text(), "<@U1> asked: what about fisheries?") {
		t.Errorf("shared text %q does not start with the asker", shared.text())
	}
	if b := shared.blocks(); !strings.Contains(b, "\\u003c@U1\\u003e asked: what about fisheries?") || !strings.Contains(b, "*The statement said") || strings.Contains(b, shareActionID) {
		t.Errorf("shared blocks: %s", b)
	}
	removed := h.f.next(t, mResponse)
	if removed.JSON["delete_original"] != true || removed.Path != "/response/share1" {
		t.Errorf("second response_url post %v to %s, want delete_original", removed.JSON, removed.Path)
	}
	if got := h.out.next(t); got != "share/answered" {
		t.Errorf("outcome %q", got)
	}
}

func TestHTTPShareEngineError(t *testing.T) {
	h := start(t, nil)
	click, _ := json.Marshal(shareClick("boom", h.f.responseURL("share2")))
	h.mustPost(t, "/slack/interactions", formType, url.Values{"payload": {string(click)}}.Encode(), nil)
	c := h.f.next(t, mResponse)
	if c.JSON["response_type"] != "ephemeral" || !strings.Contains(c.blocks(), bot.Apology) {
		t.Errorf("engine error on share posted %v: %s; want an ephemeral apology", c.JSON["response_type"], c.blocks())
	}
	if got := h.out.next(t); got != "share/error" {
		t.Errorf("outcome %q", got)
	}
	h.bot.Stop()
	if n := h.f.count(mResponse); n != 1 {
		t.Errorf("%d response_url posts, want only the apology", n)
	}
}

func TestHTTPRetries(t *testing.T) {
	retry := func(n string) map[string]string {
		return map[string]string{"X-Slack-Retry-Num": n, "X-Slack-Retry-Reason": "http_timeout"}
	}
	t.Run("a retry of an answered event is dropped", func(t *testing.T) {
		h := start(t, nil)
		ev := eventJSON("EvR1", mention("<@UBOT> fisheries?"))
		h.mustPost(t, "/slack/events", jsonType, ev, nil)
		h.f.next(t, mPost)
		if got := h.out.next(t); got != "mention/answered" {
			t.Fatalf("outcome %q", got)
		}
		h.mustPost(t, "/slack/events", jsonType, ev, retry("1"))
		h.bot.Stop()
		if n := h.f.count(mPost); n != 1 {
			t.Errorf("%d replies to one question", n)
		}
		if r := h.out.rejected(); !slices.Equal(r, []string{"duplicate"}) {
			t.Errorf("rejections %v, want [duplicate]", r)
		}
	})
	t.Run("a retry of an event whose reply failed is answered", func(t *testing.T) {
		h := start(t, nil)
		h.f.then(mPost, apiError("internal_error"))
		ev := eventJSON("EvR2", mention("<@UBOT> fisheries?"))
		h.mustPost(t, "/slack/events", jsonType, ev, nil)
		if got := h.out.next(t); got != "mention/undelivered" {
			t.Fatalf("outcome %q, want the first reply to fail", got)
		}
		h.mustPost(t, "/slack/events", jsonType, ev, retry("1"))
		if got := h.out.next(t); got != "mention/answered" {
			t.Errorf("outcome of the retry %q", got)
		}
		h.bot.Stop()
		if n := h.f.count(mPost); n != 2 {
			t.Errorf("%d chat.postMessage calls, want the failed one and the retry's", n)
		}
	})
	t.Run("a retry of an event never seen is answered", func(t *testing.T) {
		h := start(t, nil)
		h.mustPost(t, "/slack/events", jsonType, eventJSON("EvR3", dm("fisheries?")), retry("2"))
		h.f.next(t, mPost)
		if got := h.out.next(t); got != "dm/answered" {
			t.Errorf("outcome %q", got)
		}
	})
}

func TestHTTPRateLimit(t *testing.T) {
	limited := func(after string) reply {
		return reply{status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": after}, body: `{"ok":false,"error":"ratelimited"}`}
	}
	tests := []struct {
		name        string
		script      []reply
		wantSleeps  []time.Duration
		wantCalls   int
		wantOutcome string
	}{
		{"waits Retry-After then answers", []reply{limited("7")}, []time.Duration{7 * time.Second}, 2, "dm/answered"},
		{"gives up after two retries", []reply{limited("1"), limited("1"), limited("1")}, []time.Duration{time.Second, time.Second}, 3, "dm/undelivered"},
		{"does not wait an hour", []reply{limited("3600")}, nil, 1, "dm/undelivered"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, nil)
			h.f.then(mPost, tc.script...)
			h.mustPost(t, "/slack/events", jsonType, eventJSON("EvRL", dm("fisheries?")), nil)
			if got := h.out.next(t); got != tc.wantOutcome {
				t.Errorf("outcome %q, want %q", got, tc.wantOutcome)
			}
			h.bot.Stop()
			close(h.sleeps)
			var slept []time.Duration
			for d := range h.sleeps {
				slept = append(slept, d)
			}
			if !slices.Equal(slept, tc.wantSleeps) {
				t.Errorf("waited %v, want %v", slept, tc.wantSleeps)
			}
			if n := h.f.count(mPost); n != tc.wantCalls {
				t.Errorf("%d chat.postMessage calls, want %d", n, tc.wantCalls)
			}
		})
	}
}

// TestHTTPChannelClosed: when Slack refuses the reply in the channel, the
// asker gets a direct message saying why, and the error is logged.
func TestHTTPChannelClosed(t *testing.T) {
	for _, code := range []string{"not_in_channel", "channel_not_found"} {
		t.Run(code, func(t *testing.T) {
			h := start(t, nil)
			h.f.then(mPost, apiError(code))
			h.mustPost(t, "/slack/events", jsonType, eventJSON("EvNC", mention("<@UBOT> fisheries?")), nil)
			if c := h.f.next(t, mPost); c.Form.Get("channel") != "C1" {
				t.Errorf("first post to %q, want C1", c.Form.Get("channel"))
			}
			note := h.f.next(t, mPost)
			if note.Form.Get("channel") != "U1" || !strings.Contains(note.blocks(), code) || !strings.Contains(note.blocks(), "/invite \\u003c@UBOT\\u003e") {
				t.Errorf("apology to %q: %s", note.Form.Get("channel"), note.blocks())
			}
			if got := h.out.next(t); got != "mention/undelivered" {
				t.Errorf("outcome %q", got)
			}
			h.bot.Stop()
			if !strings.Contains(h.logs.String(), "err="+code) || !strings.Contains(h.logs.String(), "channel=C1") {
				t.Errorf("log lacks the error and channel:\n%s", h.logs)
			}
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	eng := newEngine()
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"no bot token", Config{SigningSecret: secret, Answerer: eng}, ErrNoBotToken},
		{"HTTP mode without a signing secret", Config{BotToken: "xoxb-1", Answerer: eng}, ErrNoSigningSecret},
		{"a bot token as app token", Config{BotToken: "xoxb-1", AppToken: "xoxb-2", Answerer: eng}, ErrBadAppToken},
		{"an API URL that does not parse", Config{BotToken: "xoxb-1", SigningSecret: secret, APIURL: "http://[::1", Answerer: eng}, ErrBadAPIURL},
		{"an API URL without a scheme", Config{BotToken: "xoxb-1", SigningSecret: secret, APIURL: "slack.com/api/", Answerer: eng}, ErrBadAPIURL},
		{"an API URL of another scheme", Config{BotToken: "xoxb-1", SigningSecret: secret, APIURL: "ftp://slack.com/api/", Answerer: eng}, ErrBadAPIURL},
		{"an API URL without a host", Config{BotToken: "xoxb-1", SigningSecret: secret, APIURL: "https:///api/", Answerer: eng}, ErrBadAPIURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg); !errors.Is(err, tc.want) {
				t.Errorf("New = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestStartBadBotToken(t *testing.T) {
	f := newFakeSlack(t)
	f.then(mAuth, apiError("invalid_auth"))
	b, err := New(Config{BotToken: "xoxb-revoked", SigningSecret: secret, APIURL: f.apiURL(), Answerer: newEngine()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err = b.Start(ctx)
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); !ok || se.Err != "invalid_auth" {
		t.Errorf("Start = %v, want the invalid_auth error", err)
	}
}
