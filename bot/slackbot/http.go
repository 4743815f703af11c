package slackbot

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// readVerified reads a request's body, capped at Config.MaxBody, and checks
// its signature. On failure it has answered the request (401 for a bad
// signature, whatever else happened) and returns false.
func (b *Bot) readVerified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if err := checkTimestamp(r.Header, b.cfg.Now()); err != nil {
		b.unauthorized(w, r, err)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, b.cfg.MaxBody))
	if err != nil {
		b.cfg.OnReject("bad_request")
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
		}
		return nil, false
	}
	if err := verify(r.Header, body, b.cfg.SigningSecret, b.cfg.Now()); err != nil {
		b.unauthorized(w, r, err)
		return nil, false
	}
	return body, true
}

// readForm reads and verifies a form-encoded request (slash commands,
// interactions). On failure it has answered the request and returns false.
func (b *Bot) readForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	body, ok := b.readVerified(w, r)
	if !ok {
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		b.badRequest(w, r, err)
		return nil, false
	}
	return form, true
}

func (b *Bot) unauthorized(w http.ResponseWriter, r *http.Request, err error) {
	b.log.Warn("slack: request refused", "path", r.URL.Path, "remote", r.RemoteAddr, "reason", err)
	b.cfg.OnReject("bad_signature")
	http.Error(w, "invalid request signature", http.StatusUnauthorized)
}

func (b *Bot) badRequest(w http.ResponseWriter, r *http.Request, err error) {
	b.log.Warn("slack: bad request", "path", r.URL.Path, "err", err)
	b.cfg.OnReject("bad_request")
	http.Error(w, "bad request", http.StatusBadRequest)
}

// handleEvents serves POST /slack/events: url_verification, and event
// callbacks, acknowledged at once and answered in the background.
func (b *Bot) handleEvents(w http.ResponseWriter, r *http.Request) {
	defer b.recoverHTTP(w, r)
	body, ok := b.readVerified(w, r)
	if !ok {
		return
	}
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		b.badRequest(w, r, err)
		return
	}
	switch outer.Type {
	case slackevents.URLVerification:
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, outer.Challenge)
		return
	case slackevents.CallbackEvent:
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			// An event type we do not subscribe to: acknowledge, or Slack retries.
			b.log.Debug("slack: event ignored", "err", err)
			break
		}
		retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
		b.onEvent(ev, retry)
	case slackevents.AppRateLimited:
		b.log.Warn("slack: Slack is dropping events for this app (app_rate_limited)")
	}
	w.WriteHeader(http.StatusOK)
}

// handleCommand serves POST /slack/commands: the answer in the response when
// it is ready within the inline budget, else an empty acknowledgement and
// the answer through response_url.
func (b *Bot) handleCommand(w http.ResponseWriter, r *http.Request) {
	defer b.recoverHTTP(w, r)
	form, ok := b.readForm(w, r)
	if !ok {
		return
	}
	cmd := slack.SlashCommand{
		TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), UserID: form.Get("user_id"),
		UserName: form.Get("user_name"), Command: form.Get("command"), Text: form.Get("text"),
		ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"), APIAppID: form.Get("api_app_id"),
	}
	reply, inline := b.command(cmd)
	if !inline {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(reply.response(slack.ResponseTypeEphemeral)); err != nil {
		b.log.Error("slack: write command response", "err", err)
	}
}

// handleInteraction serves POST /slack/interactions (the payload= form):
// acknowledged at once, handled in the background.
func (b *Bot) handleInteraction(w http.ResponseWriter, r *http.Request) {
	defer b.recoverHTTP(w, r)
	form, ok := b.readForm(w, r)
	if !ok {
		return
	}
	var ic slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
		b.badRequest(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
	b.onInteraction(ic)
}

// recoverHTTP turns a panic in a handler into a logged 500.
func (b *Bot) recoverHTTP(w http.ResponseWriter, r *http.Request) {
	if v := recover(); v != nil {
		b.log.Error("slack: panic in handler", "path", r.URL.Path, "panic", v)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}
