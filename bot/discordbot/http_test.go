package discordbot

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
)

// signedAt is the time every test request is signed at; the bot's clock
// reads the same unless a test moves it.
var signedAt = time.Unix(1_700_000_000, 0)

// httpBot is a Bot with no token, only the interactions endpoint, whose
// webhook calls go to f.
type httpBot struct {
	b    *Bot
	key  ed25519.PrivateKey
	obs  *observer
	logs *syncBuffer
}

func newHTTPBot(t *testing.T, f *fakeDiscord, answerer bot.Answerer, now time.Time, deadline time.Duration) *httpBot {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	obs := newObserver()
	logger, logs := testLogger(t)
	b, err := New(Config{
		PublicKey: hex.EncodeToString(pub), APIURL: f.apiURL(), Answerer: answerer, Logger: logger,
		Now: func() time.Time { return now }, AnswerDeadline: deadline, Observe: obs.observe,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &httpBot{b: b, key: priv, obs: obs, logs: logs}
}

// sign returns a request signed as Discord signs them.
func sign(key ed25519.PrivateKey, ts time.Time, body []byte) *http.Request {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(key, append([]byte(stamp), body...))
	r := httptest.NewRequest("POST", "/discord/interactions", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	r.Header.Set("X-Signature-Timestamp", stamp)
	return r
}

// do serves r, failing the test if the handler takes longer than waitTime.
func (h *httpBot) do(t *testing.T, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.b.InteractionsHandler().ServeHTTP(w, r)
	}()
	select {
	case <-done:
		return w
	case <-time.After(waitTime):
		t.Fatal("the interactions handler did not answer")
		return nil
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestInteractionsEndpointRefusesUnverifiedRequests(t *testing.T) {
	t.Parallel()
	ping := []byte(`{"id": "1", "application_id": "200", "type": 1, "token": "t", "version": 1}`)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)

	tests := []struct {
		name    string
		request func(h *httpBot) *http.Request
		want    int
		outcome string
	}{
		{"signed by another key", func(h *httpBot) *http.Request { return sign(otherKey, signedAt, ping) }, 401, "unauthorized"},
		{"tampered body", func(h *httpBot) *http.Request {
			r := sign(h.key, signedAt, ping)
			r.Body = io.NopCloser(bytes.NewReader(bytes.Replace(ping, []byte(`"type": 1`), []byte(`"type": 2`), 1)))
			return r
		}, 401, "unauthorized"},
		{"tampered timestamp", func(h *httpBot) *http.Request {
			r := sign(h.key, signedAt, ping)
			r.Header.Set("X-Signature-Timestamp", strconv.FormatInt(signedAt.Unix()+1, 10))
			return r
		}, 401, "unauthorized"},
		{"no signature", func(h *httpBot) *http.Request {
			r := sign(h.key, signedAt, ping)
			r.Header.Del("X-Signature-Ed25519")
			return r
		}, 401, "unauthorized"},
		{"no timestamp", func(h *httpBot) *http.Request {
			r := sign(h.key, signedAt, ping)
			r.Header.Del("X-Signature-Timestamp")
			return r
		}, 401, "unauthorized"},
		{"signature not hex", func(h *httpBot) *http.Request {
			r := sign(h.key, signedAt, ping)
			r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
			return r
		}, 401, "unauthorized"},
		{"signature too short", func(h *httpBot) *http.Request {
			r := sign(h.key, signedAt, ping)
			r.Header.Set("X-Signature-Ed25519", r.Header.Get("X-Signature-Ed25519")[:64])
			return r
		}, 401, "unauthorized"},
		{"stale timestamp", func(h *httpBot) *http.Request {
			return sign(h.key, signedAt.Add(-MaxTimestampSkew-time.Second), ping)
		}, 401, "unauthorized"},
		{"timestamp from the future", func(h *httpBot) *http.Request {
			return sign(h.key, signedAt.Add(MaxTimestampSkew+time.Second), ping)
		}, 401, "unauthorized"},
		{"oversized body", func(h *httpBot) *http.Request {
			big := append(bytes.Repeat([]byte(" "), MaxInteractionBody), ping...)
			return sign(h.key, signedAt, big)
		}, 413, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t)
			h := newHTTPBot(t, f, refusingAnswerer(t), signedAt, time.Minute)
			w := h.do(t, tt.request(h))
			if w.Code != tt.want {
				t.Errorf("status %d, want %d (body %q)", w.Code, tt.want, w.Body)
			}
			if strings.Contains(w.Body.String(), `"type"`) {
				t.Errorf("body %q answers the interaction", w.Body)
			}
			if got := h.obs.next(t); got != "http/"+tt.outcome {
				t.Errorf("observation %q, want http/%s", got, tt.outcome)
			}
			f.noMoreRequests(t)
		})
	}
}

func TestInteractionsEndpointPingAndBadRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		want     int
		wantBody string
		outcome  string
	}{
		{"ping", `{"id": "1", "application_id": "200", "type": 1, "token": "t", "version": 1}`, 200, `{"type":1}`, "http/pong"},
		{"component interaction", `{"id": "2", "application_id": "200", "type": 3, "token": "t", "data": {"custom_id": "x", "component_type": 2}}`, 400, "", "http/bad_request"},
		{"unknown type", `{"id": "3", "application_id": "200", "type": 99, "token": "t"}`, 400, "", "http/bad_request"},
		{"another command", `{"id": "4", "application_id": "200", "type": 2, "token": "t", "data": {"name": "other", "type": 1}}`, 400, "", "http/bad_request"},
		{"not JSON", `{"id": `, 400, "", "http/bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t)
			h := newHTTPBot(t, f, refusingAnswerer(t), signedAt, time.Minute)
			w := h.do(t, sign(h.key, signedAt, []byte(tt.body)))
			if w.Code != tt.want {
				t.Errorf("status %d, want %d (body %q)", w.Code, tt.want, w.Body)
			}
			if tt.wantBody != "" && strings.TrimSpace(w.Body.String()) != tt.wantBody {
				t.Errorf("body %q, want %s", w.Body, tt.wantBody)
			}
			if got := h.obs.next(t); got != tt.outcome {
				t.Errorf("observation %q, want %s", got, tt.outcome)
			}
			f.noMoreRequests(t)
		})
	}
}

func TestInteractionsEndpointAnswersInline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		options     []map[string]any
		wantFlags   int
		wantAsked   string
		wantContent string // "" means the fisheries embed
		outcome     string
	}{
		{"public answer", []map[string]any{questionOption("what about fisheries?")}, 0, "what about fisheries?", "", "interaction/answered"},
		{"private answer", []map[string]any{questionOption("fisheries?"), privateOption(true)}, 64, "fisheries?", "", "interaction/answered"},
		{"help is private and lists topics", []map[string]any{questionOption("Help")}, 64, "",
			"Example: /ask question: what did they say about fisheries?\nTopics covered: fisheries, trade.", "interaction/help"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t)
			answerer := newRecordingAnswerer()
			h := newHTTPBot(t, f, answerer, signedAt, time.Minute)
			w := h.do(t, sign(h.key, signedAt, mustJSON(t, askInteraction("6001", "tok", tt.options...))))
			if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("status %d %q, want 200 JSON (body %q)", w.Code, w.Header().Get("Content-Type"), w.Body)
			}
			r := decodeResponse(t, w.Body.Bytes())
			if r.Type != 4 {
				t.Fatalf("type %d, want 4", r.Type)
			}
			m := decodeMessage(t, r.Data)
			if m.Flags != tt.wantFlags {
				t.Errorf("flags %d, want %d", m.Flags, tt.wantFlags)
			}
			if tt.wantContent == "" {
				assertFishEmbed(t, m)
			} else if !strings.Contains(m.Content, tt.wantContent) {
				t.Errorf("content %q, want it to contain %q", m.Content, tt.wantContent)
			}
			if q := answerer.next(t); q != tt.wantAsked {
				t.Errorf("asked %q, want %q", q, tt.wantAsked)
			}
			if got := h.obs.next(t); got != tt.outcome {
				t.Errorf("observation %q, want %s", got, tt.outcome)
			}
			f.noMoreRequests(t)
		})
	}
}

// TestInteractionsEndpointTooLong: an `ask` over bot.MaxQuestionLen gets
// bot.TooLong inline, without the answerer being asked.
func TestInteractionsEndpointTooLong(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	h := newHTTPBot(t, f, refusingAnswerer(t), signedAt, time.Minute)
	q := strings.Repeat("fish ", bot.MaxQuestionLen/5) + "?"
	w := h.do(t, sign(h.key, signedAt, mustJSON(t, askInteraction("6101", "tok", questionOption(q)))))
	if w.Code != 200 {
		t.Fatalf("status %d, want 200 (body %q)", w.Code, w.Body)
	}
	r := decodeResponse(t, w.Body.Bytes())
	if m := decodeMessage(t, r.Data); r.Type != 4 || m.Content != bot.TooLong || len(m.Embeds) != 0 {
		t.Errorf("type %d, content %q, %d embeds; want 4 with %q", r.Type, m.Content, len(m.Embeds), bot.TooLong)
	}
	if got := h.obs.next(t); got != "interaction/too_long" {
		t.Errorf("observation %q, want interaction/too_long", got)
	}
	f.noMoreRequests(t)
}

func TestInteractionsEndpointDefersThenEdits(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	answerer := newBlockingAnswerer()
	h := newHTTPBot(t, f, answerer, signedAt, 10*time.Millisecond)

	w := h.do(t, sign(h.key, signedAt, mustJSON(t, askInteraction("6002", "tok-d", questionOption("fisheries?")))))
	if w.Code != 200 {
		t.Fatalf("status %d (body %q)", w.Code, w.Body)
	}
	if r := decodeResponse(t, w.Body.Bytes()); r.Type != 5 {
		t.Fatalf("type %d, want 5 (deferred)", r.Type)
	}
	if got := h.obs.next(t); got != "interaction/deferred" {
		t.Fatalf("observation %q, want interaction/deferred", got)
	}
	f.noMoreRequests(t)

	close(answerer.release)
	edit := f.next(t, "PATCH", "/api/v10/webhooks/"+testAppID+"/tok-d/messages/@original")
	if edit.Auth != "" {
		t.Errorf("the webhook edit sent Authorization %q; it needs none", edit.Auth)
	}
	assertFishEmbed(t, decodeMessage(t, edit.Body))
	if got := h.obs.next(t); got != "interaction/answered" {
		t.Errorf("observation %q, want interaction/answered", got)
	}
}

func TestInteractionsEndpointDeduplicates(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	answerer := newRecordingAnswerer()
	h := newHTTPBot(t, f, answerer, signedAt, time.Minute)
	body := mustJSON(t, askInteraction("6003", "tok", questionOption("fisheries?")))

	if w := h.do(t, sign(h.key, signedAt, body)); w.Code != 200 {
		t.Fatalf("first: status %d", w.Code)
	}
	if w := h.do(t, sign(h.key, signedAt, body)); w.Code != http.StatusConflict {
		t.Errorf("replay: status %d, want 409", w.Code)
	}
	h.obs.expect(t, "interaction/answered", "interaction/duplicate")
	answerer.next(t)
	select {
	case q := <-answerer.questions:
		t.Errorf("the replay was answered too (%q)", q)
	default:
	}
}

func TestInteractionsEndpointApologizesForEngineFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		answerer bot.AnswererFunc
		wantLog  string
	}{
		{"error", func(ctx context.Context, q string, top int) (bot.Answer, error) {
			return bot.Answer{}, errors.New("index unavailable")
		}, "index unavailable"},
		{"panic", func(ctx context.Context, q string, top int) (bot.Answer, error) {
			panic("nil map")
		}, "nil map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t)
			h := newHTTPBot(t, f, tt.answerer, signedAt, time.Minute)
			w := h.do(t, sign(h.key, signedAt, mustJSON(t, askInteraction("6004", "tok", questionOption("fisheries?")))))
			if w.Code != 200 {
				t.Fatalf("status %d", w.Code)
			}
			m := decodeMessage(t, decodeResponse(t, w.Body.Bytes()).Data)
			if m.Content != bot.Apology || len(m.Embeds) != 0 {
				t.Errorf("reply %+v, want just the apology", m)
			}
			if strings.Contains(m.Content, tt.wantLog) {
				t.Errorf("the reply leaks the internal error")
			}
			if !strings.Contains(h.logs.String(), tt.wantLog) {
				t.Errorf("log does not mention %q:\n%s", tt.wantLog, h.logs)
			}
			if got := h.obs.next(t); got != "interaction/error" {
				t.Errorf("observation %q, want interaction/error", got)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	a := newRecordingAnswerer()
	tests := []struct {
		name string
		cfg  Config
		want error // nil: any error
	}{
		{"no answerer", Config{Token: "x"}, nil},
		{"neither token nor key", Config{Answerer: a}, nil},
		{"key not hex", Config{PublicKey: strings.Repeat("g", 64), Answerer: a}, ErrBadPublicKey},
		{"key too short", Config{PublicKey: "abcd", Answerer: a}, ErrBadPublicKey},
		{"relative API URL", Config{Token: "x", APIURL: "discord.com/api", Answerer: a}, ErrBadAPIURL},
		{"API URL of another scheme", Config{Token: "x", APIURL: "ftp://discord.com/api/", Answerer: a}, ErrBadAPIURL},
		{"app id not a number", Config{Token: "x", AppID: "my-bot", Answerer: a}, ErrBadAppID},
		{"app id negative", Config{Token: "x", AppID: "-12", Answerer: a}, ErrBadAppID},
		{"shard id past the count", Config{Token: "x", ShardID: 3, ShardCount: 3, Answerer: a}, ErrBadShard},
		{"shard id negative", Config{Token: "x", ShardID: -1, ShardCount: 3, Answerer: a}, ErrBadShard},
		{"shard count negative", Config{Token: "x", ShardCount: -2, Answerer: a}, ErrBadShard},
		{"shard id without a count", Config{Token: "x", ShardID: 1, Answerer: a}, ErrBadShard},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("New(%+v) = %v, want %v", tt.cfg, err, tt.want)
			}
		})
	}
}
