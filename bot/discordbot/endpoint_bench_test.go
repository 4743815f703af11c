package discordbot

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
)

// discordPayload is an `ask` interaction as Discord sends it to an
// Interactions Endpoint URL, every field a guild command carries included.
const discordPayload = `{"app_permissions":"562949953601536","application_id":"200","authorizing_integration_owners":{"0":"60"},` +
	`"channel":{"flags":0,"guild_id":"60","id":"50","last_message_id":"70","name":"general","nsfw":false,"parent_id":"80","permissions":"2248473465835073","position":0,"rate_limit_per_user":0,"topic":null,"type":0},` +
	`"channel_id":"50","context":0,` +
	`"data":{"guild_id":"60","id":"90","name":"ask","options":[{"name":"question","type":3,"value":"%s"},{"name":"private","type":5,"value":true}],"type":1},` +
	`"entitlement_sku_ids":[],"entitlements":[],"guild":{"features":[],"id":"60","locale":"en-US"},"guild_id":"60","guild_locale":"en-US",` +
	`"id":"%d","locale":"en-GB",` +
	`"member":{"avatar":null,"banner":null,"communication_disabled_until":null,"deaf":false,"flags":0,"joined_at":"2024-01-01T00:00:00.000000+00:00","mute":false,"nick":null,"pending":false,"permissions":"2248473465835073","premium_since":null,"roles":["61"],"unusual_dm_activity_until":null,` +
	`"user":{"avatar":"a1b2","avatar_decoration_data":null,"clan":null,"discriminator":"0","global_name":"Ada","id":"7","public_flags":0,"username":"ada"}},` +
	`"token":"aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDp0b2tlbg","type":2,"version":1}`

// TestInteractionsEndpointReadsDiscordsPayload: the endpoint reads the
// question and the private flag of an interaction in the shape Discord
// sends, with all the fields it does not need.
func TestInteractionsEndpointReadsDiscordsPayload(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	answerer := newRecordingAnswerer()
	h := newHTTPBot(t, f, answerer, signedAt, time.Minute)
	w := h.do(t, sign(h.key, signedAt, fmt.Appendf(nil, discordPayload, "what about fisheries?", 6101)))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d (body %q)", w.Code, w.Body)
	}
	r := decodeResponse(t, w.Body.Bytes())
	if m := decodeMessage(t, r.Data); r.Type != 4 || m.Flags != 64 {
		t.Errorf("type %d flags %d, want an ephemeral answer (4, 64)", r.Type, m.Flags)
	}
	if q := answerer.next(t); q != "what about fisheries?" {
		t.Errorf("asked %q", q)
	}
	f.noMoreRequests(t)
}

// BenchmarkInteractionsEndpoint serves signed `ask` interactions in
// Discord's full shape with an answerer that costs nothing, so it measures
// the endpoint alone: the body, the Ed25519 check, decoding, deduplication,
// rendering and the response. Requests are signed before the timer starts.
func BenchmarkInteractionsEndpoint(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	bt, err := New(Config{
		PublicKey: hex.EncodeToString(pub),
		Answerer: bot.AnswererFunc(func(ctx context.Context, q string, top int) (bot.Answer, error) {
			return fishAnswer(q), nil
		}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    func() time.Time { return now },
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(bt.Close)
	if err := bt.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	h := bt.InteractionsHandler()
	reqs := make([]*http.Request, b.N)
	for n := range reqs {
		reqs[n] = sign(priv, now, fmt.Appendf(nil, discordPayload, "what about fisheries?", 10_000_000+n))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, reqs[n])
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
