package slackbot

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	const body = `{"type":"url_verification","challenge":"abc"}`
	signed := func(ts time.Time, key, b string) http.Header {
		r, _ := http.NewRequest(http.MethodPost, "/", nil)
		sign(r, b, ts, key)
		return r.Header
	}
	tests := []struct {
		name   string
		header http.Header
		body   string
		want   error
	}{
		{"valid", signed(fixedNow, secret, body), body, nil},
		{"4m59s old", signed(fixedNow.Add(-4*time.Minute-59*time.Second), secret, body), body, nil},
		{"6 minutes old", signed(fixedNow.Add(-6*time.Minute), secret, body), body, errStaleTimestamp},
		{"6 minutes ahead", signed(fixedNow.Add(6*time.Minute), secret, body), body, errStaleTimestamp},
		{"tampered body", signed(fixedNow, secret, body), body + " ", errBadSignature},
		{"other secret", signed(fixedNow, "another-secret", body), body, errBadSignature},
		{"no headers", http.Header{}, body, errMissingSignature},
		{"no signature", http.Header{"X-Slack-Request-Timestamp": {"1700000000"}}, body, errMissingSignature},
		{"timestamp not a number", http.Header{"X-Slack-Request-Timestamp": {"soon"}, "X-Slack-Signature": {"v0=00"}}, body, errStaleTimestamp},
		{"other version", func() http.Header {
			h := signed(fixedNow, secret, body)
			h.Set("X-Slack-Signature", "v1="+h.Get("X-Slack-Signature")[3:])
			return h
		}(), body, errBadSignature},
		{"not hex", func() http.Header {
			h := signed(fixedNow, secret, body)
			h.Set("X-Slack-Signature", "v0=zz")
			return h
		}(), body, errBadSignature},
		{"timestamp swapped after signing", func() http.Header {
			h := signed(fixedNow, secret, body)
			h.Set("X-Slack-Request-Timestamp", "1700000001")
			return h
		}(), body, errBadSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := verify(tc.header, []byte(tc.body), secret, fixedNow); !errors.Is(err, tc.want) {
				t.Errorf("verify = %v, want %v", err, tc.want)
			}
		})
	}
}
