package bot

import (
	"math"
	"strconv"
	"testing"
	"time"
)

// testClock is a clock a test moves by hand.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time          { return c.t }
func (c *testClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestLimiter(t *testing.T, cfg RateLimitConfig) (*RateLimiter, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	cfg.Now = clock.now
	l, err := NewRateLimiter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l, clock
}

// step is one question to a RateLimiter, after the clock moved by after.
type step struct {
	after     time.Duration
	platform  Platform
	user      string
	wantOK    bool
	wantRetry time.Duration
}

func TestRateLimiter(t *testing.T) {
	five := func(p Platform, user string) []step {
		var s []step
		for range 5 {
			s = append(s, step{0, p, user, true, 0})
		}
		return s
	}
	cat := func(parts ...[]step) []step {
		var s []step
		for _, p := range parts {
			s = append(s, p...)
		}
		return s
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a burst, then a refusal with the wait for one token", cat(five(PlatformSlack, "U1"),
			[]step{{0, PlatformSlack, "U1", false, 2 * time.Second}})},
		{"the wait shrinks as the bucket refills", cat(five(PlatformSlack, "U1"),
			[]step{{500 * time.Millisecond, PlatformSlack, "U1", false, 1500 * time.Millisecond}})},
		{"one token back after 2 s, and only one", cat(five(PlatformSlack, "U1"), []step{
			{2 * time.Second, PlatformSlack, "U1", true, 0},
			{0, PlatformSlack, "U1", false, 2 * time.Second},
		})},
		{"users are separate", cat(five(PlatformSlack, "U1"), five(PlatformSlack, "U2"),
			[]step{{0, PlatformSlack, "U1", false, 2 * time.Second}, {0, PlatformSlack, "U2", false, 2 * time.Second}})},
		{"platforms are separate", cat(five(PlatformSlack, "7"), five(PlatformDiscord, "7"),
			[]step{{0, PlatformDiscord, "7", false, 2 * time.Second}})},
		{"the API and the page share a client's bucket", cat(five(PlatformAPI, "10.0.0.1"),
			[]step{{0, PlatformPage, "10.0.0.1", false, 2 * time.Second}, {0, PlatformPage, "10.0.0.2", true, 0}})},
		{"no user, no limit", cat(five(PlatformAPI, ""), five(PlatformAPI, ""), five(PlatformAPI, ""))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, clock := newTestLimiter(t, RateLimitConfig{Rate: 0.5, Burst: 5})
			for i, s := range tc.steps {
				clock.advance(s.after)
				ok, retry := l.Allow(s.platform, s.user)
				if ok != s.wantOK || retry != s.wantRetry {
					t.Fatalf("question %d (%s %q): Allow = (%v, %v), want (%v, %v)", i+1, s.platform, s.user, ok, retry, s.wantOK, s.wantRetry)
				}
			}
		})
	}
}

// TestRateLimiterCap: past MaxKeys askers the least recently seen is
// forgotten, so memory stays bounded however many askers come.
func TestRateLimiterCap(t *testing.T) {
	l, _ := newTestLimiter(t, RateLimitConfig{Rate: 0.5, Burst: 1, MaxKeys: 100})
	for i := range 1000 {
		l.Allow(PlatformSlack, "U"+strconv.Itoa(i))
		if n := l.Len(); n > 100 {
			t.Fatalf("after %d askers, %d remembered; want at most 100", i+1, n)
		}
	}
	if n := l.Len(); n != 100 {
		t.Errorf("%d askers remembered, want the cap, 100", n)
	}
	// U999 is among the 100 most recent: still limited. U0 was forgotten:
	// a full bucket again.
	if ok, _ := l.Allow(PlatformSlack, "U999"); ok {
		t.Error("U999, just seen, was allowed a second question with a burst of 1")
	}
	if ok, _ := l.Allow(PlatformSlack, "U0"); !ok {
		t.Error("U0, forgotten past the cap, was refused")
	}
	if n := l.Len(); n != 100 {
		t.Errorf("%d askers remembered, want 100", n)
	}
}

// TestRateLimiterForgetsIdleAskers: an asker whose bucket is full again is
// forgotten at the next question, without waiting for the cap.
func TestRateLimiterForgetsIdleAskers(t *testing.T) {
	l, clock := newTestLimiter(t, RateLimitConfig{Rate: 0.5, Burst: 5}) // full 10 s after use
	for i := range 50 {
		l.Allow(PlatformDiscord, strconv.Itoa(i))
	}
	clock.advance(9 * time.Second)
	l.Allow(PlatformDiscord, "late")
	if n := l.Len(); n != 51 {
		t.Errorf("after 9 s, %d askers remembered, want 51 (no bucket is full yet)", n)
	}
	clock.advance(time.Second)
	l.Allow(PlatformDiscord, "later")
	if n := l.Len(); n != 2 {
		t.Errorf("after 10 s, %d askers remembered, want 2 (the 50 idle ones are full again)", n)
	}
}

func TestNewRateLimiterRefusesBadRates(t *testing.T) {
	for _, r := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := NewRateLimiter(RateLimitConfig{Rate: r}); err == nil {
			t.Errorf("rate %v accepted", r)
		}
	}
}
