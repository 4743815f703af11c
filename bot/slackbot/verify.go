package slackbot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// signatureWindow is how far a request's timestamp may be from our clock.
const signatureWindow = 5 * time.Minute

// Reasons a request fails verification.
var (
	errMissingSignature = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp")
	errStaleTimestamp   = errors.New("request timestamp is not within 5 minutes of now")
	errBadSignature     = errors.New("request signature does not match")
)

// checkTimestamp is the part of the verification that needs no body, so that
// stale or unsigned requests are refused before their body is read.
func checkTimestamp(h http.Header, now time.Time) error {
	ts, sig := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if ts == "" || sig == "" {
		return errMissingSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errStaleTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > signatureWindow || d < -signatureWindow {
		return errStaleTimestamp
	}
	return nil
}

// verify checks Slack's v0 request signature: hex HMAC-SHA256, keyed with the
// signing secret, of "v0:" + timestamp + ":" + body, compared in constant
// time, with the timestamp within 5 minutes of now.
// https://docs.slack.dev/authentication/verifying-requests-from-slack
func verify(h http.Header, body []byte, secret string, now time.Time) error {
	if err := checkTimestamp(h, now); err != nil {
		return err
	}
	hexSig, ok := strings.CutPrefix(h.Get("X-Slack-Signature"), "v0=")
	if !ok {
		return errBadSignature
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return errBadSignature
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + h.Get("X-Slack-Request-Timestamp") + ":"))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), got) {
		return errBadSignature
	}
	return nil
}
