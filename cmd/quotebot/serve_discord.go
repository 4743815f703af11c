package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/bot/discordbot"
)

// discordEventsHelp describes quotebot_discord_events_total from the
// adapter's constants.
var discordEventsHelp = fmt.Sprintf("Discord events by kind (%s, %s, %s) and outcome (the kind of reply delivered: %s; or %s).",
	discordbot.EventInteraction, discordbot.EventMessage, discordbot.EventHTTP, bot.KindNames(),
	strings.Join([]string{discordbot.OutcomeDeferred, discordbot.OutcomeDuplicate, discordbot.OutcomeIgnored,
		discordbot.OutcomeForbidden, discordbot.OutcomeSendFailed, discordbot.OutcomePong, discordbot.OutcomeUnauthorized,
		discordbot.OutcomeTooLarge, discordbot.OutcomeBadRequest}, ", "))

// startDiscord starts the Discord integration (docs/discord.md) when
// DISCORD_BOT_TOKEN or DISCORD_PUBLIC_KEY is set. With the token it checks
// it, registers the ask command (in DISCORD_GUILD_ID, or globally) and opens
// the gateway for /ask, mentions and direct messages; with the public key it
// adds the signed route POST /discord/interactions, which needs no token.
// DISCORD_MESSAGE_CONTENT=true asks for the privileged message-content
// intent. It counts events by kind and outcome.
func startDiscord(ctx context.Context, env platformEnv) (func(), error) {
	token := strings.TrimSpace(env.Getenv("DISCORD_BOT_TOKEN"))
	publicKey := strings.TrimSpace(env.Getenv("DISCORD_PUBLIC_KEY"))
	if token == "" && publicKey == "" {
		env.Logger.Info("discord is off: neither DISCORD_BOT_TOKEN nor DISCORD_PUBLIC_KEY is set")
		return nil, nil
	}
	messageContent := false
	if v := strings.TrimSpace(env.Getenv("DISCORD_MESSAGE_CONTENT")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("DISCORD_MESSAGE_CONTENT=%q: want true or false", v)
		}
		messageContent = b
	}
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "quotebot_discord_events_total",
		Help: discordEventsHelp,
	}, []string{"kind", "outcome"})

	discordbot.RouteLibraryLogs(env.Logger.With("platform", "discord"))
	b, err := discordbot.New(discordbot.Config{
		Token:          token,
		AppID:          strings.TrimSpace(env.Getenv("DISCORD_APP_ID")),
		PublicKey:      publicKey,
		GuildID:        strings.TrimSpace(env.Getenv("DISCORD_GUILD_ID")),
		APIURL:         strings.TrimSpace(env.Getenv("DISCORD_API_URL")),
		MessageContent: messageContent,
		Logger:         env.Logger.With("platform", "discord"),
		Responder:      env.Responder,
		Deduper:        env.Deduper,
		Observe:        func(kind, outcome string) { events.WithLabelValues(kind, outcome).Inc() },
	})
	switch {
	case errors.Is(err, discordbot.ErrBadPublicKey):
		return nil, fmt.Errorf("DISCORD_PUBLIC_KEY: %w", err)
	case errors.Is(err, discordbot.ErrBadAPIURL):
		return nil, fmt.Errorf("DISCORD_API_URL: %w", err)
	case errors.Is(err, discordbot.ErrBadAppID):
		return nil, fmt.Errorf("DISCORD_APP_ID: %w", err)
	case err != nil:
		return nil, err
	}
	if err := env.Metrics.Register(events); err != nil {
		return nil, fmt.Errorf("discord metrics: %w", err)
	}
	if err := b.Start(ctx); err != nil {
		b.Close()
		if errors.Is(err, discordbot.ErrBadToken) {
			return nil, fmt.Errorf("DISCORD_BOT_TOKEN: %w", err)
		}
		return nil, err
	}
	if publicKey != "" {
		env.Mux.Handle("POST /discord/interactions", b.InteractionsHandler())
	}
	env.Logger.Info("discord is on", "gateway", token != "", "interactions_endpoint", publicKey != "", "message_content", messageContent)
	return b.Close, nil
}
