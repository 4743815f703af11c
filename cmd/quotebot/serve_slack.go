package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/bot/slackbot"
)

// startSlack starts the Slack integration when SLACK_BOT_TOKEN is set:
// Socket Mode when SLACK_APP_TOKEN is set too, otherwise the signed HTTP
// routes /slack/events, /slack/commands and /slack/interactions on env.Mux.
// QUOTEBOT_SLACK_MAX_IN_FLIGHT, when set, caps the questions answered at
// once. It counts questions by surface and outcome, and refused requests by
// reason.
func startSlack(ctx context.Context, env platformEnv) (func(), error) {
	cfg := slackbot.Config{
		BotToken:      env.Getenv("SLACK_BOT_TOKEN"),
		AppToken:      env.Getenv("SLACK_APP_TOKEN"),
		SigningSecret: env.Getenv("SLACK_SIGNING_SECRET"),
		APIURL:        env.Getenv("SLACK_API_URL"),
		Responder:     env.Responder,
		Deduper:       env.Deduper,
		Logger:        env.Logger.With("platform", "slack"),
	}
	if cfg.BotToken == "" {
		env.Logger.Info("slack is off: SLACK_BOT_TOKEN is not set")
		return nil, nil
	}
	maxInFlight, err := slackMaxInFlight(env.Getenv)
	if err != nil {
		return nil, err
	}
	cfg.MaxInFlight = maxInFlight
	replies := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "quotebot_slack_questions_total",
		Help: fmt.Sprintf("Slack questions by surface (%s, %s, %s, %s) and outcome (the kind of reply delivered: %s; or %s, %s).",
			slackbot.SurfaceMention, slackbot.SurfaceDM, slackbot.SurfaceCommand, slackbot.SurfaceShare,
			bot.KindNames(), slackbot.OutcomeUndelivered, slackbot.OutcomeDropped),
	}, []string{"surface", "outcome"})
	rejected := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "quotebot_slack_rejected_total",
		Help: "Slack requests and events dropped, by reason (bad_signature, bad_request, duplicate).",
	}, []string{"reason"})
	cfg.OnReply = func(surface, outcome string) { replies.WithLabelValues(surface, outcome).Inc() }
	cfg.OnReject = func(reason string) { rejected.WithLabelValues(reason).Inc() }

	b, err := slackbot.New(cfg)
	switch {
	case errors.Is(err, slackbot.ErrNoSigningSecret):
		return nil, fmt.Errorf("SLACK_SIGNING_SECRET is not set: %w", err)
	case errors.Is(err, slackbot.ErrBadAppToken):
		return nil, fmt.Errorf("SLACK_APP_TOKEN: %w", err)
	case errors.Is(err, slackbot.ErrBadAPIURL):
		return nil, fmt.Errorf("SLACK_API_URL: %w", err)
	case err != nil:
		return nil, err
	}
	for _, c := range []prometheus.Collector{replies, rejected} {
		if err := env.Metrics.Register(c); err != nil {
			return nil, fmt.Errorf("slack metrics: %w", err)
		}
	}
	if err := b.Start(ctx); err != nil {
		b.Stop()
		if b.UserID() == "" { // auth.test failed
			return nil, fmt.Errorf("%w (check SLACK_BOT_TOKEN)", err)
		}
		return nil, fmt.Errorf("%w (check SLACK_APP_TOKEN)", err)
	}
	b.Routes(env.Mux)
	mode := "http"
	if b.SocketMode() {
		mode = "socket"
	}
	env.Logger.Info("slack is on", "mode", mode, "bot_user", b.UserID(), "max_in_flight", b.MaxInFlight())
	return b.Stop, nil
}

// slackMaxInFlight reads QUOTEBOT_SLACK_MAX_IN_FLIGHT: 0 (the Bot's
// default) when it is unset, an error naming it when it is not a whole
// number of at least 1.
func slackMaxInFlight(getenv func(string) string) (int, error) {
	v := strings.TrimSpace(getenv("QUOTEBOT_SLACK_MAX_IN_FLIGHT"))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("QUOTEBOT_SLACK_MAX_IN_FLIGHT=%q: want a whole number of questions, at least 1", v)
	}
	return n, nil
}
