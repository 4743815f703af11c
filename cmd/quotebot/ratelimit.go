package main

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
)

// maxRate caps QUOTEBOT_RATE: more questions per second per asker than
// any server answers is a typo, not a limit.
const maxRate = 1e6

// rateConfig is the per-asker rate limit serve reads from the environment.
type rateConfig struct {
	// Off, from QUOTEBOT_RATE=0 or off, disables the limit.
	Off bool
	// Rate, from QUOTEBOT_RATE, is questions per second per asker.
	Rate float64
	// Burst, from QUOTEBOT_BURST, is questions at once per asker.
	Burst int
}

// loadRateConfig reads and checks QUOTEBOT_RATE and QUOTEBOT_BURST; each
// error is one line naming the variable.
func loadRateConfig(getenv func(string) string) (rateConfig, error) {
	c := rateConfig{Rate: bot.DefaultRate, Burst: bot.DefaultBurst}
	if v := strings.TrimSpace(getenv("QUOTEBOT_RATE")); v != "" {
		if strings.EqualFold(v, "off") {
			c.Off = true
		} else {
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(r) || r < 0 || r > maxRate {
				return c, fmt.Errorf("QUOTEBOT_RATE=%q: want questions per second per user or client, e.g. 0.5 (one every 2 s), up to %g; or 0 or off for no limit", v, float64(maxRate))
			}
			c.Rate, c.Off = r, r == 0
		}
	}
	if v := strings.TrimSpace(getenv("QUOTEBOT_BURST")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("QUOTEBOT_BURST=%q: want a whole number of questions a user or client may ask at once, at least 1", v)
		}
		c.Burst = n
	}
	return c, nil
}

// newRateLimiter returns the Limiter of c and registers the gauge of the
// askers it remembers, or nil (no Limiter) when c is off.
func newRateLimiter(c rateConfig, reg prometheus.Registerer) (bot.Limiter, error) {
	if c.Off {
		return nil, nil
	}
	l, err := bot.NewRateLimiter(bot.RateLimitConfig{Rate: c.Rate, Burst: c.Burst})
	if err != nil {
		return nil, err
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "quotebot_rate_limit_keys",
		Help: fmt.Sprintf("Users and clients the rate limiter remembers (at most %d; past that the least recently seen are forgotten).", bot.DefaultRateKeys),
	}, func() float64 { return float64(l.Len()) }))
	return l, nil
}

// String describes c for the log line at start.
func (c rateConfig) String() string {
	if c.Off {
		return "off"
	}
	return fmt.Sprintf("%g/s, burst %d", c.Rate, c.Burst)
}

// loadTrustProxy reads QUOTEBOT_TRUST_PROXY: how many proxies in front of
// serve append the address they were reached from to X-Forwarded-For. Empty,
// false or 0: none, the TCP peer is the client; true: 1.
func loadTrustProxy(getenv func(string) string) (int, error) {
	v := strings.TrimSpace(getenv("QUOTEBOT_TRUST_PROXY"))
	if v == "" {
		return 0, nil
	}
	if b, err := strconv.ParseBool(v); err == nil {
		if b {
			return 1, nil
		}
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 10 {
		return 0, fmt.Errorf("QUOTEBOT_TRUST_PROXY=%q: want true, false or the number of proxies in front of quotebot (0 to 10)", v)
	}
	return n, nil
}

// clientAddress is the address of r's client, without its port: the key of
// per-client rate limits. With no trusted proxy (hops 0) it is the TCP
// peer's. Behind hops trusted proxies, each of which appends the address it
// was reached from to X-Forwarded-For, it is the hops-th address from the
// right, the one the outermost trusted proxy saw; the addresses to its left
// came from the client and are not trusted. When the header holds fewer,
// the leftmost is taken; when it is absent or unreadable, the TCP peer.
func clientAddress(r *http.Request, hops int) string {
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		peer = r.RemoteAddr
	}
	if hops <= 0 {
		return peer
	}
	var addrs []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		for a := range strings.SplitSeq(h, ",") {
			addrs = append(addrs, strings.TrimSpace(a))
		}
	}
	if len(addrs) == 0 {
		return peer
	}
	a := addrs[max(len(addrs)-hops, 0)]
	if host, _, err := net.SplitHostPort(a); err == nil {
		a = host
	}
	if net.ParseIP(a) == nil {
		return peer
	}
	return a
}
