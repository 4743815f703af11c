package bot

import (
	"container/list"
	"errors"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of the RateLimiter, with reasons.
const (
	// DefaultRate is how many questions per second one asker may ask,
	// sustained: one every two seconds is faster than anyone reads an
	// answer, and slow enough that one asker cannot take every answer
	// slot.
	DefaultRate = 0.5
	// DefaultBurst is how many questions one asker may ask at once before
	// the rate applies: a person who rephrases a question a few times in a
	// row is never refused.
	DefaultBurst = 5
	// DefaultRateKeys bounds the askers a RateLimiter remembers at once, at
	// about 250 bytes each (25 MB at most): far more than ask within the
	// few seconds a bucket takes to fill up again, after which it is
	// forgotten anyway.
	DefaultRateKeys = 100_000
)

// RateLimitConfig configures a RateLimiter. Rate is required; zero values
// of the other fields mean the defaults documented on each.
type RateLimitConfig struct {
	// Rate is the questions per second one asker may ask, sustained; it
	// must be above 0.
	Rate float64
	// Burst is how many questions one asker may ask at once; default
	// DefaultBurst.
	Burst int
	// MaxKeys bounds the askers remembered; default DefaultRateKeys.
	MaxKeys int
	// Now is the clock; default time.Now. Tests pass one they control.
	Now func() time.Time
}

// RateLimiter is a Limiter with a token bucket per asker: each holds up to
// Burst questions and refills at Rate per second, and a question takes one.
// Askers are told apart by platform and user, except that the HTTP API and
// the page share one bucket per client address (one client, two ways in).
// An empty user (no identity to limit) is never refused.
//
// Memory is bounded: an asker idle long enough for their bucket to be full
// again is forgotten (a full bucket is what a new asker gets, so nothing
// changes for them), and past MaxKeys askers the least recently seen one is
// forgotten first, even with a bucket not yet full. It is safe for
// concurrent use.
type RateLimiter struct {
	rate  rate.Limit
	burst int
	max   int
	now   func() time.Time
	// fill is how long a bucket takes to fill up from empty: an asker idle
	// that long has a full bucket and can be forgotten.
	fill time.Duration

	mu   sync.Mutex
	keys map[string]*list.Element // of *asker
	lru  *list.List               // *asker, most recently seen first
}

type asker struct {
	key  string
	lim  *rate.Limiter
	seen time.Time
}

// NewRateLimiter checks cfg and returns its RateLimiter.
func NewRateLimiter(cfg RateLimitConfig) (*RateLimiter, error) {
	if !(cfg.Rate > 0) || math.IsInf(cfg.Rate, 0) {
		return nil, errors.New("bot: RateLimitConfig.Rate must be a finite number above 0")
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = DefaultRateKeys
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	fill := float64(cfg.Burst) / cfg.Rate * float64(time.Second)
	return &RateLimiter{
		rate: rate.Limit(cfg.Rate), burst: cfg.Burst, max: cfg.MaxKeys, now: cfg.Now,
		fill: time.Duration(min(fill, math.MaxInt64)),
		keys: make(map[string]*list.Element), lru: list.New(),
	}, nil
}

// Allow implements Limiter: it takes a question from the asker's bucket, or
// reports how long until the bucket holds one.
func (l *RateLimiter) Allow(p Platform, user string) (bool, time.Duration) {
	if user == "" {
		return true, 0
	}
	key := limitKey(p, user)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetIdle(now)
	var a *asker
	if e, ok := l.keys[key]; ok {
		l.lru.MoveToFront(e)
		a = e.Value.(*asker)
	} else {
		a = &asker{key: key, lim: rate.NewLimiter(l.rate, l.burst)}
		l.keys[key] = l.lru.PushFront(a)
		for len(l.keys) > l.max {
			l.forget(l.lru.Back())
		}
	}
	a.seen = now
	if a.lim.AllowN(now, 1) {
		return true, 0
	}
	wait := (1 - a.lim.TokensAt(now)) / float64(l.rate) * float64(time.Second)
	return false, time.Duration(min(max(wait, 1), math.MaxInt64))
}

// Len is the number of askers remembered.
func (l *RateLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// forgetIdle forgets the askers, least recently seen first, whose bucket
// is full again.
func (l *RateLimiter) forgetIdle(now time.Time) {
	for e := l.lru.Back(); e != nil && now.Sub(e.Value.(*asker).seen) >= l.fill; e = l.lru.Back() {
		l.forget(e)
	}
}

func (l *RateLimiter) forget(e *list.Element) {
	delete(l.keys, e.Value.(*asker).key)
	l.lru.Remove(e)
}

// limitKey is the bucket of user on p: the HTTP API and the page share the
// client's.
func limitKey(p Platform, user string) string {
	if p == PlatformAPI || p == PlatformPage {
		p = "http"
	}
	return string(p) + ":" + user
}
