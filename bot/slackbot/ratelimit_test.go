package slackbot

import (
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
)

// TestRateLimitPerUser: with a bot.RateLimiter of a burst of 2, a user's
// third question in a row gets bot.RateLimited, in the thread it was asked
// in, without the engine being asked, while another user is answered.
func TestRateLimitPerUser(t *testing.T) {
	h := start(t, func(cfg *Config) {
		lim, err := bot.NewRateLimiter(bot.RateLimitConfig{Rate: 0.01, Burst: 2, Now: func() time.Time { return fixedNow }})
		if err != nil {
			t.Fatal(err)
		}
		r, err := bot.NewResponder(bot.ResponderConfig{Answerer: cfg.Answerer, Limiter: lim})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Responder = r
	})
	asks := []struct {
		user, event string
		want        string // the outcome
	}{
		{"U1", "EvL1", "mention/answered"},
		{"U1", "EvL2", "mention/answered"},
		{"U1", "EvL3", "mention/rate_limited"},
		{"U2", "EvL4", "mention/answered"},
		{"U2", "EvL5", "mention/answered"},
		{"U2", "EvL6", "mention/rate_limited"},
	}
	for _, a := range asks {
		ev := mention("<@UBOT> fisheries?")
		ev["user"] = a.user
		h.mustPost(t, "/slack/events", jsonType, eventJSON(a.event, ev), nil)
		if got := h.out.next(t); got != a.want {
			t.Fatalf("%s's event %s: outcome %q, want %q", a.user, a.event, got, a.want)
		}
		c := h.f.next(t, mPost)
		if a.want == "mention/rate_limited" && (c.text() != bot.RateLimited || c.Form.Get("thread_ts") != "1700000000.000100") {
			t.Errorf("%s's refused question: posted %q in thread %q, want %q in the mention's thread", a.user, c.text(), c.Form.Get("thread_ts"), bot.RateLimited)
		}
	}
	h.bot.Stop()
	if n := len(h.eng.asked); n != 4 {
		t.Errorf("the engine was asked %d questions, want 4 (the refused ones are not asked)", n)
	}
}
