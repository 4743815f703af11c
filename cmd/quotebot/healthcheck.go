package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"strings"
	"time"
)

// healthcheckTimeout bounds the whole check, from the dial to the end of
// the answer: a container runtime runs it every few seconds, and a server
// that cannot say it is ready within two seconds is not healthy.
const healthcheckTimeout = 2 * time.Second

// maxHealthBody caps how much of /readyz's answer is read and repeated in
// the failure message.
const maxHealthBody = 1 << 10

const healthcheckUsage = `Usage: quotebot healthcheck [--addr ADDRESS]

Asks GET /readyz of the serve listening on --addr and exits 0 when it says
ready, 1 otherwise (not ready, nothing listening, no answer within 2 s). An
address without a host (":8080") or with an unspecified one ("0.0.0.0:8080")
is checked on the loopback interface. Meant for the Dockerfile's
HEALTHCHECK: the image has no shell and no curl.

Environment: QUOTEBOT_ADDR.

Flags:
`

func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", envOr(getenv, "QUOTEBOT_ADDR", ":8080"), "`address` serve listens on [QUOTEBOT_ADDR]")
	fs.Usage = func() { fmt.Fprint(fs.Output(), healthcheckUsage); fs.PrintDefaults() }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"healthcheck takes no arguments"}
	}
	target, err := healthTarget(*addr)
	if err != nil {
		return usageError{err.Error()}
	}
	status, err := checkReady(ctx, "http://"+target+"/readyz")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, status)
	return nil
}

// healthTarget turns serve's listen address into the address to check: a
// missing or unspecified host becomes the loopback address of its family,
// so ":8080" is checked at 127.0.0.1:8080 and "[::]:8080" at [::1]:8080.
func healthTarget(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", fmt.Errorf("--addr %q: want host:port or :port, as serve's --addr", addr)
	}
	switch ip := net.ParseIP(host); {
	case host == "":
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return net.JoinHostPort(host, port), nil
}

// checkReady asks url once, within healthcheckTimeout, and returns the
// status it read when the answer is 200, or an error saying why not. It
// goes to the address directly (never through a proxy from the
// environment) and follows no redirect.
func checkReady(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	client := &http.Client{
		Transport:     &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "", fmt.Errorf("%s: no answer within %s", url, healthcheckTimeout)
		}
		// *url.Error repeats the method and URL; say them once.
		var uerr *neturl.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return "", fmt.Errorf("%s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHealthBody))
	status := strings.Join(strings.Fields(string(body)), " ")
	if err != nil {
		return "", fmt.Errorf("%s: read the answer: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s: %s", url, resp.Status, status)
	}
	return status, nil
}
