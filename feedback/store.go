// Package feedback keeps quotebot's record of replies and of the 👍 / 👎
// votes on them in an embedded SQLite database (through the pure-Go driver
// modernc.org/sqlite, so the binary stays static), and builds the gaps
// report from it: what people asked that the documents did not answer well.
//
// A Store implements bot.FeedbackStore. It never keeps a voter's id: only
// an HMAC-SHA256 of it keyed with a random salt made for each database and
// kept in it, so the same voter is recognised within one database (a second
// vote on an answer replaces the first) and nowhere else. Questions are
// kept only when the caller passes them (bot.FeedbackConfig.KeepQuestions),
// until Prune drops the rows older than the retention or Forget erases
// every question text. Deleted content is overwritten (secure_delete), and
// the write-ahead log is truncated after both, so an erased question does
// not linger in the files.
package feedback

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/quotebot/quotebot/bot"
)

// FileName is the database's file name in quotebot's data folder. SQLite
// keeps two more files beside it while it is open, FileName+"-wal" and
// FileName+"-shm".
const FileName = "quotebot-feedback.db"

// schemaVersion is the layout this package reads and writes; it changes
// when the tables do.
const schemaVersion = 1

// busyTimeout is how long, in milliseconds, a statement waits for another
// process (`quotebot gaps --forget` beside `serve`) to release the
// database: writes take milliseconds, so five seconds of waiting means it
// is stuck.
const busyTimeout = 5000

// ErrNewerSchema is returned by Open for a database written by a newer
// quotebot, whose tables this one does not know.
var ErrNewerSchema = errors.New("the feedback database was written by a newer quotebot")

// schema creates the tables. Times are Unix seconds; passages are a JSON
// array of passage ids; question is NULL when it was not kept or has been
// forgotten; up is 1 for 👍 and 0 for 👎.
const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
	id       TEXT PRIMARY KEY,
	at       INTEGER NOT NULL,
	platform TEXT NOT NULL,
	kind     TEXT NOT NULL,
	question TEXT,
	passages TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_at ON answers (at);
CREATE TABLE IF NOT EXISTS votes (
	answer_id TEXT NOT NULL,
	user_hash TEXT NOT NULL,
	up        INTEGER NOT NULL,
	at        INTEGER NOT NULL,
	platform  TEXT NOT NULL,
	kind      TEXT NOT NULL,
	question  TEXT,
	passages  TEXT NOT NULL,
	UNIQUE (answer_id, user_hash)
);
CREATE INDEX IF NOT EXISTS votes_at ON votes (at);
`

// Options configure Open; the zero value means the defaults.
type Options struct {
	// Now is the clock of the times recorded and of Prune; default
	// time.Now.
	Now func() time.Time
	// OnError, when set, is told of a failure to write replies that
	// RecordAnswer had queued; default: none.
	OnError func(error)
}

// Tuning of the writes, with reasons.
const (
	// queueSize is how many replies RecordAnswer queues before it waits
	// for the writer: far more than the answers in flight at once (32 per
	// surface), so answering never waits on the disk.
	queueSize = 1024
	// maxBatch is how many queued replies one transaction writes: one
	// commit per reply costs about as much as the answer itself, one per
	// batch is shared.
	maxBatch = 256
)

// Store is an open feedback database. It is safe for concurrent use.
// Replies are written in the background, in batches (RecordAnswer only
// queues them); every other method first writes what is queued, so it
// sees every reply recorded before it was called.
type Store struct {
	db      *sql.DB
	salt    []byte
	now     func() time.Time
	onError func(error)
	path    string

	mu      sync.RWMutex // guards closed against sends on queue
	closed  bool
	queue   chan queued
	flushes chan chan error
	done    chan struct{}
}

// queued is a reply waiting to be written, with its time.
type queued struct {
	rec bot.AnswerRecord
	at  int64
}

// Open opens the database at path, creating it (and its folder) when it
// does not exist, readable by its owner only, with a new random salt.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("feedback database %s: the path must not contain ? or #", path)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("feedback database: create its folder: %w", err)
	}
	// Made here, so the file and the -wal and -shm files SQLite gives its
	// mode are private to the owner: they hold questions.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("feedback database: %w", err)
	}
	f.Close()
	dsn := path + fmt.Sprintf("?_busy_timeout=%d&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate&_pragma=secure_delete(on)", busyTimeout)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("feedback database %s: %w", path, err)
	}
	// One connection: SQLite has one writer at a time anyway, and a single
	// connection makes the writes of this process queue here instead of
	// failing with SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, now: opts.Now, onError: opts.OnError, path: path,
		queue: make(chan queued, queueSize), flushes: make(chan chan error), done: make(chan struct{})}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("feedback database %s: %w", path, err)
	}
	go s.writeLoop()
	return s, nil
}

// init creates the tables and the salt when they are missing, checks the
// schema version and reads the salt.
func (s *Store) init(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create tables: %w", err)
	}
	var version int
	err = tx.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema'`).Scan(&version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('schema', ?)`, schemaVersion); err != nil {
			return err
		}
	case err != nil:
		return err
	case version > schemaVersion:
		return fmt.Errorf("%w (schema %d; this one reads %d)", ErrNewerSchema, version, schemaVersion)
	}
	salt := make([]byte, 32)
	rand.Read(salt)
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)`, salt); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'salt'`).Scan(&s.salt); err != nil {
		return fmt.Errorf("read the salt: %w", err)
	}
	if len(s.salt) < 16 {
		return errors.New("the salt is missing or too short")
	}
	return tx.Commit()
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close writes the replies queued and closes the database. The Store must
// not be used after.
func (s *Store) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	<-s.done
	return s.db.Close()
}

// errClosed is returned by a Store's methods after Close.
var errClosed = errors.New("the feedback database is closed")

// writeLoop writes queued replies in batches until Close, and answers each
// flush request once what was queued before it is written.
func (s *Store) writeLoop() {
	defer close(s.done)
	for {
		select {
		case q, ok := <-s.queue:
			if !ok {
				return
			}
			batch, open := s.drain([]queued{q}, maxBatch)
			if err := s.writeBatch(batch); err != nil && s.onError != nil {
				s.onError(err)
			}
			if !open {
				return
			}
		case reply := <-s.flushes:
			batch, _ := s.drain(nil, queueSize)
			reply <- s.writeBatch(batch)
		}
	}
}

// drain adds to batch what is queued now, up to max in all, without
// waiting; open is false once the queue is closed and empty.
func (s *Store) drain(batch []queued, max int) (_ []queued, open bool) {
	for len(batch) < max {
		select {
		case q, ok := <-s.queue:
			if !ok {
				return batch, false
			}
			batch = append(batch, q)
		default:
			return batch, true
		}
	}
	return batch, true
}

// writeBatch writes replies in one transaction.
func (s *Store) writeBatch(batch []queued) error {
	if len(batch) == 0 {
		return nil
	}
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record answers: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO answers (id, at, platform, kind, question, passages) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("record answers: %w", err)
	}
	defer stmt.Close()
	for _, q := range batch {
		passages, _ := json.Marshal(nonNil(q.rec.Passages))
		if _, err := stmt.ExecContext(ctx, q.rec.ID, q.at, string(q.rec.Platform), q.rec.Kind.String(), nullable(q.rec.Question), string(passages)); err != nil {
			return fmt.Errorf("record answers: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record answers: %w", err)
	}
	return nil
}

// flush writes the replies queued so far and returns the writer's error.
func (s *Store) flush(ctx context.Context) error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return errClosed
	}
	reply := make(chan error, 1)
	select {
	case s.flushes <- reply:
	case <-s.done:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// userHash is the keyed hash a voter is known by: HMAC-SHA256 of the
// platform and the user id under the database's salt, in hex.
func (s *Store) userHash(p bot.Platform, user string) string {
	mac := hmac.New(sha256.New, s.salt)
	mac.Write([]byte(p))
	mac.Write([]byte{0})
	mac.Write([]byte(user))
	return hex.EncodeToString(mac.Sum(nil))
}

// nullable is s, or NULL when it is empty.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// RecordAnswer queues a reply to be kept, timed now; it waits only when
// queueSize replies are waiting already (until ctx ends). Recording the
// same id again changes nothing. A failure to write it goes to
// Options.OnError.
func (s *Store) RecordAnswer(ctx context.Context, a bot.AnswerRecord) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	select {
	case s.queue <- queued{rec: a, at: s.now().Unix()}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("record answer: %w", ctx.Err())
	}
}

func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

// Vote records v with the answer's question, passages and kind, replacing
// the same voter's earlier vote on that answer; bot.ErrUnknownAnswer when
// the answer is not in the database.
func (s *Store) Vote(ctx context.Context, v bot.Vote) (bot.AnswerRecord, error) {
	if err := s.flush(ctx); err != nil {
		return bot.AnswerRecord{}, fmt.Errorf("record vote: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return bot.AnswerRecord{}, fmt.Errorf("record vote: %w", err)
	}
	defer tx.Rollback()
	rec := bot.AnswerRecord{ID: v.AnswerID}
	var platform, kind, passages string
	var question sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT platform, kind, question, passages FROM answers WHERE id = ?`, v.AnswerID).
		Scan(&platform, &kind, &question, &passages)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, bot.ErrUnknownAnswer
	}
	if err != nil {
		return rec, fmt.Errorf("record vote: find the answer: %w", err)
	}
	rec.Platform, rec.Kind, rec.Question = bot.Platform(platform), kindOf(kind), question.String
	json.Unmarshal([]byte(passages), &rec.Passages)
	_, err = tx.ExecContext(ctx, `INSERT INTO votes (answer_id, user_hash, up, at, platform, kind, question, passages)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (answer_id, user_hash) DO UPDATE SET up = excluded.up, at = excluded.at, platform = excluded.platform`,
		v.AnswerID, s.userHash(v.Platform, v.User), v.Up, s.now().Unix(), string(v.Platform), kind, question, passages)
	if err != nil {
		return rec, fmt.Errorf("record vote: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return rec, fmt.Errorf("record vote: %w", err)
	}
	return rec, nil
}

// kindOf is the Kind named name, 0 for none.
func kindOf(name string) bot.Kind {
	for _, k := range bot.Kinds() {
		if k.String() == name {
			return k
		}
	}
	return 0
}

// Prune deletes the replies and votes recorded more than keep ago, and
// returns how many rows it deleted.
func (s *Store) Prune(ctx context.Context, keep time.Duration) (int64, error) {
	cutoff := s.now().Add(-keep).Unix()
	n, err := s.erase(ctx, `DELETE FROM answers WHERE at < ?`, `DELETE FROM votes WHERE at < ?`, cutoff)
	if err != nil {
		return n, fmt.Errorf("prune: %w", err)
	}
	return n, nil
}

// Forget erases the text of every question kept, and returns how many
// rows held one. The replies and votes stay, without their questions, so
// the gaps report still counts them.
func (s *Store) Forget(ctx context.Context) (int64, error) {
	n, err := s.erase(ctx, `UPDATE answers SET question = NULL WHERE question IS NOT NULL`,
		`UPDATE votes SET question = NULL WHERE question IS NOT NULL`)
	if err != nil {
		return n, fmt.Errorf("forget: %w", err)
	}
	return n, nil
}

// erase runs two statements that remove data in one transaction, then
// truncates the write-ahead log, so what they removed is gone from the
// files too (secure_delete zeroes it in the pages written).
func (s *Store) erase(ctx context.Context, stmt1, stmt2 string, args ...any) (int64, error) {
	if err := s.flush(ctx); err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var total int64
	for _, stmt := range []string{stmt1, stmt2} {
		res, err := tx.ExecContext(ctx, stmt, args...)
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		total += n
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if total > 0 {
		if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return total, fmt.Errorf("checkpoint: %w", err)
		}
	}
	return total, nil
}
