package discordbot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// DefaultHandshakeTimeout bounds a gateway handshake when
// Config.HandshakeTimeout is 0.
const DefaultHandshakeTimeout = 30 * time.Second

// ErrHandshakeTimeout is returned by Start when the gateway accepts the
// websocket but does not complete the handshake (HELLO, then READY or
// RESUMED) within Config.HandshakeTimeout.
var ErrHandshakeTimeout = errors.New("discord gateway handshake timed out")

// discordgo's Session.Open reads HELLO and then READY or RESUMED with no
// deadline, holding the session lock, both in Start and in its own
// reconnects. The bot bounds that wait from outside: the session's
// websocket dialer wraps every connection in a gatewayConn whose deadlines
// cannot be cleared or extended past the handshake deadline until the
// handshake is over.

// gatewayDialer returns a copy of discordgo's dialer whose connections are
// gatewayConns bounded by timeout.
func (b *Bot) gatewayDialer(base *websocket.Dialer, timeout time.Duration) *websocket.Dialer {
	d := *base
	d.NetDialContext = b.dialGateway
	d.HandshakeTimeout = timeout
	return &d
}

// dialGateway dials a gateway connection with a handshake deadline of
// Config.HandshakeTimeout and makes it the current one. It refuses once the
// bot's context is done, so a reconnect after cancellation cannot stall.
func (b *Bot) dialGateway(ctx context.Context, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(b.ctx, cancel)
	defer stop()
	var d net.Dialer
	raw, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c := &gatewayConn{Conn: raw, handshakeDeadline: time.Now().Add(b.cfg.HandshakeTimeout)}
	if err := c.Conn.SetDeadline(c.handshakeDeadline); err != nil {
		raw.Close()
		return nil, fmt.Errorf("set the handshake deadline: %w", err)
	}

	b.connMu.Lock()
	defer b.connMu.Unlock()
	// Checked under connMu, which abortHandshake also takes, so that a
	// cancellation either sees this connection or is seen here.
	if err := b.ctx.Err(); err != nil {
		raw.Close()
		return nil, fmt.Errorf("dial the gateway: %w", err)
	}
	b.conn = c
	return c, nil
}

// endHandshake lifts the handshake deadline of the current gateway
// connection. It runs after every successful Session.Open: from Start, and
// from the *discordgo.Connect handler for discordgo's reconnects.
//
// Open dials and completes the handshake while holding the session's lock,
// so under its read lock no handshake is in progress and the current
// connection (the last one dialed) has either completed its handshake or
// failed. A late handler therefore never lifts the deadline of a newer
// connection that is still in its handshake.
func (b *Bot) endHandshake() {
	b.session.RLock()
	defer b.session.RUnlock()
	b.connMu.Lock()
	c := b.conn
	b.connMu.Unlock()
	if c == nil {
		return
	}
	// A connection whose handshake failed is closed already.
	if err := c.endHandshake(); err != nil && !errors.Is(err, net.ErrClosed) {
		b.log.Warn("discord: clear the gateway handshake deadline", "err", err)
	}
}

// onConnect is the *discordgo.Connect handler: Open emits Connect once
// READY or RESUMED (or whatever came first) has been read.
func (b *Bot) onConnect(*discordgo.Session, *discordgo.Connect) { b.endHandshake() }

// abortHandshake closes the current gateway connection if its handshake is
// still pending, which makes a blocked Session.Open return at once. It runs
// when the bot's context is done.
func (b *Bot) abortHandshake() {
	b.connMu.Lock()
	defer b.connMu.Unlock()
	if b.conn != nil && b.conn.pending() {
		b.conn.Close()
	}
}

// handshakeError explains an Open error that is a timeout: the gateway did
// not complete the handshake within Config.HandshakeTimeout.
func (b *Bot) handshakeError(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w: no READY within %s: %w", ErrHandshakeTimeout, b.cfg.HandshakeTimeout, err)
	}
	return fmt.Errorf("discordbot: open the gateway: %w", err)
}

// gatewayConn is a gateway connection in its handshake until endHandshake:
// meanwhile every deadline set on it is capped at the handshake deadline,
// since gorilla clears its own after the HTTP upgrade and sets a zero write
// deadline before each frame.
type gatewayConn struct {
	net.Conn

	mu                sync.Mutex
	handshakeDeadline time.Time // zero once the handshake is over
}

func (c *gatewayConn) capped(t time.Time) time.Time {
	if c.handshakeDeadline.IsZero() || (!t.IsZero() && t.Before(c.handshakeDeadline)) {
		return t
	}
	return c.handshakeDeadline
}

func (c *gatewayConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetDeadline(c.capped(t))
}

func (c *gatewayConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetReadDeadline(c.capped(t))
}

func (c *gatewayConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetWriteDeadline(c.capped(t))
}

// pending reports whether the handshake is not over yet.
func (c *gatewayConn) pending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.handshakeDeadline.IsZero()
}

// endHandshake clears the handshake deadline; later calls do nothing.
func (c *gatewayConn) endHandshake() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.handshakeDeadline.IsZero() {
		return nil
	}
	c.handshakeDeadline = time.Time{}
	return c.Conn.SetDeadline(time.Time{})
}
