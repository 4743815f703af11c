// Package redisdedupe is a bot.Deduper shared by several replicas of
// quotebot through Redis, so that an event Slack retries on another replica
// (or an interaction delivered twice) is answered once across all of them.
// It is the only package that imports go-redis.
//
// A claim is SET key 1 NX EX ttl; a release is DEL key. Each replica also
// remembers, in memory, the keys it claimed itself: a delivery it has seen
// is dropped without asking Redis, and when Redis cannot be reached the
// in-memory claim decides alone (see Deduper.Claim).
package redisdedupe

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/quotebot/quotebot/bot"
)

// Defaults, with reasons.
const (
	// DefaultTimeout bounds one call to Redis, connecting included: Redis
	// answers in well under a millisecond on a local network, and an event
	// must not wait long for a store that is gone before it falls back to
	// memory.
	DefaultTimeout = 500 * time.Millisecond
	// DefaultPrefix is put before every key, so that quotebot's keys are
	// told apart from others in a shared database.
	DefaultPrefix = "quotebot:dedupe:"
)

// ErrBadURL is wrapped by New's error for a URL it cannot use. The error
// never repeats the URL, which may hold a password.
var ErrBadURL = errors.New("want redis://[user:password@]host:port/db or rediss://… (TLS)")

// Config configures a Deduper. URL is required; zero values of the other
// fields mean the defaults documented on each.
type Config struct {
	// URL is the Redis server: redis://[user:password@]host[:port][/db],
	// rediss:// for TLS, or unix:///path; go-redis's query options
	// (?dial_timeout=…) apply.
	URL string
	// TTL is how long a claim is remembered; default bot.DefaultDedupeTTL.
	TTL time.Duration
	// Timeout bounds each call to Redis; default DefaultTimeout.
	Timeout time.Duration
	// Prefix is put before every key; default DefaultPrefix.
	Prefix string
	// OnError, when set, is told of every failed call to Redis: op is
	// "claim", "release" or "ping". Metrics count them with it.
	OnError func(op string, err error)
	// OnStatus, when set, is told when Redis starts failing (up false, the
	// error) and when it answers again after failing (up true, nil): a
	// log line each, not one per event.
	OnStatus func(up bool, err error)
}

// Deduper is a bot.Deduper in Redis, with this process's memory as its
// fallback. It is safe for concurrent use.
type Deduper struct {
	client  *redis.Client
	ttl     time.Duration
	timeout time.Duration
	prefix  string
	local   *bot.MemoryDeduper
	onError func(op string, err error)
	status  func(up bool, err error)
	down    atomic.Bool
	addr    string
}

// New checks cfg and returns its Deduper; it does not connect (see Ping).
func New(cfg Config) (*Deduper, error) {
	opt, err := parseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.TTL <= 0 {
		cfg.TTL = bot.DefaultDedupeTTL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	for _, t := range []*time.Duration{&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout} {
		if *t == 0 {
			*t = cfg.Timeout
		}
	}
	// One retry covers a pooled connection Redis closed (a restart); the
	// context's deadline bounds both tries. One dial per try: a server
	// that refuses connections is down, and memory takes over at once.
	if opt.MaxRetries == 0 {
		opt.MaxRetries = 1
	}
	if opt.DialerRetries == 0 {
		opt.DialerRetries = 1
	}
	opt.ContextTimeoutEnabled = true
	// Maintenance notifications are for managed clusters; a plain server
	// refuses the handshake, and the library would log it.
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	d := &Deduper{
		client: redis.NewClient(opt), ttl: cfg.TTL, timeout: cfg.Timeout, prefix: cfg.Prefix,
		local:   bot.NewMemoryDeduper(cfg.TTL, 0, nil),
		onError: cfg.OnError, status: cfg.OnStatus, addr: opt.Addr,
	}
	if d.onError == nil {
		d.onError = func(string, error) {}
	}
	if d.status == nil {
		d.status = func(bool, error) {}
	}
	return d, nil
}

// parseURL reads a Redis URL, with errors that never repeat it (url.Parse's
// would, password included).
func parseURL(raw string) (*redis.Options, error) {
	u, err := url.Parse(raw)
	if err != nil {
		if uerr, ok := errors.AsType[*url.Error](err); ok {
			err = uerr.Err
		}
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	switch u.Scheme {
	case "redis", "rediss":
		if u.Host == "" {
			return nil, fmt.Errorf("%w: no host", ErrBadURL)
		}
	case "unix":
	default:
		return nil, fmt.Errorf("%w: scheme %q", ErrBadURL, u.Scheme)
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		// go-redis's messages name the database, path or option that is
		// wrong, never the user information.
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	return opt, nil
}

// Addr is the server's address (host:port, or a socket's path), for logs:
// never the user or password.
func (d *Deduper) Addr() string { return d.addr }

// DB is the database number, for logs.
func (d *Deduper) DB() int { return d.client.Options().DB }

// Ping checks that Redis answers, within the timeout.
func (d *Deduper) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	return d.result("ping", d.client.Ping(ctx).Err())
}

// Claim implements bot.Deduper. A key this process claimed is not new,
// without asking Redis. Otherwise the key is new when SET NX takes it in
// Redis; when another replica holds it, it is not. When Redis fails (down,
// unreachable, over the timeout), this process's own memory decides, so a
// retry that reaches the same replica is still dropped while one that
// reaches another may be answered again: a duplicate answer during an
// outage is better than none. Claim then reports no error (OnError and
// OnStatus are told): it has deduplicated as well as it could.
func (d *Deduper) Claim(ctx context.Context, key string) (bool, error) {
	if key == "" {
		return true, nil
	}
	if first, _ := d.local.Claim(ctx, key); !first {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.timeout)
	defer cancel()
	taken, err := d.client.SetNX(ctx, d.prefix+key, 1, d.ttl).Result()
	if d.result("claim", err) != nil {
		return true, nil
	}
	if !taken {
		// Another replica has it; forget it here, so that if that replica
		// releases it, a redelivery reaching this one is answered.
		d.local.Release(ctx, key)
		return false, nil
	}
	return true, nil
}

// Release implements bot.Deduper: it forgets key here and in Redis, so the
// next delivery of its event is answered wherever it arrives.
func (d *Deduper) Release(ctx context.Context, key string) error {
	if key == "" {
		return nil
	}
	d.local.Release(ctx, key)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.timeout)
	defer cancel()
	if err := d.result("release", d.client.Del(ctx, d.prefix+key).Err()); err != nil {
		return fmt.Errorf("redis: release %s: %w", key, err)
	}
	return nil
}

// Close closes the connections to Redis.
func (d *Deduper) Close() error { return d.client.Close() }

// result reports err to the hooks and returns it: OnError for every
// failure, OnStatus when Redis starts failing or answers again.
func (d *Deduper) result(op string, err error) error {
	if err != nil {
		d.onError(op, err)
		if d.down.CompareAndSwap(false, true) {
			d.status(false, err)
		}
		return err
	}
	if d.down.CompareAndSwap(true, false) {
		d.status(true, nil)
	}
	return nil
}
