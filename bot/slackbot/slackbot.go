// Package slackbot answers questions in Slack: @mentions in channels (in the
// mention's thread), direct messages, and a slash command whose ephemeral
// answer has a "Share in channel" button. It receives Slack's requests over
// Socket Mode or over HTTP (Events API, slash commands and interactivity,
// each signed with the app's signing secret) and replies with Block Kit
// messages through the Web API.
//
// It is the only package that imports github.com/slack-go/slack.
package slackbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/quotebot/quotebot/bot"
)

// Configuration errors returned by New.
var (
	// ErrNoBotToken means Config.BotToken is empty.
	ErrNoBotToken = errors.New("a bot token (xoxb-…) is required")
	// ErrNoSigningSecret means HTTP mode (no app token) was asked for without
	// a signing secret, so requests could not be verified.
	ErrNoSigningSecret = errors.New("HTTP mode needs the app's signing secret to verify requests (or an app-level token for Socket Mode)")
	// ErrBadAppToken means Config.AppToken is not an app-level token.
	ErrBadAppToken = errors.New("the app-level token must start with xapp-")
	// ErrBadAPIURL means Config.APIURL is not an absolute http(s) URL; the
	// error wrapping it says what is wrong with it.
	ErrBadAPIURL = errors.New("the Web API URL must be an absolute http(s) URL like https://slack.com/api/")
)

// Config configures a Bot. BotToken and Answerer are required, and
// SigningSecret is too in HTTP mode; zero values of the other fields mean the
// defaults documented on each.
type Config struct {
	// BotToken is the bot user's OAuth token (xoxb-…).
	BotToken string
	// AppToken is an app-level token (xapp-…) with connections:write; when
	// set, the Bot uses Socket Mode instead of HTTP routes.
	AppToken string
	// SigningSecret verifies every HTTP request (v0 signatures).
	SigningSecret string
	// APIURL is the Web API base URL; default https://slack.com/api/.
	APIURL string
	// Command is the slash command's name, used in help texts when a
	// request does not say; default "/ask".
	Command string

	// Responder answers the questions: the policy every surface shares
	// (help, limits, timeouts, texts, metrics). When nil, the Bot makes one
	// of its own around Answerer.
	Responder *bot.Responder
	// Answerer answers the questions when Responder is nil.
	Answerer bot.Answerer
	// Top is how many passages an answer quotes; default bot.DefaultTop.
	Top int
	// MaxQuestion is ignored.
	//
	// Deprecated: every surface now refuses a question longer than
	// bot.MaxQuestionLen characters with bot.TooLong (outcome "too_long")
	// instead of cutting it; such a question always fits the value of the
	// "Share in channel" button.
	MaxQuestion int
	// MaxInFlight caps the questions being answered at once, from asking
	// the Answerer to Slack taking the reply (Retry-After waits included);
	// default 32. A mention, direct message or share that finds every slot
	// taken waits up to 10 s for one, then gets bot.Busy where its answer
	// would have gone; at most MaxInFlight questions wait at once, and one
	// that finds the queue full too is dropped and logged. A slash command
	// that finds every slot taken gets bot.Busy at once, in its ephemeral
	// response, since Slack allows it only 3 seconds.
	MaxInFlight int
	// Deduper remembers the events answered, so a redelivered event is
	// answered once; keys start with "slack:". Default: a
	// bot.MemoryDeduper of DedupeTTL and DedupeMax.
	Deduper bot.Deduper

	// Logger receives the Bot's logs; default: none.
	Logger *slog.Logger
	// OnReply, when set, is called once per question with its surface
	// (SurfaceMention, SurfaceDM, SurfaceCommand, SurfaceShare) and
	// outcome: the name of the kind of reply delivered (bot.Kind.String:
	// "answered", "closest", "not_covered", "help", "too_long",
	// "rate_limited", "busy", "error"), OutcomeUndelivered when Slack would
	// not take the reply, or OutcomeDropped when the question got no reply
	// at all because even the queue was full or the Bot stopped while it
	// waited.
	OnReply func(surface, outcome string)
	// OnReject, when set, is called for each request or event dropped:
	// reason "bad_signature", "bad_request" or "duplicate".
	OnReject func(reason string)

	// InlineBudget is how long a slash command waits for its answer before
	// acknowledging and answering through response_url instead; default
	// 2.5s, inside Slack's 3-second window.
	InlineBudget time.Duration
	// AnswerTimeout bounds answering and delivering one question, retries
	// included; default 2 minutes.
	AnswerTimeout time.Duration
	// MaxRetries is how many times a Web API call refused with a rate limit
	// is tried again; default 2.
	MaxRetries int
	// MaxRetryAfter is the longest Retry-After the Bot waits for; a longer
	// one gives up at once; default 30s.
	MaxRetryAfter time.Duration
	// MaxBody caps HTTP request bodies in bytes; default 1 MiB.
	MaxBody int64
	// DedupeTTL is how long the default Deduper remembers an answered
	// event id; default bot.DefaultDedupeTTL (1h).
	DedupeTTL time.Duration
	// DedupeMax bounds how many event ids the default Deduper remembers;
	// default bot.DefaultDedupeMax (50,000).
	DedupeMax int
	// ConnectTimeout is how long Start waits for Socket Mode to connect
	// before returning and letting it keep trying; default 30s.
	ConnectTimeout time.Duration

	// HTTPClient makes the Web API and response_url calls; default a client
	// with a 30s timeout.
	HTTPClient *http.Client
	// Now is the clock for signature timestamps and deduplication; default
	// time.Now.
	Now func() time.Time
	// Sleep waits d, or less when ctx ends first (then it returns ctx's
	// error, and it must return promptly). The Bot waits with it for a
	// Retry-After and, when MaxInFlight questions are being answered, for a
	// free slot. Default: a timer that ctx cancels.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (c *Config) setDefaults() {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.APIURL == "" {
		c.APIURL = slack.APIURL
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	if c.Command == "" {
		c.Command = "/ask"
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = bot.DefaultMaxInFlight
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.OnReply == nil {
		c.OnReply = func(string, string) {}
	}
	if c.OnReject == nil {
		c.OnReject = func(string) {}
	}
	def(&c.InlineBudget, 2500*time.Millisecond)
	def(&c.AnswerTimeout, 2*time.Minute)
	if c.MaxRetries <= 0 {
		c.MaxRetries = 2
	}
	def(&c.MaxRetryAfter, 30*time.Second)
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	def(&c.ConnectTimeout, 30*time.Second)
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = bot.Sleep
	}
}

// Validate reports a configuration the Bot cannot run with.
func (c Config) Validate() error {
	switch {
	case c.BotToken == "":
		return ErrNoBotToken
	case c.Answerer == nil && c.Responder == nil:
		return errors.New("slackbot: Config.Responder and Config.Answerer are nil")
	case c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-"):
		return ErrBadAppToken
	case c.AppToken == "" && c.SigningSecret == "":
		return ErrNoSigningSecret
	}
	if c.APIURL != "" {
		if err := checkAPIURL(c.APIURL); err != nil {
			return err
		}
	}
	return nil
}

// checkAPIURL returns an error wrapping ErrBadAPIURL that says what is
// wrong with raw, or nil when it is an absolute http(s) URL with a host. It
// does not repeat the URL, which may hold credentials.
func checkAPIURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%w; it does not parse as a URL", ErrBadAPIURL)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%w; its scheme is %q", ErrBadAPIURL, u.Scheme)
	case u.Host == "":
		return fmt.Errorf("%w; it has no host", ErrBadAPIURL)
	}
	return nil
}

// Bot is a running Slack integration. Create it with New, call Start, add
// its routes with Routes in HTTP mode, and Stop it.
type Bot struct {
	cfg    Config
	log    *slog.Logger
	api    *slack.Client
	smc    *socketmode.Client
	resp   *bot.Responder
	dedupe bot.Deduper
	gate   *bot.Gate      // bounds the questions in flight (Config.MaxInFlight)
	userID string         // the bot user's id, from auth.test
	self   *regexp.Regexp // the bot's own mention, <@U…> or <@U…|name>

	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
	stop   sync.Once
}

// New checks cfg and returns a Bot that is not started yet.
func New(cfg Config) (*Bot, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	lg := slogLogger{cfg.Logger}
	opts := []slack.Option{
		slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(cfg.HTTPClient),
		slack.OptionLog(lg),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	b := &Bot{
		cfg:    cfg,
		log:    cfg.Logger,
		api:    slack.New(cfg.BotToken, opts...),
		dedupe: cfg.Deduper,
		gate:   bot.NewGate(cfg.MaxInFlight, cfg.Sleep),
	}
	resp, err := bot.ResponderOrNew(cfg.Responder, bot.ResponderConfig{Answerer: cfg.Answerer, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	b.resp = resp
	if b.dedupe == nil {
		b.dedupe = bot.NewMemoryDeduper(cfg.DedupeTTL, cfg.DedupeMax, cfg.Now)
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	if cfg.AppToken != "" {
		b.smc = socketmode.New(b.api, socketmode.OptionLog(lg))
	}
	return b, nil
}

// SocketMode reports whether the Bot receives requests over Socket Mode
// rather than HTTP.
func (b *Bot) SocketMode() bool { return b.smc != nil }

// UserID is the bot user's id, known after Start.
func (b *Bot) UserID() string { return b.userID }

// MaxInFlight is how many questions the Bot answers at once: Config.MaxInFlight
// or its default.
func (b *Bot) MaxInFlight() int { return b.cfg.MaxInFlight }

// Start calls auth.test to check the bot token and learn the bot's user id,
// then, in Socket Mode, connects and waits for the connection (at most
// Config.ConnectTimeout; it keeps trying in the background after that). A
// bad token is an error. Cancelling ctx stops the Bot as Stop does.
func (b *Bot) Start(ctx context.Context) error {
	context.AfterFunc(ctx, b.cancel)
	authCtx, cancel := context.WithTimeout(ctx, b.cfg.HTTPClient.Timeout+time.Second)
	defer cancel()
	auth, err := b.api.AuthTestContext(authCtx)
	if err != nil {
		return fmt.Errorf("slack auth.test: %w", err)
	}
	b.userID = auth.UserID
	b.self = regexp.MustCompile(`<@` + regexp.QuoteMeta(auth.UserID) + `(\|[^>]*)?>`)
	b.log.Info("slack auth ok", "team", auth.Team, "bot_user", auth.UserID, "socket_mode", b.SocketMode())
	if b.smc == nil {
		return nil
	}
	return b.startSocket(ctx)
}

// Stop ends the Socket Mode connection and waits for the questions being
// answered, whose contexts it cancels; questions still waiting for a free
// slot stop waiting, unanswered. It is safe to call more than once.
func (b *Bot) Stop() {
	b.stop.Do(func() {
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		b.cancel()
		b.wg.Wait()
	})
}

// Routes adds the HTTP endpoints to mux in HTTP mode, and nothing in Socket
// Mode: POST /slack/events, POST /slack/commands, POST /slack/interactions.
func (b *Bot) Routes(mux *http.ServeMux) {
	if b.SocketMode() {
		return
	}
	mux.HandleFunc("POST /slack/events", b.handleEvents)
	mux.HandleFunc("POST /slack/commands", b.handleCommand)
	mux.HandleFunc("POST /slack/interactions", b.handleInteraction)
}

// spawn runs fn in a goroutine that Stop waits for, with the Bot's context,
// logging a panic instead of crashing, and reports whether it did: after
// Stop it does nothing and returns false.
func (b *Bot) spawn(what string, fn func(ctx context.Context)) bool {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.log.Warn("slack: dropped work after stop", "what", what)
		return false
	}
	b.wg.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.wg.Done()
		defer b.recoverPanic(what)
		fn(b.ctx)
	}()
	return true
}

// recoverPanic logs a panic with its stack; call it deferred.
func (b *Bot) recoverPanic(what string) {
	if v := recover(); v != nil {
		b.log.Error("slack: panic", "in", what, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	}
}

// slogLogger sends slack-go's debug lines to slog at debug level.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Output(_ int, msg string) error {
	s.l.Debug(strings.TrimSpace(msg), "component", "slack-go")
	return nil
}
