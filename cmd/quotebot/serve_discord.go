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
	shardID, shardCount, err := discordShard(env.Getenv)
	if err != nil {
		return nil, err
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
		ShardID:        shardID,
		ShardCount:     shardCount,
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
	env.Logger.Info("discord is on", "gateway", token != "", "interactions_endpoint", publicKey != "", "message_content", messageContent, "shard", shardID, "shards", max(shardCount, 1))
	return b.Close, nil
}

// discordShard reads DISCORD_SHARD_ID and DISCORD_SHARD_COUNT: both or
// neither (0, 0: one shard), each a whole number; discordbot.New checks
// that the id is one of the count's.
func discordShard(getenv func(string) string) (id, count int, err error) {
	idText := strings.TrimSpace(getenv("DISCORD_SHARD_ID"))
	countText := strings.TrimSpace(getenv("DISCORD_SHARD_COUNT"))
	if (idText == "") != (countText == "") {
		return 0, 0, errors.New("DISCORD_SHARD_ID and DISCORD_SHARD_COUNT: set both (this process's shard, counted from 0, and the number of shards) or neither")
	}
	if idText == "" {
		return 0, 0, nil
	}
	if count, err = strconv.Atoi(countText); err != nil || count < 1 {
		return 0, 0, fmt.Errorf("DISCORD_SHARD_COUNT=%q: want a whole number of shards, at least 1", countText)
	}
	if id, err = strconv.Atoi(idText); err != nil || id < 0 || id >= count {
		return 0, 0, fmt.Errorf("DISCORD_SHARD_ID=%q: want a whole number from 0 to DISCORD_SHARD_COUNT-1 (%d)", idText, count-1)
	}
	return id, count, nil
}
