// Package discordbot answers questions in Discord: the `/ask` slash command
// over the gateway or over an HTTP interactions endpoint, and `@bot question`
// mentions and direct messages over the gateway. It is the only package that
// imports discordgo; the answering and the shared rendering come from bot.
package discordbot

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/quotebot/quotebot/bot"
)

// Sentinel errors callers branch on.
var (
	// ErrBadToken is returned by Start when Discord rejects the bot token.
	ErrBadToken = errors.New("discord rejected the bot token")
	// ErrBadPublicKey is returned by New for a public key that is not 64
	// hex digits.
	ErrBadPublicKey = errors.New("the public key must be 64 hex digits (the application's Public Key)")
	// ErrBadAPIURL is returned by New for an API URL that is not an
	// absolute http(s) URL.
	ErrBadAPIURL = errors.New("the API URL must be an absolute http(s) URL like https://discord.com/api/v10/")
	// ErrBadAppID is returned by New for an application id that is not a
	// Discord id (a snowflake: a whole number).
	ErrBadAppID = errors.New("the application id must be a number like 1234567890123456789 (the application's Application ID)")
	// ErrBadShard is returned by New for a shard that is not one of
	// ShardCount: ShardCount must be 0 or more and 0 ≤ ShardID < ShardCount
	// (ShardID 0 when ShardCount is 0).
	ErrBadShard = errors.New("the shard id must be at least 0 and less than the shard count")
)

// DefaultAnswerDeadline is how long an interaction waits for its answer
// before it is deferred, leaving room in Discord's 3-second window for the
// response to travel.
const DefaultAnswerDeadline = 2 * time.Second

// answerTimeout bounds one question; interaction tokens stay valid for 15
// minutes, far longer.
const answerTimeout = 2 * time.Minute

// Intents the gateway session asks for: messages in servers (mentions carry
// their content without the privileged intent) and direct messages. Without
// the Guilds intent no GUILD_CREATE or GUILD_ROLE_* events arrive, so the
// bot's role in each server is read over REST (see roleTTL).
const baseIntents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// Config configures a Bot. Token or PublicKey must be set.
type Config struct {
	// Token is the bot token, with or without the "Bot " prefix. When empty
	// there is no gateway session and no command registration: only the
	// HTTP interactions endpoint works.
	Token string
	// AppID is the application id. When empty it is the token's user id
	// (Start reads it); interactions carry their own, which wins.
	AppID string
	// PublicKey is the application's Ed25519 public key in hex (64 digits);
	// it enables InteractionsHandler.
	PublicKey string
	// GuildID registers the command in this guild only (instant) instead of
	// globally (which may take up to an hour to appear).
	GuildID string
	// APIURL replaces discordgo's REST base URL
	// (https://discord.com/api/v9/), e.g. "https://discord.com/api/v10/" or
	// a proxy. The gateway follows, since its address comes from GET
	// {APIURL}gateway. Empty means discordgo's.
	APIURL string
	// MessageContent asks for the privileged message-content intent, which
	// Discord requires to be enabled for the application too.
	MessageContent bool
	// ShardID and ShardCount split the gateway between processes (Discord
	// requires it past 2,500 servers): this one identifies as shard
	// [ShardID, ShardCount] and receives the events of the servers whose
	// id >> 22 % ShardCount is ShardID, and direct messages on shard 0.
	// ShardCount 0 or 1 means one shard. 0 ≤ ShardID < ShardCount.
	ShardID, ShardCount int
	// AnswerDeadline is how long an `ask` interaction waits for its answer
	// before deferring (type 5) and editing the response later;
	// 0 means DefaultAnswerDeadline. Keep it well under 3 seconds.
	AnswerDeadline time.Duration
	// HandshakeTimeout bounds each gateway handshake, from the dial to
	// READY or RESUMED, in Start and in every reconnect; 0 means
	// DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
	// Logger receives what the bot cannot answer anywhere else; nil
	// discards.
	Logger *slog.Logger
	// Responder answers the questions: the policy every surface shares
	// (help, limits, timeouts, texts, metrics). A question that finds all
	// its answer slots taken waits up to bot.DefaultWait for one. When nil,
	// the Bot makes one of its own around Answerer.
	Responder *bot.Responder
	// Answerer answers the questions when Responder is nil.
	Answerer bot.Answerer
	// Deduper remembers the interactions and messages answered, so one
	// replayed is answered once; keys start with "discord:". Default: a
	// bot.MemoryDeduper with its defaults.
	Deduper bot.Deduper
	// Now is the clock for the signature timestamp check and for the
	// lifetime of the remembered guild roles; nil means time.Now.
	Now func() time.Time
	// Observe, when set, is called once per handled event with its kind
	// (EventInteraction, EventMessage, EventHTTP) and outcome: the name of
	// the kind of reply delivered (bot.Kind.String: "answered", "closest",
	// "not_covered", "help", "too_long", "rate_limited", "busy", "error"),
	// or one of the Outcome constants (OutcomeDeferred, OutcomeDuplicate,
	// OutcomeIgnored, OutcomeForbidden, OutcomeSendFailed, and for
	// EventHTTP OutcomePong, OutcomeUnauthorized, OutcomeTooLarge,
	// OutcomeBadRequest). It must be safe for concurrent use; cmd wires it
	// to Prometheus counters.
	Observe func(kind, outcome string)
}

// Bot is a running Discord integration. Start connects it; Close stops it.
type Bot struct {
	cfg       Config
	log       *slog.Logger
	publicKey []byte
	session   *discordgo.Session
	resp      *bot.Responder
	dedupe    bot.Deduper
	roles     *roleCache

	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	closing bool
	opened  bool
	wg      sync.WaitGroup
	closed  sync.Once

	// connMu guards conn, the gateway connection dialed last.
	connMu sync.Mutex
	conn   *gatewayConn

	// Set by Start from the token's user; read by handlers, which only run
	// after Start has set them.
	appID   string
	userID  string
	botName string
}

// New checks cfg and builds a Bot; it makes no network call.
func New(cfg Config) (*Bot, error) {
	if cfg.Answerer == nil && cfg.Responder == nil {
		return nil, errors.New("discordbot: no Responder or Answerer")
	}
	cfg.Token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.Token), "Bot "))
	if cfg.Token == "" && cfg.PublicKey == "" {
		return nil, errors.New("discordbot: need a bot token or a public key")
	}
	if cfg.AnswerDeadline <= 0 {
		cfg.AnswerDeadline = DefaultAnswerDeadline
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b := &Bot{
		cfg: cfg, log: cfg.Logger, appID: cfg.AppID,
		dedupe: cfg.Deduper,
		roles:  newRoleCache(roleCacheCapacity, cfg.Now),
	}
	resp, err := bot.ResponderOrNew(cfg.Responder, bot.ResponderConfig{Answerer: cfg.Answerer, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	b.resp = resp
	if b.dedupe == nil {
		b.dedupe = bot.NewMemoryDeduper(0, 0, cfg.Now)
	}
	if cfg.AppID != "" {
		if _, err := strconv.ParseUint(cfg.AppID, 10, 64); err != nil {
			return nil, fmt.Errorf("%w, not %q", ErrBadAppID, cfg.AppID)
		}
	}
	if cfg.ShardCount < 0 || cfg.ShardID < 0 || (cfg.ShardCount > 0 && cfg.ShardID >= cfg.ShardCount) || (cfg.ShardCount == 0 && cfg.ShardID != 0) {
		return nil, fmt.Errorf("%w: shard %d of %d", ErrBadShard, cfg.ShardID, cfg.ShardCount)
	}
	if cfg.PublicKey != "" {
		key, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
		if err != nil || len(key) != 32 {
			return nil, ErrBadPublicKey
		}
		b.publicKey = key
	}

	token := ""
	if cfg.Token != "" {
		token = "Bot " + cfg.Token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discordbot: %w", err)
	}
	transport := http.DefaultTransport
	if cfg.APIURL != "" {
		rt, err := newRewriteTransport(cfg.APIURL, transport)
		if err != nil {
			return nil, err
		}
		transport = rt
	}
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: transport}
	s.StateEnabled = false
	// discordgo sends the shard in IDENTIFY when ShardCount > 1.
	s.ShardID, s.ShardCount = cfg.ShardID, cfg.ShardCount
	s.Identify.Intents = baseIntents
	if cfg.MessageContent {
		s.Identify.Intents |= discordgo.IntentMessageContent
	}
	b.session = s
	b.ctx, b.cancel = context.WithCancel(context.Background())
	s.Dialer = b.gatewayDialer(s.Dialer, cfg.HandshakeTimeout)
	context.AfterFunc(b.ctx, b.abortHandshake)
	return b, nil
}

// Start checks the token (GET /users/@me), registers the `ask` command with
// a bulk overwrite (in Config.GuildID, or globally) and opens the gateway
// session. Without a token it does nothing but tie the bot's work to ctx.
// The gateway must complete its handshake within Config.HandshakeTimeout,
// or Start returns ErrHandshakeTimeout; cancelling ctx meanwhile makes it
// return at once with an error wrapping ctx.Err(). Cancelling ctx later
// cancels answers in flight and keeps the gateway from reconnecting; Close
// must still be called.
func (b *Bot) Start(ctx context.Context) error {
	context.AfterFunc(ctx, b.cancel)
	if b.cfg.Token == "" {
		b.log.Info("discord: no bot token, so no gateway and no command registration; HTTP interactions only")
		return nil
	}
	opt := discordgo.WithContext(ctx)
	me, err := b.session.User("@me", opt)
	if err != nil {
		var rerr *discordgo.RESTError
		if errors.As(err, &rerr) && rerr.Response != nil && rerr.Response.StatusCode == http.StatusUnauthorized {
			return fmt.Errorf("%w (401 from GET /users/@me): use the token from the Bot page of the application", ErrBadToken)
		}
		return fmt.Errorf("discordbot: check the token with GET /users/@me: %w", err)
	}
	b.userID, b.botName = me.ID, me.Username
	if b.appID == "" {
		b.appID = me.ID
	}

	if _, err := b.session.ApplicationCommandBulkOverwrite(b.appID, b.cfg.GuildID, commands(), opt); err != nil {
		where := "globally"
		if b.cfg.GuildID != "" {
			where = "in guild " + b.cfg.GuildID
		}
		return fmt.Errorf("discordbot: register the ask command %s for application %s: %w", where, b.appID, err)
	}

	b.session.AddHandler(b.onInteractionCreate)
	b.session.AddHandler(b.onMessageCreate)
	b.session.AddHandler(b.onConnect)
	if err := b.session.Open(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("discordbot: open the gateway: %w", ctx.Err())
		}
		return b.handshakeError(err)
	}
	b.mu.Lock()
	b.opened = true
	b.mu.Unlock()
	b.endHandshake()
	if ctx.Err() != nil {
		return fmt.Errorf("discordbot: open the gateway: %w", ctx.Err())
	}
	b.log.Info("discord: connected", "user", me.Username, "app_id", b.appID, "guild_id", b.cfg.GuildID)
	return nil
}

// Close stops answering, closes the gateway session and waits for the
// handlers in flight. It is safe to call more than once.
func (b *Bot) Close() {
	b.closed.Do(func() {
		b.mu.Lock()
		b.closing = true
		opened := b.opened
		b.mu.Unlock()
		b.cancel()
		if opened {
			if err := b.session.Close(); err != nil {
				b.log.Warn("discord: close the gateway", "err", err)
			}
		}
		b.wg.Wait()
	})
}

// begin registers a unit of work; it reports false once Close has begun.
// Every begin that returns true is paired with an end.
func (b *Bot) begin() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.wg.Add(1)
	return true
}

func (b *Bot) end() { b.wg.Done() }

func (b *Bot) observe(kind, outcome string) {
	if b.cfg.Observe != nil {
		b.cfg.Observe(kind, outcome)
	}
}

// recoverPanic turns a panic in a handler into a log line.
func (b *Bot) recoverPanic(where string) {
	if r := recover(); r != nil {
		b.log.Error("discord: panic", "in", where, "panic", fmt.Sprint(r))
	}
}

// commands is the bulk-overwrite payload: the one `ask` command.
func commands() []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{{
		Name:        commandName,
		Type:        discordgo.ChatApplicationCommand,
		Description: "Ask a question about the documents; the answer quotes them",
		Options: []*discordgo.ApplicationCommandOption{
			{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        optionQuestion,
				Description: "What do you want to know? (\"help\" shows what the documents cover)",
				Required:    true,
				MaxLength:   maxQuestion,
			},
			{
				Type:        discordgo.ApplicationCommandOptionBoolean,
				Name:        optionPrivate,
				Description: "Only you see the answer",
			},
		},
	}}
}

const (
	commandName    = "ask"
	optionQuestion = "question"
	optionPrivate  = "private"
	// maxQuestion is the question option's max_length, which Discord's
	// clients enforce: the limit of every surface.
	maxQuestion = bot.MaxQuestionLen
)

// rewriteTransport moves discordgo's REST calls from its built-in base URL
// to another one without touching discordgo's package-level Endpoint*
// variables, so each Bot (and each test) can have its own.
type rewriteTransport struct {
	from string
	to   string
	next http.RoundTripper
}

func newRewriteTransport(apiURL string, next http.RoundTripper) (*rewriteTransport, error) {
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q", ErrBadAPIURL, apiURL)
	}
	to := u.String()
	if !strings.HasSuffix(to, "/") {
		to += "/"
	}
	return &rewriteTransport{from: discordgo.EndpointAPI, to: to, next: next}, nil
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := req.URL.String()
	if !strings.HasPrefix(s, t.from) {
		return t.next.RoundTrip(req)
	}
	u, err := url.Parse(t.to + strings.TrimPrefix(s, t.from))
	if err != nil {
		return nil, fmt.Errorf("rewrite %s: %w", s, err)
	}
	r := req.Clone(req.Context())
	r.URL = u
	r.Host = u.Host
	return t.next.RoundTrip(r)
}
