package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/bot/redisdedupe"
)

// chatDeduper is the Deduper serve hands the chat platforms: in Redis when
// QUOTEBOT_REDIS_URL is set, so that replicas share it, else in memory.
type chatDeduper struct {
	bot.Deduper
	// Desc names it in the log line at start: "memory", or "redis" with
	// the server's address and database (never its password).
	Desc  string
	close func() error
}

// Close closes the connections to Redis, if any.
func (d chatDeduper) Close() error {
	if d.close == nil {
		return nil
	}
	return d.close()
}

// newChatDeduper reads QUOTEBOT_REDIS_URL and returns the chat Deduper. A
// URL that cannot work is an error naming the variable, never repeating the
// URL. Redis is pinged once: when it does not answer, serve starts anyway
// (deduplicating in memory until it does) and logs a warning. Redis's
// failures are counted in quotebot_dedupe_redis_errors_total and its state
// in quotebot_dedupe_redis_up, and each change of state is logged once.
func newChatDeduper(ctx context.Context, getenv func(string) string, logger *slog.Logger, reg prometheus.Registerer) (chatDeduper, error) {
	raw := strings.TrimSpace(getenv("QUOTEBOT_REDIS_URL"))
	if raw == "" {
		return chatDeduper{Deduper: bot.NewMemoryDeduper(0, 0, nil), Desc: "memory"}, nil
	}
	errs := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "quotebot_dedupe_redis_errors_total",
		Help: "Failed calls to the Redis of QUOTEBOT_REDIS_URL, by op (claim, release, ping); while claims fail, each replica deduplicates in its own memory.",
	}, []string{"op"})
	up := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "quotebot_dedupe_redis_up",
		Help: "1 while the Redis of QUOTEBOT_REDIS_URL answers, 0 since its last call failed.",
	})
	redisdedupe.RouteLibraryLogs(logger)
	d, err := redisdedupe.New(redisdedupe.Config{
		URL:     raw,
		OnError: func(op string, err error) { errs.WithLabelValues(op).Inc() },
		OnStatus: func(ok bool, err error) {
			if ok {
				up.Set(1)
				logger.Info("redis answers again; deduplicating chat events in redis")
				return
			}
			up.Set(0)
			logger.Warn("redis failed; each replica deduplicates chat events in its own memory until it answers", "err", err)
		},
	})
	if err != nil {
		return chatDeduper{}, fmt.Errorf("QUOTEBOT_REDIS_URL: %w", err)
	}
	for _, c := range []prometheus.Collector{errs, up} {
		if err := reg.Register(c); err != nil {
			d.Close()
			return chatDeduper{}, fmt.Errorf("redis metrics: %w", err)
		}
	}
	for _, op := range []string{"claim", "release", "ping"} {
		errs.WithLabelValues(op)
	}
	up.Set(1)
	d.Ping(ctx) // within redisdedupe.DefaultTimeout; a failure is logged by OnStatus
	desc := "redis " + d.Addr() + "/" + strconv.Itoa(d.DB())
	return chatDeduper{Deduper: d, Desc: desc, close: d.Close}, nil
}
