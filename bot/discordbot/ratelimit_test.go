package discordbot

import (
	"strconv"
	"testing"

	"github.com/quotebot/quotebot/bot"
)

// TestRateLimitPerUser: with a bot.RateLimiter of a burst of 2, a user's
// third `/ask` in a row gets bot.RateLimited as its response, without the
// engine being asked, while another user is answered.
func TestRateLimitPerUser(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	answerer := newRecordingAnswerer()
	lim, err := bot.NewRateLimiter(bot.RateLimitConfig{Rate: 0.01, Burst: 2})
	if err != nil {
		t.Fatal(err)
	}
	r, err := bot.NewResponder(bot.ResponderConfig{Answerer: answerer, Limiter: lim})
	if err != nil {
		t.Fatal(err)
	}
	c, obs, _ := connect(t, f, Config{AppID: testAppID, Responder: r})
	asks := []struct {
		user string
		want string // the outcome
	}{
		{"7", "interaction/answered"},
		{"7", "interaction/answered"},
		{"7", "interaction/rate_limited"},
		{"8", "interaction/answered"},
		{"8", "interaction/answered"},
		{"8", "interaction/rate_limited"},
	}
	for i, a := range asks {
		id := strconv.Itoa(7001 + i)
		ev := askInteraction(id, "tok-"+id, questionOption("fisheries?"))
		ev["member"] = map[string]any{"user": map[string]any{"id": a.user, "username": "user" + a.user}}
		c.dispatch(t, "INTERACTION_CREATE", ev)
		if got := obs.next(t); got != a.want {
			t.Fatalf("user %s's ask %s: outcome %q, want %q", a.user, id, got, a.want)
		}
		resp := decodeResponse(t, f.next(t, "POST", "/api/v10/interactions/"+id+"/tok-"+id+"/callback").Body)
		if a.want == "interaction/rate_limited" {
			if m := decodeMessage(t, resp.Data); resp.Type != 4 || m.Content != bot.RateLimited {
				t.Errorf("user %s's refused ask: type %d, content %q; want 4 with %q", a.user, resp.Type, m.Content, bot.RateLimited)
			}
			continue
		}
		answerer.next(t)
	}
	select {
	case q := <-answerer.questions:
		t.Errorf("a refused ask was answered (%q)", q)
	default:
	}
}
