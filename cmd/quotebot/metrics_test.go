package main

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
)

// mustResponder is a Responder around a; tb may be nil outside a test.
func mustResponder(tb testing.TB, a bot.Answerer) *bot.Responder {
	r, err := bot.NewResponder(bot.ResponderConfig{Answerer: a})
	if err != nil {
		if tb == nil {
			panic(err)
		}
		tb.Fatal(err)
	}
	return r
}

// TestReplyMetrics: every served platform and kind is counted from zero,
// an observed reply counts under its own labels, and the help text names
// every kind.
func TestReplyMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newReplyMetrics(reg)
	m.observe(bot.Outcome{Platform: bot.PlatformSlack, Kind: bot.KindClosest, Latency: time.Millisecond})
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "quotebot_answers_total" {
			continue
		}
		for _, k := range bot.Kinds() {
			if !strings.Contains(f.GetHelp(), k.String()) {
				t.Errorf("the help text lacks the kind %s: %q", k, f.GetHelp())
			}
		}
		for _, metric := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range metric.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			counts[labels["platform"]+"/"+labels["kind"]] = metric.GetCounter().GetValue()
		}
	}
	if len(counts) != len(servedPlatforms)*len(bot.Kinds()) {
		t.Errorf("%d reply series, want one per served platform and kind", len(counts))
	}
	if counts["slack/closest"] != 1 || counts["api/closest"] != 0 {
		t.Errorf("slack/closest = %v, api/closest = %v; want 1 and 0", counts["slack/closest"], counts["api/closest"])
	}
}
