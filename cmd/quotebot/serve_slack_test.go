package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/bot/slackbot"
)

// fakeSlackAPI answers auth.test (failing with authErr when set) and
// apps.connections.open, and accepts the Socket Mode websocket.
func fakeSlackAPI(t testing.TB, authErr string) *httptest.Server {
	t.Helper()
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth.test", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if authErr != "" {
			io.WriteString(w, `{"ok":false,"error":"`+authErr+`"}`)
			return
		}
		io.WriteString(w, `{"ok":true,"team":"Example","user":"quotebot","team_id":"T1","user_id":"UBOT","bot_id":"BBOT"}`)
	})
	mux.HandleFunc("POST /api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"url":"ws://`+r.Host+`/ws"}`)
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		t.Cleanup(func() { conn.Close() })
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type slackEnv struct {
	env  platformEnv
	reg  *prometheus.Registry
	logs *slackLogs
}

// slackLogs is a log buffer that the Bot's goroutines may write while a
// test reads it.
type slackLogs struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *slackLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *slackLogs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newSlackEnv(vars map[string]string) slackEnv {
	logs := &slackLogs{}
	reg := prometheus.NewRegistry()
	answerer := bot.AnswererFunc(func(ctx context.Context, q string, top int) (bot.Answer, error) {
		return bot.Answer{Topics: []string{"fisheries"}}, nil
	})
	return slackEnv{
		env: platformEnv{
			Mux: http.NewServeMux(), Responder: mustResponder(nil, answerer), Metrics: reg,
			Logger: slog.New(slog.NewTextHandler(logs, nil)),
			Getenv: func(k string) string { return vars[k] },
		},
		reg: reg, logs: logs,
	}
}

func TestStartSlackOffWithoutToken(t *testing.T) {
	e := newSlackEnv(map[string]string{"SLACK_SIGNING_SECRET": "s"})
	stop, err := startSlack(t.Context(), e.env)
	if err != nil || stop != nil {
		t.Fatalf("startSlack = (%v, %v), want (nil, nil)", stop != nil, err)
	}
	if !strings.Contains(e.logs.String(), "slack is off: SLACK_BOT_TOKEN is not set") {
		t.Errorf("log does not say why Slack is off:\n%s", e.logs)
	}
}

func TestStartSlackRefuses(t *testing.T) {
	srv := fakeSlackAPI(t, "invalid_auth")
	tests := []struct {
		name string
		vars map[string]string
		want func(error) bool
	}{
		{"HTTP mode without a signing secret", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"},
			func(err error) bool { return errors.Is(err, slackbot.ErrNoSigningSecret) }},
		{"an app token that is not one", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"},
			func(err error) bool { return errors.Is(err, slackbot.ErrBadAppToken) }},
		{"a bad bot token", map[string]string{"SLACK_BOT_TOKEN": "xoxb-revoked", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": srv.URL + "/api/"},
			func(err error) bool {
				se, ok := errors.AsType[slack.SlackErrorResponse](err)
				return ok && se.Err == "invalid_auth"
			}},
		{"an API URL that does not parse", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://[::1"}, namesAPIURL},
		{"an API URL of another scheme", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "ftp://slack.com/api/"}, namesAPIURL},
		{"an API URL without a host", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "https:///api/"}, namesAPIURL},
		{"a cap on questions that is not a number", maxInFlight(srv.URL+"/api/", "many"), namesMaxInFlight},
		{"a cap of zero questions", maxInFlight(srv.URL+"/api/", "0"), namesMaxInFlight},
		{"a negative cap", maxInFlight(srv.URL+"/api/", "-4"), namesMaxInFlight},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stop, err := startSlack(t.Context(), newSlackEnv(tc.vars).env)
			if stop != nil {
				stop()
			}
			if !tc.want(err) {
				t.Errorf("startSlack error = %v", err)
			}
		})
	}
}

// namesAPIURL reports whether err says SLACK_API_URL is not a usable URL
// (rather than blaming the token, as a failed auth.test would).
func namesAPIURL(err error) bool {
	return errors.Is(err, slackbot.ErrBadAPIURL) && strings.HasPrefix(err.Error(), "SLACK_API_URL: ")
}

// maxInFlight is an HTTP-mode environment against the Web API at apiURL,
// with QUOTEBOT_SLACK_MAX_IN_FLIGHT set to v.
func maxInFlight(apiURL, v string) map[string]string {
	return map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": apiURL,
		"QUOTEBOT_SLACK_MAX_IN_FLIGHT": v}
}

// namesMaxInFlight reports whether err tells the operator which variable
// is wrong.
func namesMaxInFlight(err error) bool {
	return err != nil && strings.Contains(err.Error(), "QUOTEBOT_SLACK_MAX_IN_FLIGHT")
}

// TestStartSlackMaxInFlight checks that QUOTEBOT_SLACK_MAX_IN_FLIGHT reaches
// the Bot, which logs its cap when Slack is on.
func TestStartSlackMaxInFlight(t *testing.T) {
	srv := fakeSlackAPI(t, "")
	tests := []struct {
		name, value string
		want        string
	}{
		{"unset: the default", "", "max_in_flight=32"},
		{"set", "4", "max_in_flight=4"},
		{"set with spaces", " 100 ", "max_in_flight=100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newSlackEnv(maxInFlight(srv.URL+"/api/", tc.value))
			stop, err := startSlack(t.Context(), e.env)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			if !strings.Contains(e.logs.String(), tc.want) {
				t.Errorf("log lacks %s:\n%s", tc.want, e.logs)
			}
		})
	}
}

// TestStartSlackHTTP starts HTTP mode against the fake and checks the
// routes are signed and the refusals counted.
func TestStartSlackHTTP(t *testing.T) {
	const secret = "signing-secret"
	srv := fakeSlackAPI(t, "")
	e := newSlackEnv(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": srv.URL + "/api"})
	stop, err := startSlack(t.Context(), e.env)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	app := httptest.NewServer(e.env.Mux)
	defer app.Close()

	body := `{"type":"url_verification","challenge":"c-123","token":"x"}`
	signed := func(key string) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/slack/events", strings.NewReader(body))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(key))
		io.WriteString(mac, "v0:"+ts+":"+body)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		return req
	}
	for _, tc := range []struct {
		name, key  string
		wantStatus int
		wantBody   string
	}{
		{"signed", secret, http.StatusOK, "c-123"},
		{"signed with another secret", "other", http.StatusUnauthorized, ""},
	} {
		resp, err := http.DefaultClient.Do(signed(tc.key))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.wantStatus || (tc.wantBody != "" && string(got) != tc.wantBody) {
			t.Errorf("%s: %d %q, want %d %q", tc.name, resp.StatusCode, got, tc.wantStatus, tc.wantBody)
		}
	}
	if n := counterValue(t, e.reg, "quotebot_slack_rejected_total", "bad_signature"); n != 1 {
		t.Errorf("bad_signature counted %v times, want 1", n)
	}
	if !strings.Contains(e.logs.String(), "mode=http") {
		t.Errorf("log does not say Slack is on over HTTP:\n%s", e.logs)
	}
}

// counterValue is the value of the counter name{…=label} in reg, 0 when
// it has not been counted.
func counterValue(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetValue() == label {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestStartSlackSocketMode(t *testing.T) {
	srv := fakeSlackAPI(t, "")
	e := newSlackEnv(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": srv.URL + "/api/"})
	stop, err := startSlack(t.Context(), e.env)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	rec := httptest.NewRecorder()
	e.env.Mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader("{}")))
	if rec.Code != http.StatusNotFound {
		t.Errorf("POST /slack/events in Socket Mode: %d, want 404 (no HTTP routes)", rec.Code)
	}
	if !strings.Contains(e.logs.String(), "mode=socket") {
		t.Errorf("log does not say Slack is on over Socket Mode:\n%s", e.logs)
	}
}
