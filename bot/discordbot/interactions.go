package discordbot

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/quotebot/quotebot/bot"
)

// MaxInteractionBody caps the body of a request to the interactions
// endpoint, in bytes; a larger one gets 413 before any other check.
const MaxInteractionBody = 64 << 10

// MaxTimestampSkew is how far X-Signature-Timestamp may be from the clock
// before a request is refused as a replay.
const MaxTimestampSkew = 5 * time.Minute

// slashUsage is how the help text writes the command.
const slashUsage = "/ask question:"

var (
	errNoSignature  = errors.New("missing X-Signature-Ed25519 or X-Signature-Timestamp")
	errBadSignature = errors.New("bad signature")
	errStale        = errors.New("timestamp too far from now")
)

// InteractionsHandler serves Discord's Interactions Endpoint URL
// (POST /discord/interactions). Every request's Ed25519 signature over
// X-Signature-Timestamp + body is checked before anything else, and its
// timestamp must be within MaxTimestampSkew of the clock; a failure gets
// 401 and nothing else happens. PING gets PONG; `ask` gets the answer
// (type 4) or, when the answer takes longer than Config.AnswerDeadline, a
// deferral (type 5) and an edit of the original response through the
// webhook endpoints, which need no bot token. Without a public key every
// request gets 401.
func (b *Bot) InteractionsHandler() http.Handler {
	return http.HandlerFunc(b.serveInteraction)
}

func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("discord: panic", "in", "interactions endpoint", "panic", fmt.Sprint(p))
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxInteractionBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			b.observe(EventHTTP, OutcomeTooLarge)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		b.observe(EventHTTP, OutcomeBadRequest)
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	if err := b.verify(r.Header, body); err != nil {
		b.observe(EventHTTP, OutcomeUnauthorized)
		b.log.Debug("discord: refused an interactions request", "reason", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}

	var hi httpInteraction
	if err := json.Unmarshal(body, &hi); err != nil {
		b.observe(EventHTTP, OutcomeBadRequest)
		http.Error(w, "the body is not an interaction", http.StatusBadRequest)
		return
	}
	i := hi.interaction()
	switch i.Type {
	case discordgo.InteractionPing:
		b.observe(EventHTTP, OutcomePong)
		writeJSON(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	case discordgo.InteractionApplicationCommand:
	default:
		b.observe(EventHTTP, OutcomeBadRequest)
		http.Error(w, "unsupported interaction type "+strconv.Itoa(int(i.Type)), http.StatusBadRequest)
		return
	}
	question, private, ok := askOptions(i)
	if !ok {
		b.observe(EventHTTP, OutcomeBadRequest)
		http.Error(w, "unknown command", http.StatusBadRequest)
		return
	}
	if !b.claim("discord:interaction:" + i.ID) {
		b.observe(EventInteraction, OutcomeDuplicate)
		http.Error(w, "interaction already handled", http.StatusConflict)
		return
	}
	if !b.begin() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer b.end()
	b.replyInteraction(i, question, private, func(resp *discordgo.InteractionResponse) error {
		return writeJSON(w, resp)
	})
}

// httpInteraction is what the interactions endpoint reads of a request:
// the fields replyInteraction and askOptions use. Decoding only these takes
// about a quarter of the time of decoding a discordgo.Interaction (whose
// UnmarshalJSON decodes the body twice, member, user, permissions and
// resolved data included): about 25 µs a request, a third of the Ed25519
// check every request needs anyway.
type httpInteraction struct {
	ID        string                    `json:"id"`
	AppID     string                    `json:"application_id"`
	Type      discordgo.InteractionType `json:"type"`
	Token     string                    `json:"token"`
	ChannelID string                    `json:"channel_id"`
	GuildID   string                    `json:"guild_id"`
	Member    *struct {
		User *struct {
			ID string `json:"id"`
		} `json:"user"`
	} `json:"member"`
	User *struct {
		ID string `json:"id"`
	} `json:"user"`
	Data struct {
		Name    string `json:"name"`
		Options []struct {
			Name  string                                 `json:"name"`
			Type  discordgo.ApplicationCommandOptionType `json:"type"`
			Value any                                    `json:"value"`
		} `json:"options"`
	} `json:"data"`
}

// interaction is hi as the discordgo type the gateway delivers, with the
// data of an application command.
func (hi *httpInteraction) interaction() *discordgo.Interaction {
	i := &discordgo.Interaction{ID: hi.ID, AppID: hi.AppID, Type: hi.Type, Token: hi.Token, ChannelID: hi.ChannelID, GuildID: hi.GuildID}
	if hi.Member != nil && hi.Member.User != nil {
		i.Member = &discordgo.Member{User: &discordgo.User{ID: hi.Member.User.ID}}
	}
	if hi.User != nil {
		i.User = &discordgo.User{ID: hi.User.ID}
	}
	if hi.Type == discordgo.InteractionApplicationCommand {
		data := discordgo.ApplicationCommandInteractionData{Name: hi.Data.Name}
		for _, o := range hi.Data.Options {
			data.Options = append(data.Options, &discordgo.ApplicationCommandInteractionDataOption{Name: o.Name, Type: o.Type, Value: o.Value})
		}
		i.Data = data
	}
	return i
}

// verify checks a request's Ed25519 signature and the freshness of its
// timestamp (Unix seconds).
func (b *Bot) verify(h http.Header, body []byte) error {
	sigHex, ts := h.Get("X-Signature-Ed25519"), h.Get("X-Signature-Timestamp")
	if b.publicKey == nil || sigHex == "" || ts == "" {
		return errNoSignature
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errBadSignature
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(ed25519.PublicKey(b.publicKey), msg, sig) {
		return errBadSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errStale
	}
	if skew := b.cfg.Now().Sub(time.Unix(secs, 0)); skew > MaxTimestampSkew || skew < -MaxTimestampSkew {
		return errStale
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(v)
}

// onInteractionCreate answers `ask` interactions arriving over the gateway.
func (b *Bot) onInteractionCreate(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	defer b.recoverPanic("interaction")
	if !b.begin() {
		return
	}
	defer b.end()
	if ic.Interaction == nil || ic.Type != discordgo.InteractionApplicationCommand {
		b.observe(EventInteraction, OutcomeIgnored)
		return
	}
	i := ic.Interaction
	question, private, ok := askOptions(i)
	if !ok {
		b.observe(EventInteraction, OutcomeIgnored)
		return
	}
	if !b.claim("discord:interaction:" + i.ID) {
		b.observe(EventInteraction, OutcomeDuplicate)
		return
	}
	b.replyInteraction(i, question, private, func(resp *discordgo.InteractionResponse) error {
		return b.session.InteractionRespond(i, resp, discordgo.WithContext(b.ctx))
	})
}

// userOf is the id of the user who sent i: its member's in a server, its
// user's in a direct message.
func userOf(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

// askOptions reads the options of an `ask` command, checking their types
// rather than trusting them; ok is false for any other command.
func askOptions(i *discordgo.Interaction) (question string, private, ok bool) {
	data, isCommand := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !isCommand || data.Name != commandName {
		return "", false, false
	}
	for _, o := range data.Options {
		if o == nil {
			continue
		}
		switch o.Name {
		case optionQuestion:
			question, _ = o.Value.(string)
		case optionPrivate:
			private, _ = o.Value.(bool)
		}
	}
	return question, private, true
}

// replyInteraction answers one `ask` interaction. It calls respond exactly
// once: with the answer (type 4) when it is ready within
// Config.AnswerDeadline, else with a deferral (type 5), after which a
// goroutine edits the original response once the answer is ready. Help
// replies and `private: true` answers are ephemeral.
func (b *Bot) replyInteraction(i *discordgo.Interaction, question string, private bool, respond func(*discordgo.InteractionResponse) error) {
	var flags discordgo.MessageFlags
	if private || bot.AsksForHelp(question) {
		flags = discordgo.MessageFlagsEphemeral
	}
	res := b.startAnswer(ask{question: question, usage: slashUsage, user: userOf(i), id: i.ID})
	timer := time.NewTimer(b.cfg.AnswerDeadline)
	defer timer.Stop()
	select {
	case r := <-res:
		err := respond(&discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: r.interactionData(flags),
		})
		if err != nil {
			b.observe(EventInteraction, b.deliveryFailure(err, "interaction response", i.ChannelID))
			return
		}
		b.observe(EventInteraction, r.outcome)
		return
	case <-timer.C:
	}

	err := respond(&discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags},
	})
	if err != nil {
		b.observe(EventInteraction, b.deliveryFailure(err, "interaction deferral", i.ChannelID))
		return
	}
	b.observe(EventInteraction, OutcomeDeferred)
	if !b.begin() {
		return
	}
	go func() {
		defer b.end()
		defer b.recoverPanic("interaction edit")
		r := <-res
		appID := i.AppID
		if appID == "" {
			appID = b.appID
		}
		if _, err := b.session.WebhookMessageEdit(appID, i.Token, "@original", r.webhookEdit(), discordgo.WithContext(b.ctx)); err != nil {
			b.observe(EventInteraction, b.deliveryFailure(err, "edit of the deferred response", i.ChannelID))
			return
		}
		b.observe(EventInteraction, r.outcome)
	}()
}
