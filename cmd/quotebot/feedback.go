package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/quotebot/quotebot/feedback"
)

// Retention of the feedback database, with reasons.
const (
	// defaultKeepDays is how long replies, votes and their questions are
	// kept: a quarter is long enough to see what people keep asking and
	// short enough that the record does not become an archive of what
	// everyone typed.
	defaultKeepDays = 90
	// maxKeepDays bounds QUOTEBOT_KEEP_DAYS at ten years, so the cutoff
	// stays a sane time.
	maxKeepDays = 3650
	// pruneEvery is how often serve drops what is older than the
	// retention, besides at start.
	pruneEvery = 24 * time.Hour
)

// feedbackConfig is what serve and gaps read for the feedback database.
type feedbackConfig struct {
	// Data is the folder of quotebot's own data (--data, QUOTEBOT_DATA);
	// "" means the folder that holds the index (the parent of --db).
	Data string
	// KeepQuestions (QUOTEBOT_KEEP_QUESTIONS) keeps the text of questions
	// with replies and votes.
	KeepQuestions bool
	// KeepDays (QUOTEBOT_KEEP_DAYS) is how long replies and votes are kept.
	KeepDays int
}

// dataFlag registers --data on fs, defaulting to QUOTEBOT_DATA.
func dataFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("data", getenv("QUOTEBOT_DATA"), "`folder` of the feedback database "+feedback.FileName+" (default: the folder that holds --db) [QUOTEBOT_DATA]")
}

// loadFeedbackConfig reads and checks QUOTEBOT_KEEP_QUESTIONS and
// QUOTEBOT_KEEP_DAYS; data is the --data folder. Its errors name the
// variable.
func loadFeedbackConfig(getenv func(string) string, data string) (feedbackConfig, error) {
	c := feedbackConfig{Data: data, KeepQuestions: true, KeepDays: defaultKeepDays}
	switch v := strings.ToLower(strings.TrimSpace(getenv("QUOTEBOT_KEEP_QUESTIONS"))); v {
	case "", "on", "true", "1", "yes":
	case "off", "false", "0", "no":
		c.KeepQuestions = false
	default:
		return c, fmt.Errorf("QUOTEBOT_KEEP_QUESTIONS=%q: want on or off", v)
	}
	if v := strings.TrimSpace(getenv("QUOTEBOT_KEEP_DAYS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxKeepDays {
			return c, fmt.Errorf("QUOTEBOT_KEEP_DAYS=%q: want a whole number of days from 1 to %d", v, maxKeepDays)
		}
		c.KeepDays = n
	}
	return c, nil
}

// keep is the retention as a duration.
func (c feedbackConfig) keep() time.Duration { return time.Duration(c.KeepDays) * 24 * time.Hour }

// path is the feedback database's file: in the data folder, or beside the
// index folder db.
func (c feedbackConfig) path(db string) string {
	dir := c.Data
	if dir == "" {
		dir = filepath.Dir(filepath.Clean(db))
	}
	return filepath.Join(dir, feedback.FileName)
}

// openFeedbackStore opens the feedback database of c beside the index db
// and applies the policy to what it holds already: with questions off,
// every question kept is erased; what is older than the retention is
// dropped. It returns the store and how many questions and rows it
// erased.
func openFeedbackStore(ctx context.Context, c feedbackConfig, db string, opts feedback.Options) (*feedback.Store, int64, int64, error) {
	store, err := feedback.Open(ctx, c.path(db), opts)
	if err != nil {
		return nil, 0, 0, err
	}
	var forgotten int64
	if !c.KeepQuestions {
		if forgotten, err = store.Forget(ctx); err != nil {
			store.Close()
			return nil, 0, 0, err
		}
	}
	pruned, err := store.Prune(ctx, c.keep())
	if err != nil {
		store.Close()
		return nil, 0, 0, err
	}
	return store, forgotten, pruned, nil
}
