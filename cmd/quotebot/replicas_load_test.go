package main

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/internal/redistest"
)

// The replicas load test: two replicas of the real serve, Slack in HTTP
// mode, behind no balancer but the test's own choice of replica, receive
// signed app_mention events at a steady rate for a fixed time. One event in
// ten is also delivered to the other replica at the same moment: a retry
// that a load balancer sent elsewhere. At the fake Slack API it counts, per
// event, the answers posted: more than one is a double answer, none a lost
// one. It reports both, the answer latency (from sending the event to its
// answer reaching Slack) at p50, p99 and max, and the events per second
// sent. It runs twice in one go: "memory", each replica deduplicating in its
// own memory (the baseline, which answers duplicates twice), and "redis",
// the replicas sharing a real redis-server, which must give zero double and
// zero lost answers.
//
//	go test ./cmd/quotebot -run '^$' -bench Replicas -benchtime 1x
//
// QUOTEBOT_LOAD_SECONDS (default 30) and QUOTEBOT_LOAD_RATE (events per
// second, default 50) change the length and the rate. Everything listens on
// 127.0.0.1 and stops at the end; the wait for the last answers is bounded
// (replicaLoadDrain).
const (
	replicaLoadSeconds = 30
	replicaLoadRate    = 50
	// replicaLoadDupEvery: one event in this many is delivered twice.
	replicaLoadDupEvery = 10
	// replicaLoadInFlight bounds the deliveries in flight at once, so a
	// stalled server cannot make the client pile up goroutines.
	replicaLoadInFlight = 512
	// replicaLoadDrain bounds the wait, once every event is delivered, for
	// the answers still on their way.
	replicaLoadDrain = 30 * time.Second
)

func BenchmarkReplicas(b *testing.B) {
	seconds, rate := envInt(b, "QUOTEBOT_LOAD_SECONDS", replicaLoadSeconds), envInt(b, "QUOTEBOT_LOAD_RATE", replicaLoadRate)
	for _, mode := range []string{"memory", "redis"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				runReplicaLoad(b, mode, time.Duration(seconds)*time.Second, rate)
			}
		})
	}
}

// envInt reads a positive whole number from the environment, or def.
func envInt(b *testing.B, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a whole number, at least 1", key, v)
	}
	return n
}

// loadEvent is one event of the run and the replicas it is delivered to.
type loadEvent struct {
	thread string
	req    loadRequest
	to     []int
	sent   time.Time
}

func runReplicaLoad(b *testing.B, mode string, length time.Duration, rate int) {
	b.StopTimer()
	// The production defaults of the rate limit: every event comes from
	// its own user, so none is refused.
	env := map[string]string{"QUOTEBOT_RATE": "0.5", "QUOTEBOT_BURST": "5"}
	if mode == "redis" {
		env["QUOTEBOT_REDIS_URL"] = redistest.Start(b).URL()
	}
	rs := startReplicas(b, 2, env)
	n := int(length.Seconds() * float64(rate))
	events := make([]*loadEvent, n)
	dups := 0
	for i := range events {
		e := &loadEvent{thread: fmt.Sprintf("1700000000.%06d", i), to: []int{i % 2}}
		e.req = rs.slackMention(fmt.Sprintf("Ev%08d", i), fmt.Sprintf("U%08d", i), e.thread, loadQuestions[i%len(loadQuestions)])
		if i%replicaLoadDupEvery == 0 {
			e.to = append(e.to, (i+1)%2)
			dups++
		}
		events[i] = e
	}

	var wg sync.WaitGroup
	var failed atomic.Int64
	var failure atomic.Pointer[string]
	slots := make(chan struct{}, replicaLoadInFlight)
	tick := time.NewTicker(time.Second / time.Duration(rate))
	b.StartTimer()
	start := time.Now()
	for i, e := range events {
		if i > 0 {
			<-tick.C
		}
		e.sent = time.Now()
		for _, r := range e.to {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				code, body, err := rs.send(rs.base(r), e.req)
				if err != nil || code != http.StatusOK {
					failed.Add(1)
					msg := fmt.Sprintf("event %d to replica %d: %d %s %v", i, r, code, body, err)
					failure.CompareAndSwap(nil, &msg)
				}
			})
		}
	}
	tick.Stop()
	sending := time.Since(start)
	wg.Wait()

	// Every event is acknowledged, so every claim is decided; wait for the
	// answers still being posted, then stop the replicas so that none is
	// posted after the count.
	answered := map[string]bool{}
	drain := time.After(replicaLoadDrain)
wait:
	for len(answered) < n {
		select {
		case th := <-rs.slack.posted:
			answered[th] = true
		case <-drain:
			break wait
		}
	}
	b.StopTimer()
	for _, s := range rs.replicas {
		s.Close()
	}

	var doubles, lost int
	var lat []time.Duration
	refused := map[string]int{}
	rs.slack.mu.Lock()
	for _, e := range events {
		posts := rs.slack.byThread[e.thread]
		switch {
		case len(posts) == 0:
			lost++
			continue
		case len(posts) > 1:
			doubles += len(posts) - 1
		}
		lat = append(lat, posts[0].Sub(e.sent))
		for _, text := range rs.slack.texts[e.thread] {
			for _, k := range []bot.Kind{bot.KindBusy, bot.KindRateLimited, bot.KindError} {
				if text == (bot.Reply{Kind: k}).Text(nil) {
					refused[k.String()]++
				}
			}
		}
	}
	rs.slack.mu.Unlock()
	slices.Sort(lat)
	pct := func(p int) float64 {
		if len(lat) == 0 {
			return 0
		}
		return ms(lat[min(len(lat)-1, len(lat)*p/100)])
	}

	b.ReportMetric(float64(n), "events")
	b.ReportMetric(float64(dups), "dups-sent")
	b.ReportMetric(float64(doubles), "double-answers")
	b.ReportMetric(float64(lost), "lost-answers")
	b.ReportMetric(float64(n)/sending.Seconds(), "events/s")
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(99), "p99-ms")
	if len(lat) > 0 {
		b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	}
	b.Logf("%s: %d events (%d delivered twice) in %s: %d double answers, %d lost, %d failed deliveries, refusals %v; latency p50 %.1f ms, p99 %.1f ms",
		mode, n, dups, sending.Round(time.Millisecond), doubles, lost, failed.Load(), refused, pct(50), pct(99))
	if msg := failure.Load(); msg != nil {
		b.Errorf("%d deliveries failed; the first: %s", failed.Load(), *msg)
	}
	if lost > 0 {
		b.Errorf("%d events got no answer", lost)
	}
	if len(refused) > 0 {
		b.Errorf("questions refused instead of answered: %v", refused)
	}
	if mode == "redis" && doubles > 0 {
		b.Errorf("%d double answers with the replicas sharing Redis, want 0", doubles)
	}
}
