package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// startSocket runs the Socket Mode connection and the loop reading its
// events, and waits for the first connection (see Start).
func (b *Bot) startSocket(ctx context.Context) error {
	connected := make(chan struct{})
	failed := make(chan error, 1)
	b.spawn("socket mode connection", func(ctx context.Context) {
		err := b.smc.RunContext(ctx)
		if err != nil && ctx.Err() == nil {
			b.log.Error("slack: Socket Mode stopped (check the app-level token)", "err", err)
			failed <- err
		}
	})
	b.spawn("socket mode events", func(ctx context.Context) { b.socketLoop(ctx, connected) })
	timer := time.NewTimer(b.cfg.ConnectTimeout)
	defer timer.Stop()
	select {
	case <-connected:
		return nil
	case err := <-failed:
		return fmt.Errorf("slack Socket Mode: %w", err)
	case <-timer.C:
		b.log.Warn("slack: Socket Mode not connected yet; still trying", "waited", b.cfg.ConnectTimeout)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// socketLoop reads Socket Mode events until ctx ends; it closes connected
// at the first connection, and logs the later ones, which replace a
// connection that dropped or that Slack asked to end.
func (b *Bot) socketLoop(ctx context.Context, connected chan struct{}) {
	first := true
	for {
		var evt socketmode.Event
		select {
		case <-ctx.Done():
			return
		case evt = <-b.smc.Events:
		}
		if evt.Type == socketmode.EventTypeConnected {
			if first {
				first = false
				close(connected)
			} else {
				b.log.Info("slack: Socket Mode reconnected")
			}
		}
		b.onSocketEvent(evt)
	}
}

// onSocketEvent handles one Socket Mode event without blocking the loop:
// events and clicks are acknowledged at once and handled in the
// background; a slash command is acknowledged with its answer when it is
// ready within the inline budget.
func (b *Bot) onSocketEvent(evt socketmode.Event) {
	defer b.recoverPanic("socket mode event " + string(evt.Type))
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log.Debug("slack: Socket Mode connecting")
	case socketmode.EventTypeConnected:
		b.log.Info("slack: Socket Mode connected")
	case socketmode.EventTypeConnectionError:
		b.log.Warn("slack: Socket Mode connection failed; retrying", "err", errorOf(evt.Data))
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("slack: Socket Mode refused the app-level token")
	case socketmode.EventTypeDisconnect:
		b.log.Info("slack: Socket Mode reconnecting at Slack's request")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("slack: Socket Mode error", "type", evt.Type, "err", errorOf(evt.Data))
	case socketmode.EventTypeErrorBadMessage:
		b.onBadMessage(evt)
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || evt.Request == nil {
			return
		}
		b.ack(evt.Request.EnvelopeID, nil)
		b.onEvent(ev, evt.Request.RetryAttempt)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		envelope := evt.Request.EnvelopeID
		b.spawn("socket command", func(context.Context) {
			reply, inline := b.command(cmd)
			if !inline {
				b.ack(envelope, nil)
				return
			}
			if err := b.smc.AckCtx(b.ctx, envelope, reply.response(slack.ResponseTypeEphemeral)); err != nil {
				b.log.Warn("slack: command answer does not fit the ack; using response_url", "err", err)
				b.ack(envelope, nil)
				b.deliverLate(cmd, reply)
			}
		})
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		b.ack(evt.Request.EnvelopeID, nil)
		b.onInteraction(ic)
	}
}

// onBadMessage acknowledges a Socket Mode message slack-go could not parse
// (an event type it does not know, say), so that Slack does not resend it.
func (b *Bot) onBadMessage(evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
	}
	if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
		b.ack(env.EnvelopeID, nil)
	}
	b.log.Debug("slack: Socket Mode message ignored", "err", bad.Cause)
}

func (b *Bot) ack(envelopeID string, payload any) {
	if err := b.smc.AckCtx(b.ctx, envelopeID, payload); err != nil {
		b.log.Error("slack: Socket Mode ack", "envelope_id", envelopeID, "err", err)
	}
}

func errorOf(data any) error {
	switch d := data.(type) {
	case *slack.ConnectionErrorEvent:
		return d.ErrorObj
	case *slack.IncomingEventError:
		return d.ErrorObj
	case *socketmode.ErrorWriteFailed:
		return d.Cause
	case error:
		return d
	}
	return errors.New("unknown")
}
