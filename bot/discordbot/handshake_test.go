package discordbot

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

func TestStartGatewayHandshakeStalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		stall stallPoint
		// timeout is Config.HandshakeTimeout; 0 means the default, which is
		// longer than waitTime, so only the cancellation can end Start.
		timeout time.Duration
		cancel  bool // cancel Start's context once the gateway has stalled
		wantErr error
	}{
		{"no HELLO", stallBeforeHello, 200 * time.Millisecond, false, ErrHandshakeTimeout},
		{"HELLO but no READY", stallBeforeReady, 200 * time.Millisecond, false, ErrHandshakeTimeout},
		{"cancelled while waiting for HELLO", stallBeforeHello, 0, true, context.Canceled},
		{"cancelled while waiting for READY", stallBeforeReady, 0, true, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t, withStall(tt.stall))
			logger, _ := testLogger(t)
			b, err := New(Config{Token: testToken, AppID: testAppID, APIURL: f.apiURL(), Logger: logger,
				HandshakeTimeout: tt.timeout, Answerer: refusingAnswerer(t)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(b.Close)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- b.Start(ctx) }()

			f.waitStalled(t)
			if tt.cancel {
				cancel()
			}
			select {
			case err = <-done:
			case <-time.After(waitTime):
				t.Fatal("Start did not return")
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Start = %v, want %v", err, tt.wantErr)
			}
			var ne net.Error
			if errors.Is(err, ErrHandshakeTimeout) && !(errors.As(err, &ne) && ne.Timeout()) {
				t.Errorf("Start = %v, want it to wrap the read timeout", err)
			}
			f.next(t, "GET", "/api/v10/users/@me")
			f.next(t, "PUT", "/api/v10/applications/"+testAppID+"/commands")
			f.noMoreRequests(t)
		})
	}
}

func TestGatewayOutlivesHandshakeTimeoutAfterResume(t *testing.T) {
	t.Parallel()
	const timeout = 200 * time.Millisecond
	// The gateway keeps discordgo's heartbeat interval long (one heartbeat
	// at connect, then none for minutes): with a short one, discordgo's
	// heartbeat goroutine for a dropped connection can race the reconnect
	// and close the new connection too, which is discordgo's business, not
	// the handshake deadline's. Each question is asked only after waiting
	// well past the handshake timeout: a deadline left behind would have
	// broken the connection by then, and the answer would come over a new
	// one, or not at all.
	f := newFakeDiscord(t)
	answerer := newRecordingAnswerer()
	c, obs, _ := connect(t, f, Config{AppID: testAppID, Answerer: answerer, HandshakeTimeout: timeout})

	ask := func(c *fakeConn, id, question string) {
		t.Helper()
		time.Sleep(3 * timeout)
		c.dispatch(t, "MESSAGE_CREATE", messageEvent(id, "50", "60", "7", false, "<@"+testBotID+"> "+question))
		if got := obs.next(t); got != "message/answered" {
			t.Fatalf("observation %q, want message/answered", got)
		}
		if q := answerer.next(t); q != question {
			t.Errorf("question = %q, want %q", q, question)
		}
		req := f.next(t, "POST", "/api/v10/channels/50/messages")
		if m := decodeMessage(t, req.Body); m.MessageReference == nil || m.MessageReference.MessageID != id {
			t.Errorf("reply refers to %+v, want %s", m.MessageReference, id)
		}
	}

	ask(c, "6001", "fisheries?")
	c.drop()
	c2 := f.conn(t)
	if c2.First.Op != 6 {
		t.Fatalf("after the drop the first frame is op %d, want RESUME (6)", c2.First.Op)
	}
	ask(c2, "6002", "trade?")
	select {
	case c3 := <-f.conns:
		t.Errorf("the resumed connection was replaced by one starting with op %d", c3.First.Op)
	default:
	}
	f.noMoreRequests(t)
}
