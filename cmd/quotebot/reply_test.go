package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/corpus"
)

// closestHit is the passage the fake engine of these tests offers.
var closestHit = bot.Hit{
	ID: "seed#7", Doc: "china-peru-statement", Title: "China, Peru to deepen comprehensive strategic partnership",
	Date: "Nov 15, 2024", Paragraph: 7, Text: "Both sides met. They agreed on fishing.", Highlight: "They agreed on fishing.",
	Spans: []corpus.Span{{Start: 16, End: 39}},
}

// replyEngine answers by the question: "near…" with a closest passage,
// "fish…" with an answer, "boom" with an error, anything else not covered.
var replyEngine = bot.AnswererFunc(func(ctx context.Context, q string, top int) (bot.Answer, error) {
	switch {
	case strings.HasPrefix(q, "near"):
		return bot.Answer{Question: q, Passages: []bot.Hit{}, Closest: []bot.Hit{closestHit}}, nil
	case strings.HasPrefix(q, "fish"):
		return bot.Answer{Question: q, Found: true, Passages: []bot.Hit{closestHit}}, nil
	case q == "boom":
		return bot.Answer{}, errors.New("engine failure")
	}
	return bot.Answer{Question: q, Passages: []bot.Hit{}, Topics: []string{"fisheries", "trade"}}, nil
})

// limiterFunc adapts a function to bot.Limiter.
type limiterFunc func(bot.Platform, string) (bool, time.Duration)

func (f limiterFunc) Allow(p bot.Platform, u string) (bool, time.Duration) { return f(p, u) }

// replyServer serves the API and the page as serve does, with a Responder
// around replyEngine that refuses the client "192.0.2.9" as over its rate
// and has one answer slot, which busy takes when set.
func replyServer(t *testing.T, busy bool) http.Handler {
	t.Helper()
	s := &server{engine: newLazyAnswerer(), logger: discardLogger()}
	s.engine.set(nil, nil)
	s.guard = newHTTPGuard(httpGuardConfig{MaxInFlight: 1}, time.Millisecond, prometheus.NewRegistry())
	resp, err := bot.NewResponder(bot.ResponderConfig{Answerer: replyEngine, Limiter: limiterFunc(func(p bot.Platform, u string) (bool, time.Duration) {
		return u != "192.0.2.9", 1500 * time.Millisecond
	})})
	if err != nil {
		t.Fatal(err)
	}
	s.responder = resp
	if busy {
		turn := s.guard.gate.Reserve()
		t.Cleanup(turn.Done)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/ask", s.guard.api(s.handleAPIAsk))
	mux.Handle("GET /{$}", s.guard.page(s.handlePage))
	return s.guard.common(mux)
}

// TestHTTPReplies checks how the API and the page show each kind of reply.
func TestHTTPReplies(t *testing.T) {
	lead := "The documents don&#39;t say that in those words. Closest passage:"
	tests := []struct {
		name       string
		q          string
		client     string
		busy       bool
		wantCode   int
		wantRetry  string
		wantAPI    []string // in the API's JSON
		wantPage   []string // in the page, in order
		unwantPage []string
	}{
		{name: "answered", q: "fisheries", wantCode: 200,
			wantAPI:    []string{`"found":true`, `"paragraph":7`},
			wantPage:   []string{"<blockquote>Both sides met. <b>They agreed on fishing.</b></blockquote>", "<cite>China, Peru to deepen comprehensive strategic partnership · Nov 15, 2024 · ¶7</cite>"},
			unwantPage: []string{"Closest passage"}},
		{name: "closest", q: "nearby fish farms", wantCode: 200,
			wantAPI:  []string{`"found":false`, `"passages":[]`, `"closest":[{"id":"seed#7"`},
			wantPage: []string{"<p>" + lead + "</p>", "<blockquote>Both sides met. <b>They agreed on fishing.</b></blockquote>", "<cite>China, Peru"}},
		{name: "not covered", q: "football", wantCode: 200,
			wantAPI:    []string{`"found":false`, `"topics":["fisheries","trade"]`},
			wantPage:   []string{"<p>The documents do not cover that. They cover: fisheries, trade.</p>"},
			unwantPage: []string{"<blockquote>"}},
		{name: "help", q: "help", wantCode: 200,
			wantAPI:  []string{`"found":false`, `"topics":["fisheries","trade"]`},
			wantPage: []string{"<p>Ask a question about the documents", "<br>Example: what did they say about fisheries?<br>Topics covered: fisheries, trade.</p>"}},
		{name: "markup removed", q: "<@U0LAN0Z89> fisheries", wantCode: 200,
			wantAPI: []string{`"question":"\u003c@U0LAN0Z89\u003e fisheries"`, `"found":true`}, wantPage: []string{"<b>They agreed"}},
		{name: "too long", q: strings.Repeat("a", bot.MaxQuestionLen+1), wantCode: 413,
			wantAPI: []string{"longer than 1,000 characters"}, wantPage: []string{html.EscapeString(bot.TooLong)}},
		{name: "engine error", q: "boom", wantCode: 500,
			wantAPI: []string{bot.Apology + " (request id "}, wantPage: []string{bot.Apology + " (request id "}, unwantPage: []string{"engine failure"}},
		{name: "rate limited", q: "fisheries", client: "192.0.2.9:1234", wantCode: 429, wantRetry: "2",
			wantAPI: []string{`"error":"You're asking faster`}, wantPage: []string{html.EscapeString(bot.RateLimited)}},
		{name: "busy", q: "fisheries", busy: true, wantCode: 503, wantRetry: "5",
			wantAPI: []string{`"error":"` + bot.Busy}, wantPage: []string{html.EscapeString(bot.Busy)}},
	}
	for _, tt := range tests {
		for _, surface := range []string{"api", "page"} {
			t.Run(tt.name+"/"+surface, func(t *testing.T) {
				path, want := "/api/ask?q=", tt.wantAPI
				if surface == "page" {
					path, want = "/?q=", tt.wantPage
				}
				req := httptest.NewRequest("GET", path+url.QueryEscape(tt.q), nil)
				if tt.client != "" {
					req.RemoteAddr = tt.client
				}
				w := httptest.NewRecorder()
				replyServer(t, tt.busy).ServeHTTP(w, req)
				body := w.Body.String()
				if w.Code != tt.wantCode || w.Header().Get("Retry-After") != tt.wantRetry {
					t.Errorf("%d with Retry-After %q, want %d and %q", w.Code, w.Header().Get("Retry-After"), tt.wantCode, tt.wantRetry)
				}
				at := 0
				for _, s := range want {
					i := strings.Index(body[at:], s)
					if i < 0 {
						t.Fatalf("the reply lacks %q (in order):\n%s", s, body)
					}
					at += i + len(s)
				}
				if surface == "page" {
					for _, s := range tt.unwantPage {
						if strings.Contains(body, s) {
							t.Errorf("the page holds %q:\n%s", s, body)
						}
					}
				} else if w.Code == 200 && !json.Valid([]byte(body)) {
					t.Errorf("the API's reply is not JSON: %s", body)
				}
			})
		}
	}
}

// TestPrintReply checks the command line's text output of each kind of
// reply that quotes or explains.
func TestPrintReply(t *testing.T) {
	quote := "  │ Both sides met. **They agreed on fishing.**\n  — China, Peru to deepen comprehensive strategic partnership · Nov 15, 2024 · ¶7\n"
	tests := []struct {
		name  string
		reply bot.Reply
		want  string
	}{
		{"answered", bot.Reply{Kind: bot.KindAnswered, Answer: bot.Answer{Found: true, Passages: []bot.Hit{closestHit}}}, quote},
		{"two passages", bot.Reply{Kind: bot.KindAnswered, Answer: bot.Answer{Found: true, Passages: []bot.Hit{closestHit, closestHit}}}, quote + "\n" + quote},
		{"closest", bot.Reply{Kind: bot.KindClosest, Answer: bot.Answer{Closest: []bot.Hit{closestHit}}},
			"The documents don't say that in those words. Closest passage:\n\n" + quote},
		{"not covered", bot.Reply{Kind: bot.KindNotCovered, Answer: bot.Answer{Topics: []string{"trade"}}},
			"The documents do not cover that. They cover: trade.\n"},
		{"help", bot.Reply{Kind: bot.KindHelp, Usage: "quotebot ask"},
			"Ask a question about the documents and I quote the passages that answer it, with where they come from.\nExample: quotebot ask what did they say about fisheries?\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			printReply(&b, tt.reply, style{"**", "**"})
			if b.String() != tt.want {
				t.Errorf("printed\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}
