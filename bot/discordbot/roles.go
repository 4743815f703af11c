package discordbot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Every bot in a server has a managed role named like the bot, and the
// client's `@quotebot` autocomplete often inserts that role's mention
// (<@&ROLE_ID>) rather than the bot user's (<@BOT_ID>). The bot treats a
// mention of its own managed role as a mention of itself; these limits
// bound what it remembers about those roles.
//
// The role of a guild could be tracked from GUILD_CREATE and
// GUILD_ROLE_CREATE/UPDATE/DELETE, but those events need the Guilds intent,
// which baseIntents does not ask for, so they never arrive. Instead the
// roles are read over REST when a message first needs them, and each
// answer is kept for roleTTL, so a role deleted and re-created (when the
// bot is removed and invited again) is picked up within that time.
const (
	// roleCacheCapacity bounds the guilds whose role is remembered.
	roleCacheCapacity = 4096
	// roleTTL is how long a guild's role (or its absence) is trusted.
	roleTTL = time.Hour
	// roleFailureTTL is how long a failed lookup is remembered, so a guild
	// whose lookup fails costs one call and one log line per period rather
	// than one per message.
	roleFailureTTL = 30 * time.Second
)

// mentionedBotRole returns the id of the bot's managed role in m's guild
// when m mentions that role, and "" otherwise. It costs a REST call (once
// per guild and roleTTL) only for a message that mentions some role; a
// failed lookup is logged and counts as no mention.
func (b *Bot) mentionedBotRole(m *discordgo.Message) string {
	if m.GuildID == "" || len(m.MentionRoles) == 0 {
		return ""
	}
	roleID, err := b.roles.get(b.ctx, m.GuildID, b.lookupBotRole)
	if err != nil || roleID == "" || !slices.Contains(m.MentionRoles, roleID) {
		return ""
	}
	return roleID
}

// lookupBotRole fetches the bot's managed role in a guild, logging a
// failure (once per lookup, not per message that waited for it) unless the
// bot is shutting down.
func (b *Bot) lookupBotRole(ctx context.Context, guildID string) (string, error) {
	roleID, err := b.fetchBotRole(ctx, guildID)
	if err != nil && ctx.Err() == nil {
		b.log.Warn("discord: cannot read the server's roles, so a mention of the bot's role is ignored",
			"guild_id", guildID, "err", err)
	}
	return roleID, err
}

// guildRole is the part of Discord's role object the lookup needs.
// discordgo v0.29.0's Role has no tags, so Session.GuildRoles cannot tell
// which bot a managed role belongs to; the same request is made through
// Session.RequestWithBucketID (same endpoint and rate-limit bucket) and
// decoded here.
type guildRole struct {
	ID   string `json:"id"`
	Tags *struct {
		BotID string `json:"bot_id"`
	} `json:"tags"`
}

// fetchBotRole lists a guild's roles (GET /guilds/{id}/roles) and returns
// the id of the one managed for this bot, or "" when there is none.
func (b *Bot) fetchBotRole(ctx context.Context, guildID string) (string, error) {
	endpoint := discordgo.EndpointGuildRoles(guildID)
	body, err := b.session.RequestWithBucketID(http.MethodGet, endpoint, nil, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("list the roles of guild %s: %w", guildID, err)
	}
	var roles []guildRole
	if err := json.Unmarshal(body, &roles); err != nil {
		return "", fmt.Errorf("decode the roles of guild %s: %w", guildID, err)
	}
	return botRoleOf(roles, b.userID), nil
}

// botRoleOf returns the id of the role whose tags name botID as its bot,
// or "" when there is none.
func botRoleOf(roles []guildRole, botID string) string {
	for _, r := range roles {
		if r.Tags != nil && r.Tags.BotID == botID && botID != "" {
			return r.ID
		}
	}
	return ""
}

// roleFetcher looks up the bot's role in a guild: its id, or "" when the
// guild has none.
type roleFetcher func(ctx context.Context, guildID string) (string, error)

// roleCache remembers the bot's role per guild: a found role and "no role"
// for roleTTL, a failure for roleFailureTTL. Concurrent lookups of one
// guild share a single fetch. It holds at most capacity guilds, dropping
// expired entries first and then arbitrary ones. It is safe for concurrent
// use.
type roleCache struct {
	capacity int
	now      func() time.Time

	mu      sync.Mutex
	entries map[string]*roleEntry
}

// roleEntry is one guild's lookup, finished or in flight.
type roleEntry struct {
	ready chan struct{} // closed when the lookup has finished

	// Set before ready is closed; read after it.
	roleID string
	err    error

	// Guarded by roleCache.mu.
	done    bool
	expires time.Time
}

func newRoleCache(capacity int, now func() time.Time) *roleCache {
	return &roleCache{capacity: capacity, now: now, entries: make(map[string]*roleEntry)}
}

// get returns the bot's role in guildID from the cache, or from fetch when
// there is no live entry. It returns early with an error when ctx ends
// while another caller's fetch is in flight.
func (c *roleCache) get(ctx context.Context, guildID string, fetch roleFetcher) (string, error) {
	e, owner := c.entry(guildID)
	if owner {
		c.fill(ctx, guildID, e, fetch)
	}
	select {
	case <-e.ready:
		return e.roleID, e.err
	case <-ctx.Done():
		return "", fmt.Errorf("wait for the roles of guild %s: %w", guildID, ctx.Err())
	}
}

// entry returns guildID's live entry, or a new one that the caller (owner)
// must fill.
func (c *roleCache) entry(guildID string) (e *roleEntry, owner bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[guildID]; ok {
		if !e.done || c.now().Before(e.expires) {
			return e, false
		}
		delete(c.entries, guildID)
	}
	c.makeRoom()
	e = &roleEntry{ready: make(chan struct{})}
	c.entries[guildID] = e
	return e, true
}

// makeRoom drops entries until one more fits: the expired ones, then
// arbitrary ones (a dropped lookup in flight still reaches its waiters).
// c.mu must be held.
func (c *roleCache) makeRoom() {
	if len(c.entries) < c.capacity {
		return
	}
	now := c.now()
	for id, e := range c.entries {
		if e.done && !now.Before(e.expires) {
			delete(c.entries, id)
		}
	}
	for id := range c.entries {
		if len(c.entries) < c.capacity {
			return
		}
		delete(c.entries, id)
	}
}

// fill runs fetch for e and finishes e with its result. A panic in fetch
// finishes e with an error, so that the waiters are released and the guild
// is looked up again later, and then carries on up to the caller's
// recovery (the handler's recoverPanic logs it).
func (c *roleCache) fill(ctx context.Context, guildID string, e *roleEntry, fetch roleFetcher) {
	var roleID string
	var err error
	defer func() {
		p := recover()
		if p != nil {
			roleID, err = "", fmt.Errorf("look up the roles of guild %s: panic: %v", guildID, p)
		}
		c.finish(e, roleID, err)
		if p != nil {
			panic(p)
		}
	}()
	roleID, err = fetch(ctx, guildID)
}

// finish records a lookup's result with its lifetime and releases the
// waiters.
func (c *roleCache) finish(e *roleEntry, roleID string, err error) {
	ttl := roleTTL
	if err != nil {
		ttl = roleFailureTTL
	}
	e.roleID, e.err = roleID, err
	c.mu.Lock()
	e.done, e.expires = true, c.now().Add(ttl)
	c.mu.Unlock()
	close(e.ready)
}
