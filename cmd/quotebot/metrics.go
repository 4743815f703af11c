package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
)

// replyMetrics counts the Responder's replies on every surface of `serve`,
// through its Observe hook.
type replyMetrics struct {
	replies *prometheus.CounterVec
	latency *prometheus.HistogramVec
}

// servedPlatforms are the platforms `serve` answers on; their series exist
// from the start, at zero, so rates and alerts work before the first
// question.
var servedPlatforms = []bot.Platform{bot.PlatformAPI, bot.PlatformPage, bot.PlatformSlack, bot.PlatformDiscord}

// newReplyMetrics registers the reply metrics with reg.
func newReplyMetrics(reg prometheus.Registerer) *replyMetrics {
	m := &replyMetrics{
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quotebot_answers_total",
			Help: "Replies to questions, by platform (" + platformNames() + ") and kind (" + bot.KindNames() + ").",
		}, []string{"platform", "kind"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "quotebot_answer_seconds",
			Help:    "Time from a question to its reply (a wait for an answer slot included), by platform.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"platform"}),
	}
	reg.MustRegister(m.replies, m.latency)
	for _, p := range servedPlatforms {
		for _, k := range bot.Kinds() {
			m.replies.WithLabelValues(string(p), k.String())
		}
		m.latency.WithLabelValues(string(p))
	}
	return m
}

// observe counts one reply; it is the Responder's Observe hook.
func (m *replyMetrics) observe(o bot.Outcome) {
	m.replies.WithLabelValues(string(o.Platform), o.Kind.String()).Inc()
	m.latency.WithLabelValues(string(o.Platform)).Observe(o.Latency.Seconds())
}

func platformNames() string {
	s := ""
	for i, p := range servedPlatforms {
		if i > 0 {
			s += ", "
		}
		s += string(p)
	}
	return s
}
