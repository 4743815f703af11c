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
	"time"
)

// Limits of one call to an embedding API.
const (
	// embedCallTimeout bounds one embedding call, so a provider that stops
	// answering fails the build or the question instead of holding it
	// forever. A passage of 1,500 bytes embeds in well under a second on the
	// hosted APIs and in a few seconds on a CPU-only Ollama.
	embedCallTimeout = time.Minute
	// maxEmbedReply caps the bytes read from an embedding API's reply: a
	// 3,072-dimension vector is about 70 KB of JSON.
	maxEmbedReply = 16 << 20
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
// out. A key, when set, goes as a bearer token; otherwise the URL's user
// info, when present, goes as basic authentication. Errors say what failed
// without the URL, which may hold credentials.
func postJSON(ctx context.Context, client *http.Client, e endpoint, p, key string, body, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode the request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, embedCallTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.join(p), bytes.NewReader(data))
	if err != nil {
		return errors.New("build the request")
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
		return fmt.Errorf("call the API: %w", err)
	}
	defer resp.Body.Close()
	reply := io.LimitReader(resp.Body, maxEmbedReply)
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, reply)
		return fmt.Errorf("the API answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if err := json.NewDecoder(reply).Decode(out); err != nil {
		return fmt.Errorf("read the API's reply: %w", err)
	}
	return nil
}
