package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/bot/discordbot"
)

// discordEnv is a platformEnv reading its settings from vars.
func discordEnv(t *testing.T, vars map[string]string) (platformEnv, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	return platformEnv{
		Mux: http.NewServeMux(),
		Responder: mustResponder(t, bot.AnswererFunc(func(ctx context.Context, q string, top int) (bot.Answer, error) {
			return bot.Answer{Question: q, Topics: []string{"fisheries"}}, nil
		})),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics: reg,
		Getenv:  func(k string) string { return vars[k] },
	}, reg
}

func TestStartDiscordIsOffWithoutSettings(t *testing.T) {
	env, _ := discordEnv(t, nil)
	stop, err := startDiscord(context.Background(), env)
	if stop != nil || err != nil {
		t.Fatalf("startDiscord = %v, %v; want nil, nil", stop != nil, err)
	}
	w := httptest.NewRecorder()
	env.Mux.ServeHTTP(w, httptest.NewRequest("POST", "/discord/interactions", strings.NewReader("{}")))
	if w.Code != http.StatusNotFound {
		t.Errorf("POST /discord/interactions: %d, want 404 when Discord is off", w.Code)
	}
}

func TestStartDiscordServesSignedInteractions(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	env, reg := discordEnv(t, map[string]string{"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub)})
	stop, err := startDiscord(context.Background(), env)
	if err != nil || stop == nil {
		t.Fatalf("startDiscord: %v", err)
	}
	t.Cleanup(stop)

	body := `{"id": "1", "application_id": "2", "type": 1, "token": "t", "version": 1}`
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	tests := []struct {
		name      string
		signature []byte
		want      int
	}{
		{"signed ping", ed25519.Sign(priv, []byte(stamp+body)), http.StatusOK},
		{"bad signature", ed25519.Sign(priv, []byte(stamp+body+" ")), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/discord/interactions", strings.NewReader(body))
			r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(tt.signature))
			r.Header.Set("X-Signature-Timestamp", stamp)
			w := httptest.NewRecorder()
			env.Mux.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("status %d, want %d (body %q)", w.Code, tt.want, w.Body)
			}
		})
	}
	if got := discordCounter(t, reg, "http", "pong"); got != 1 {
		t.Errorf("pong counter = %v, want 1", got)
	}
	if got := discordCounter(t, reg, "http", "unauthorized"); got != 1 {
		t.Errorf("unauthorized counter = %v, want 1", got)
	}
}

func discordCounter(t *testing.T, reg *prometheus.Registry, kind, outcome string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "quotebot_discord_events_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["kind"] == kind && labels["outcome"] == outcome {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestStartDiscordRefusesBadSettings(t *testing.T) {
	unauthorized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message": "401: Unauthorized", "code": 0}`)
	}))
	t.Cleanup(unauthorized.Close)
	tests := []struct {
		name     string
		vars     map[string]string
		wantIs   error // nil: any error
		wantText string
	}{
		{"public key not hex", map[string]string{"DISCORD_PUBLIC_KEY": "xyz"}, discordbot.ErrBadPublicKey, "DISCORD_PUBLIC_KEY"},
		{"message content not a boolean", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_MESSAGE_CONTENT": "sometimes"}, nil, "DISCORD_MESSAGE_CONTENT"},
		{"app id not a number", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_APP_ID": "quotebot", "DISCORD_API_URL": unauthorized.URL + "/api/v10/"}, discordbot.ErrBadAppID, "DISCORD_APP_ID"},
		{"app id not a number, endpoint only", map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32), "DISCORD_APP_ID": "12ab"}, discordbot.ErrBadAppID, "DISCORD_APP_ID"},
		{"API URL not absolute", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_API_URL": "/api/v10/"}, discordbot.ErrBadAPIURL, "DISCORD_API_URL"},
		{"token rejected", map[string]string{"DISCORD_BOT_TOKEN": "wrong", "DISCORD_API_URL": unauthorized.URL + "/api/v10/"}, discordbot.ErrBadToken, "DISCORD_BOT_TOKEN"},
		{"shard id without a count", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_SHARD_ID": "0"}, nil, "set both"},
		{"shard count without an id", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_SHARD_COUNT": "2"}, nil, "set both"},
		{"shard count zero", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_SHARD_ID": "0", "DISCORD_SHARD_COUNT": "0"}, nil, "DISCORD_SHARD_COUNT"},
		{"shard count not a number", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_SHARD_ID": "0", "DISCORD_SHARD_COUNT": "two"}, nil, "DISCORD_SHARD_COUNT"},
		{"shard id not a number", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_SHARD_ID": "first", "DISCORD_SHARD_COUNT": "2"}, nil, "DISCORD_SHARD_ID"},
		{"shard id negative", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_SHARD_ID": "-1", "DISCORD_SHARD_COUNT": "2"}, nil, "DISCORD_SHARD_ID"},
		{"shard id past the count", map[string]string{"DISCORD_BOT_TOKEN": "t", "DISCORD_SHARD_ID": "2", "DISCORD_SHARD_COUNT": "2"}, nil, "DISCORD_SHARD_ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := discordEnv(t, tt.vars)
			stop, err := startDiscord(context.Background(), env)
			if stop != nil {
				t.Cleanup(stop)
			}
			if err == nil || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("startDiscord = %v; want an error naming %s", err, tt.wantText)
			}
		})
	}
}
