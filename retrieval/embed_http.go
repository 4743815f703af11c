package retrieval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// How quotebot calls an embedding API. Passages are embedded while an index
// is built, where waiting out a short outage is worth it; a question is
// embedded while someone waits for the answer, which falls back to the
// built-in signals when the embedder fails (see denseSearch), so it gives up
// sooner.
const (
	// embedBatchSize is the most texts one request embeds. Both APIs take
	// an array (OpenAI up to 2,048 inputs and 300,000 tokens a request,
	// Ollama any number): 64 passages of at most 1,500 bytes are about
	// 25,000 tokens, well inside OpenAI's limits, few enough that a CPU-only
	// Ollama answers within passageCallTimeout, and a failed request costs
	// little to send again.
	embedBatchSize = 64
	// embedRequestsInFlight is how many batches are embedded at once while
	// an index is built: enough to hide a hosted API's latency, few enough
	// not to run into its rate limit or queue work on a local Ollama, which
	// embeds one batch at a time anyway.
	embedRequestsInFlight = 4
	// passageCallTimeout bounds one request of a build, so a provider that
	// stops answering fails the build instead of holding it forever: a
	// batch of 64 passages takes a second or two on the hosted APIs and
	// tens of seconds on a CPU-only Ollama.
	passageCallTimeout = 2 * time.Minute
	// passageTries is the most requests one batch gets. With waits of 1, 2,
	// 4 and 8 s between them (retryFirstWait, doubled), a build rides out
	// about 15 s of rate limiting or a restarting Ollama; a longer outage
	// fails the build with the API's answer, and the embedding cache keeps
	// what was embedded, so running it again resumes.
	passageTries = 5
	// retryFirstWait is the wait before the second try of a build's
	// request, doubled before each later one, unless the API says how long
	// to wait (Retry-After).
	retryFirstWait = time.Second
	// maxRetryWait is the longest wait between two tries of a build's
	// request; an API that asks for longer (Retry-After) is not tried
	// again, since a build stalled for minutes is worse than a clear error.
	maxRetryWait = 30 * time.Second
	// questionCallTimeout bounds the request that embeds a question: the
	// hosted APIs answer in well under a second and a warm Ollama in one or
	// two; a slower answer is better replaced by the built-in signals,
	// within the 30 s an answer may take in all.
	questionCallTimeout = 10 * time.Second
	// questionTries is the most requests a question's embedding gets: one
	// retry after a short wait smooths over a single 429 or 5xx, more would
	// only delay the fallback.
	questionTries = 2
	// questionRetryWait is the wait before a question's retry, and the
	// longest Retry-After it waits out.
	questionRetryWait = 500 * time.Millisecond
	// maxEmbedReply caps the bytes read from an embedding API's reply: 64
	// vectors of 3,072 dimensions are about 4.5 MB of JSON.
	maxEmbedReply = 64 << 20
)

// retryPolicy is how often and how long a request is tried.
type retryPolicy struct {
	// tries is the most requests, at least 1.
	tries int
	// timeout bounds each request.
	timeout time.Duration
	// wait is the wait before the second try, doubled before each later
	// one; maxWait caps it, and a Retry-After longer than maxWait ends the
	// tries.
	wait, maxWait time.Duration
	// sleep waits d or until ctx ends; nil means sleepCtx. Tests record
	// the waits instead.
	sleep func(ctx context.Context, d time.Duration) error
}

// sleepCtx waits d, or returns ctx's error as soon as ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

var (
	passagePolicy  = retryPolicy{tries: passageTries, timeout: passageCallTimeout, wait: retryFirstWait, maxWait: maxRetryWait}
	questionPolicy = retryPolicy{tries: questionTries, timeout: questionCallTimeout, wait: questionRetryWait, maxWait: questionRetryWait}
)

// endpoint is an embedding API's base URL. Its user info and query string
// may hold credentials, so they are only ever sent: what is shown (in the
// embedder's ID, the index manifest, errors and logs) is RedactURL's form.
type endpoint struct {
	base *url.URL
}

// parseEndpoint checks that raw is an absolute http(s) URL with a host. Its
// errors do not repeat raw.
func parseEndpoint(raw string) (endpoint, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return endpoint{}, fmt.Errorf("%w: the embedding API URL (QUOTEBOT_EMBED_URL) does not parse as a URL", ErrConfig)
	case u.Scheme != "http" && u.Scheme != "https":
		return endpoint{}, fmt.Errorf("%w: the embedding API URL (QUOTEBOT_EMBED_URL) must start with http:// or https://", ErrConfig)
	case u.Host == "":
		return endpoint{}, fmt.Errorf("%w: the embedding API URL (QUOTEBOT_EMBED_URL) has no host", ErrConfig)
	}
	return endpoint{base: u}, nil
}

// String is the URL without user info, query string or fragment.
func (e endpoint) String() string { return redact(e.base) }

// join is the URL of the API route p below the base, with the base's user
// info and query string.
func (e endpoint) join(p string) string { return e.base.JoinPath(p).String() }

// RedactURL returns raw without its user info, query string and fragment
// (scheme, host and path are left), so a URL holding credentials can be
// shown; a URL that does not parse is shown as "(not a URL)".
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	return redact(u)
}

func redact(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery, c.ForceQuery = "", false
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// postJSON sends body as JSON to the route p of e and decodes the reply into
// out, trying again as pol allows when the API answers 429 Too Many
// Requests or a 5xx status, or cannot be reached: after the API's
// Retry-After when it sends one, else after a wait that doubles each time.
// It stops at once when ctx ends. A key, when set, goes as a bearer token;
// otherwise the URL's user info, when present, goes as basic
// authentication. Errors say what failed without the URL, which may hold
// credentials.
func postJSON(ctx context.Context, client *http.Client, e endpoint, p, key string, body, out any, pol retryPolicy) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode the request: %w", err)
	}
	wait := pol.wait
	for try := 1; ; try++ {
		retryAfter, err := postOnce(ctx, client, e.join(p), key, data, out, pol.timeout)
		var again retryable
		if err == nil || !errors.As(err, &again) || ctx.Err() != nil {
			return err
		}
		if try >= pol.tries {
			return fmt.Errorf("%w (%d tries)", err, try)
		}
		d := min(wait, pol.maxWait)
		if retryAfter > 0 {
			if retryAfter > pol.maxWait {
				return fmt.Errorf("%w, and asks to wait %s before the next try", err, retryAfter.Round(time.Second))
			}
			d = retryAfter
		}
		wait *= 2
		sleep := pol.sleep
		if sleep == nil {
			sleep = sleepCtx
		}
		if serr := sleep(ctx, d); serr != nil {
			return fmt.Errorf("%w; stopped waiting to try again: %w", err, serr)
		}
	}
}

// retryable marks an error after which the same request may succeed: a
// 429, a 5xx, or an API that could not be reached or did not answer in
// time.
type retryable struct{ err error }

func (r retryable) Error() string { return r.err.Error() }
func (r retryable) Unwrap() error { return r.err }

// postOnce makes one request of postJSON, and returns the wait the API's
// Retry-After asks for (0 when none).
func postOnce(ctx context.Context, client *http.Client, to, key string, data []byte, out any, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(data))
	if err != nil {
		return 0, errors.New("build the request")
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		// A *url.Error repeats the URL, query string included.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return 0, retryable{fmt.Errorf("call the API: %w", err)}
	}
	defer resp.Body.Close()
	reply := io.LimitReader(resp.Body, maxEmbedReply)
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, reply)
		err := fmt.Errorf("the API answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			return parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), retryable{err}
		}
		return 0, err
	}
	if err := json.NewDecoder(reply).Decode(out); err != nil {
		return 0, fmt.Errorf("read the API's reply: %w", err)
	}
	return 0, nil
}

// parseRetryAfter reads a Retry-After header, in seconds or as an HTTP
// date, relative to now; 0 when it is absent, unreadable or past.
func parseRetryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil {
		return max(time.Duration(s)*time.Second, 0)
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
