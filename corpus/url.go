package corpus

import (
	"net/url"
	"strings"
)

// maxURLBytes is the longest source URL kept; browsers and chat platforms
// handle a few thousand bytes, and a document's own address is far shorter.
const maxURLBytes = 2048

// webURL returns s, trimmed, when it is an absolute http or https URL with
// a host and without user information, and "" otherwise. A document's URL
// becomes a link in chat and on the page, so nothing else may pass: no
// javascript: or data: URL, no relative path (there is no site to resolve
// it against), no spaces or control characters, and no "user:password@"
// that would show a secret.
func webURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxURLBytes || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || isControl(r) }) {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return s
	}
	return ""
}
