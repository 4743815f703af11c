package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
)

func TestLoadRateConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    rateConfig
		wantErr string // the variable the error names; "" for accepted
	}{
		{"defaults", nil, rateConfig{Rate: 0.5, Burst: 5}, ""},
		{"set", map[string]string{"QUOTEBOT_RATE": " 2 ", "QUOTEBOT_BURST": "10"}, rateConfig{Rate: 2, Burst: 10}, ""},
		{"a fraction", map[string]string{"QUOTEBOT_RATE": "0.05"}, rateConfig{Rate: 0.05, Burst: 5}, ""},
		{"off", map[string]string{"QUOTEBOT_RATE": "off"}, rateConfig{Off: true, Rate: 0.5, Burst: 5}, ""},
		{"OFF", map[string]string{"QUOTEBOT_RATE": "OFF"}, rateConfig{Off: true, Rate: 0.5, Burst: 5}, ""},
		{"zero is off", map[string]string{"QUOTEBOT_RATE": "0"}, rateConfig{Off: true, Rate: 0, Burst: 5}, ""},
		{"a word", map[string]string{"QUOTEBOT_RATE": "fast"}, rateConfig{}, "QUOTEBOT_RATE"},
		{"negative", map[string]string{"QUOTEBOT_RATE": "-1"}, rateConfig{}, "QUOTEBOT_RATE"},
		{"not a number", map[string]string{"QUOTEBOT_RATE": "NaN"}, rateConfig{}, "QUOTEBOT_RATE"},
		{"infinite", map[string]string{"QUOTEBOT_RATE": "Inf"}, rateConfig{}, "QUOTEBOT_RATE"},
		{"a burst of zero", map[string]string{"QUOTEBOT_BURST": "0"}, rateConfig{}, "QUOTEBOT_BURST"},
		{"a burst that is a fraction", map[string]string{"QUOTEBOT_BURST": "2.5"}, rateConfig{}, "QUOTEBOT_BURST"},
		{"a bad burst with the limit off", map[string]string{"QUOTEBOT_RATE": "off", "QUOTEBOT_BURST": "x"}, rateConfig{}, "QUOTEBOT_BURST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := loadRateConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr+"=") || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("loadRateConfig = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// TestServeRefusesBadLimits: a bad QUOTEBOT_RATE, QUOTEBOT_BURST or
// QUOTEBOT_REDIS_URL stops serve before it listens, with one line naming
// the variable, and never the Redis password.
func TestServeRefusesBadLimits(t *testing.T) {
	const password = "pw-never-shown-3e1"
	tests := []struct {
		name, key, value string
	}{
		{"rate", "QUOTEBOT_RATE", "lots"},
		{"burst", "QUOTEBOT_BURST", "-2"},
		{"redis scheme", "QUOTEBOT_REDIS_URL", "http://u:" + password + "@127.0.0.1:6379/0"},
		{"redis database", "QUOTEBOT_REDIS_URL", "redis://u:" + password + "@127.0.0.1:6379/first"},
		{"redis URL that does not parse", "QUOTEBOT_REDIS_URL", "redis://u:" + password + "@[127.0.0.1:6379/0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			env := map[string]string{"QUOTEBOT_ADDR": closedAddr(t), "QUOTEBOT_DB": t.TempDir() + "/index", tt.key: tt.value}
			code := run(context.Background(), []string{"serve"}, nil, &out, &errOut, func(k string) string { return env[k] })
			msg := errOut.String()
			if code != 1 || !strings.Contains(msg, tt.key+": ") && !strings.Contains(msg, tt.key+"=") || strings.Count(strings.TrimSpace(msg), "\n") > 0 {
				t.Fatalf("serve: exit %d, stderr %q; want 1 and one line naming %s", code, msg, tt.key)
			}
			if strings.Contains(out.String(), "listening") {
				t.Error("serve listened")
			}
			if strings.Contains(msg, password) {
				t.Errorf("the error shows the password: %q", msg)
			}
		})
	}
}

// ask sends GET /api/ask?q=… with header and returns the status and
// Retry-After.
func askAPI(t *testing.T, base, q string, header http.Header) (int, string) {
	t.Helper()
	resp, body := fetch(t, "GET", base+"/api/ask?q="+url.QueryEscape(q), "", header)
	if resp.StatusCode == http.StatusTooManyRequests && !strings.Contains(body, bot.RateLimited) {
		t.Errorf("429 without the polite reply: %s", body)
	}
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// TestServeRateLimit: serve with a burst of 3 at one question per 100 s
// answers a client's first 3 questions, then 429 with the wait for the
// next token in Retry-After, on the API and the page alike; the refusals
// are counted, and another client (behind a trusted proxy) is answered.
func TestServeRateLimit(t *testing.T) {
	env := map[string]string{"QUOTEBOT_RATE": "0.01", "QUOTEBOT_BURST": "3"}
	s := startServer(t, func(k string) string { return env[k] })
	base := "http://" + s.Addr()
	for i := range 3 {
		if code, _ := askAPI(t, base, "fisheries", nil); code != 200 {
			t.Fatalf("question %d: %d, want 200", i+1, code)
		}
	}
	code, retry := askAPI(t, base, "fisheries", nil)
	secs, _ := strconv.Atoi(retry)
	// The next token comes 100 s after the first question, less the time
	// the questions took.
	if code != http.StatusTooManyRequests || secs < 90 || secs > 100 {
		t.Fatalf("the 4th question: %d with Retry-After %q; want 429 and about 100", code, retry)
	}
	resp, body := fetch(t, "GET", base+"/?q=fisheries", "", nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "You&#39;re asking faster than I can answer") {
		t.Errorf("the page, same client: %d with Retry-After %q; want 429 and the polite reply", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if _, body := fetch(t, "GET", base+"/metrics", "", nil); !strings.Contains(body, "\nquotebot_rate_limit_keys 1\n") {
		t.Error("/metrics does not count the one client the limiter remembers in quotebot_rate_limit_keys")
	}
	// Without QUOTEBOT_TRUST_PROXY, X-Forwarded-For changes nothing.
	if code, _ := askAPI(t, base, "fisheries", http.Header{"X-Forwarded-For": {"198.51.100.7"}}); code != http.StatusTooManyRequests {
		t.Errorf("with a forged X-Forwarded-For: %d, want 429", code)
	}
	if api, page := answersOf(t, s, "api", "rate_limited"), answersOf(t, s, "page", "rate_limited"); api != 2 || page != 1 {
		t.Errorf("rate_limited counted %v times on the API and %v on the page, want 2 and 1", api, page)
	}

	env["QUOTEBOT_TRUST_PROXY"] = "1"
	p := startServer(t, func(k string) string { return env[k] })
	proxied := "http://" + p.Addr()
	from := func(addr string) http.Header { return http.Header{"X-Forwarded-For": {"203.0.113.50, " + addr}} }
	for i := range 3 {
		if code, _ := askAPI(t, proxied, "fisheries", from("198.51.100.7")); code != 200 {
			t.Fatalf("behind a proxy, client 1, question %d: %d", i+1, code)
		}
	}
	if code, _ := askAPI(t, proxied, "fisheries", from("198.51.100.7")); code != http.StatusTooManyRequests {
		t.Errorf("behind a proxy, client 1, 4th question: %d, want 429", code)
	}
	if code, _ := askAPI(t, proxied, "fisheries", from("198.51.100.8")); code != 200 {
		t.Errorf("behind a proxy, client 2: %d, want 200", code)
	}
}

// TestServeRateLimitOff: QUOTEBOT_RATE=off answers every question.
func TestServeRateLimitOff(t *testing.T) {
	s := startServer(t, func(k string) string { return map[string]string{"QUOTEBOT_RATE": "off", "QUOTEBOT_BURST": "1"}[k] })
	base := "http://" + s.Addr()
	for i := range 20 {
		if code, _ := askAPI(t, base, "fisheries", nil); code != 200 {
			t.Fatalf("question %d: %d, want 200 with no limit", i+1, code)
		}
	}
	if n := answersOf(t, s, "api", "rate_limited"); n != 0 {
		t.Errorf("rate_limited counted %v times", n)
	}
}

// answersOf is quotebot_answers_total{platform, kind} of s.
func answersOf(t testing.TB, s *server, platform, kind string) float64 {
	t.Helper()
	return metricValue(t, s.metrics, "quotebot_answers_total", map[string]string{"platform": platform, "kind": kind})
}

// metricValue is the value of the counter or gauge name{labels} in g, 0
// when it has no such series.
func metricValue(t testing.TB, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue series
				}
			}
			if m.GetGauge() != nil {
				return m.GetGauge().GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

func TestClientAddress(t *testing.T) {
	tests := []struct {
		name   string
		remote string
		xff    []string
		hops   int
		want   string
	}{
		{"the TCP peer", "192.0.2.1:5555", nil, 0, "192.0.2.1"},
		{"X-Forwarded-For ignored without a trusted proxy", "192.0.2.1:5555", []string{"198.51.100.9"}, 0, "192.0.2.1"},
		{"one proxy: the rightmost address", "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.9"}, 1, "198.51.100.9"},
		{"one proxy, several headers", "10.0.0.2:4000", []string{"6.6.6.6", "198.51.100.9"}, 1, "198.51.100.9"},
		{"two proxies: the second from the right", "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.9, 10.0.0.3"}, 2, "198.51.100.9"},
		{"fewer addresses than proxies: the leftmost", "10.0.0.2:4000", []string{"198.51.100.9"}, 2, "198.51.100.9"},
		{"IPv6 with a port", "10.0.0.2:4000", []string{"[2001:db8::1]:443"}, 1, "2001:db8::1"},
		{"no header: the peer", "10.0.0.2:4000", nil, 1, "10.0.0.2"},
		{"not an address: the peer", "10.0.0.2:4000", []string{"unknown"}, 1, "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/ask", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientAddress(r, tt.hops); got != tt.want {
				t.Errorf("clientAddress = %q, want %q", got, tt.want)
			}
		})
	}
}
