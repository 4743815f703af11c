package discordbot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
)

// closestLead is the line before closest passages.
const closestLead = "The documents don't say that in those words. Closest passage:"

// closestAnswerer offers fishAnswer's passage as the closest one rather
// than as an answer.
var closestAnswerer = bot.AnswererFunc(func(ctx context.Context, q string, top int) (bot.Answer, error) {
	a := fishAnswer(q)
	a.Found, a.Closest, a.Passages = false, a.Passages, []bot.Hit{}
	return a, nil
})

func TestRenderClosest(t *testing.T) {
	ans, _ := closestAnswerer(context.Background(), "q", 0)
	r := render(bot.Reply{Kind: bot.KindClosest, Answer: ans})
	if r.outcome != "closest" || r.content != closestLead {
		t.Errorf("outcome %q, content %q; want closest with %q", r.outcome, r.content, closestLead)
	}
	if len(r.embeds) != 1 || !strings.HasPrefix(r.embeds[0].Description, "**"+fishHighlight+"**") || r.embeds[0].Footer == nil {
		t.Errorf("embeds %+v, want the passage with its bold highlight and citation", r.embeds)
	}
}

// TestGatewayClosest: a mention whose closest passage is all the documents
// offer gets the lead line and the passage's embed, over the gateway and
// over the interactions endpoint.
func TestGatewayClosest(t *testing.T) {
	t.Parallel()
	t.Run("mention", func(t *testing.T) {
		f := newFakeDiscord(t)
		c, obs, _ := connect(t, f, Config{AppID: testAppID, Answerer: closestAnswerer})
		c.dispatch(t, "MESSAGE_CREATE", messageEvent("7001", "50", "60", "7", false, "<@"+testBotID+"> anything on fish farms?"))
		obs.expect(t, "message/closest")
		m := decodeMessage(t, f.next(t, "POST", "/api/v10/channels/50/messages").Body)
		if m.Content != closestLead {
			t.Errorf("content %q, want %q", m.Content, closestLead)
		}
		assertFishEmbed(t, m)
	})
	t.Run("endpoint", func(t *testing.T) {
		signedAt := time.Unix(1_700_000_000, 0)
		f := newFakeDiscord(t)
		h := newHTTPBot(t, f, closestAnswerer, signedAt, time.Minute)
		w := h.do(t, sign(h.key, signedAt, mustJSON(t, askInteraction("7002", "tok", questionOption("anything on fish farms?")))))
		if w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
		m := decodeMessage(t, decodeResponse(t, w.Body.Bytes()).Data)
		if m.Content != closestLead {
			t.Errorf("content %q, want %q", m.Content, closestLead)
		}
		assertFishEmbed(t, m)
		if got := h.obs.next(t); got != "interaction/closest" {
			t.Errorf("observation %q, want interaction/closest", got)
		}
	})
}
