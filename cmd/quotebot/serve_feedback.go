package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/bot"
	"github.com/quotebot/quotebot/feedback"
	"github.com/quotebot/quotebot/retrieval"
)

// Limits of the page's vote form, with reasons.
const (
	// maxVoteForm caps the body of POST /vote: an answer id, a vote and
	// the question (at most 4,000 bytes) fit in it.
	maxVoteForm = 8 << 10
	// voterCookieAge is how long a browser keeps its voter id, so a
	// second vote on the same answer replaces the first.
	voterCookieAge = 365 * 24 * time.Hour
)

// voterCookie names the page's voter cookie: a random id the browser
// votes under; the database keeps only its keyed hash.
const voterCookie = "quotebot_voter"

// openFeedback opens the feedback database beside the index (see
// feedbackConfig), registers the vote counter, starts the daily pruning
// and returns the Feedback every surface records votes with. Close stops
// the pruning and closes the database, after the platforms.
func (s *server) openFeedback(ctx context.Context) (*bot.Feedback, error) {
	cfg, err := loadFeedbackConfig(s.getenv, s.data)
	if err != nil {
		return nil, err
	}
	// Opening takes milliseconds (busy_timeout bounds a wait for a lock);
	// a serve stopped meanwhile still opens, then shuts down as usual.
	store, forgotten, pruned, err := openFeedbackStore(context.WithoutCancel(ctx), cfg, s.cfg.DB, feedback.Options{
		Now:     s.now,
		OnError: func(err error) { s.logger.Error("feedback database: replies not recorded", "err", err) },
	})
	if err != nil {
		return nil, err
	}
	s.store = store
	s.stops = append(s.stops, func() { store.Close() })
	s.logger.Info("feedback database open", "path", store.Path(), "keep_questions", cfg.KeepQuestions,
		"keep_days", cfg.KeepDays, "pruned", pruned, "questions_erased", forgotten)

	votes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "quotebot_votes_total",
		Help: "Votes on replies, by the kind of reply voted on (answered, closest) and vote (up, down).",
	}, []string{"kind", "vote"})
	s.metrics.MustRegister(votes)
	for _, k := range []bot.Kind{bot.KindAnswered, bot.KindClosest} {
		for _, up := range []bool{true, false} {
			votes.WithLabelValues(k.String(), bot.VoteName(up))
		}
	}
	fb, err := bot.NewFeedback(bot.FeedbackConfig{
		Store:         store,
		KeepQuestions: cfg.KeepQuestions,
		OnVote:        func(k bot.Kind, up bool) { votes.WithLabelValues(k.String(), bot.VoteName(up)).Inc() },
		Logger:        s.logger,
	})
	if err != nil {
		return nil, err
	}
	s.keepDays, s.keepQuestions = cfg.KeepDays, cfg.KeepQuestions
	s.startPruning(store, cfg.keep())
	return fb, nil
}

// startPruning drops what is older than keep every pruneEvery (or
// s.pruneEvery) until Close.
func (s *server) startPruning(store *feedback.Store, keep time.Duration) {
	every := s.pruneEvery
	if every <= 0 {
		every = pruneEvery
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			n, err := store.Prune(ctx, keep)
			if err != nil {
				s.logger.Error("feedback database: prune", "err", err)
			} else if n > 0 {
				s.logger.Info("feedback database pruned", "rows", n)
			}
			if s.pruned != nil {
				s.pruned(n)
			}
		}
	})
	s.stops = append(s.stops, func() { cancel(); wg.Wait() })
}

// feedbackRoutes adds POST /vote and GET /gaps to mux, behind the page's
// guard (the token, when one is set).
func (s *server) feedbackRoutes(mux *http.ServeMux) {
	mux.Handle("POST /vote", s.guard.page(s.handleVote))
	mux.Handle("GET /gaps", s.guard.page(s.handleGaps))
}

// voteForm is the page's 👍 / 👎 under a reply people may vote on: a plain
// form, so it works without JavaScript. It is a template of pageTmpl's
// set, which the page calls with the reply.
var voteForm = template.Must(pageTmpl.New("vote").Parse(`{{if .Votable}}<form method="post" action="/vote">` +
	`<input type="hidden" name="answer" value="{{.ID}}"><input type="hidden" name="q" value="{{.Answer.Question}}">` +
	`Did this answer your question? <button name="vote" value="up" aria-label="Helpful">👍 Yes</button> ` +
	`<button name="vote" value="down" aria-label="Not helpful">👎 No</button></form>{{end}}`))

var voteDoneTmpl = template.Must(template.New("voted").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>quotebot</title>
<style>` + pageStyle + `</style></head><body><main>
<h1>quotebot</h1>
<p role="status">{{.Text}}</p>
<p><a href="{{.Back}}">Back to the answer</a></p>
</main></body></html>`))

// handleVote takes the page's vote form: it records the vote under the
// browser's voter cookie (set here on its first vote) and shows the
// voter the thanks, with a link back to the question.
func (s *server) handleVote(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxVoteForm)
	if err := r.ParseForm(); err != nil {
		renderVoteDone(w, http.StatusBadRequest, "That vote could not be read.", "/")
		return
	}
	back := "/"
	if q := r.PostForm.Get("q"); q != "" {
		back += "?" + url.Values{"q": {q}}.Encode()
	}
	vote := r.PostForm.Get("vote")
	if vote != bot.VoteName(true) && vote != bot.VoteName(false) {
		renderVoteDone(w, http.StatusBadRequest, "That vote could not be read.", back)
		return
	}
	text := s.feedback.Vote(r.Context(), bot.Vote{
		AnswerID: r.PostForm.Get("answer"), Up: vote == bot.VoteName(true),
		Platform: bot.PlatformPage, User: voterID(w, r),
	})
	status := http.StatusOK
	switch text {
	case bot.VoteUnknown:
		status = http.StatusNotFound
	case bot.VoteFailed:
		status = http.StatusInternalServerError
	}
	renderVoteDone(w, status, text, back)
}

// voterID is the browser's voter id: its voter cookie, or a new random one
// set on the response.
func voterID(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(voterCookie); err == nil && len(c.Value) == 32 && bot.ValidAnswerID(c.Value) {
		return c.Value
	}
	var b [16]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{
		Name: voterCookie, Value: id, Path: "/", MaxAge: int(voterCookieAge / time.Second),
		HttpOnly: true, Secure: servedOverTLS(r), SameSite: http.SameSiteStrictMode,
	})
	return id
}

func renderVoteDone(w http.ResponseWriter, code int, text, back string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	voteDoneTmpl.Execute(w, struct{ Text, Back string }{text, back})
}

// gapsReport is the gaps report with the retention it covers: the JSON of
// `quotebot gaps --json` and what GET /gaps shows.
type gapsReport struct {
	KeepQuestions bool `json:"keep_questions"`
	KeepDays      int  `json:"keep_days"`
	feedback.Report
}

var gapsTmpl = template.Must(template.New("gaps").Funcs(template.FuncMap{"summary": gapsSummary, "counts": groupCounts, "terms": groupTerms}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Gaps · quotebot</title>
<style>` + pageStyle + `</style></head><body><main>
<h1>What the documents do not answer well</h1>
<p>{{summary .}}</p>
{{range .Groups}}<h2>{{terms .}} — {{.Questions}}</h2>
<p>{{counts .Counts}}</p>
<ul>{{range .Examples}}<li>{{.}}</li>{{end}}</ul>
{{end}}<p><a href="/">Ask a question</a></p>
</main></body></html>`))

// handleGaps serves GET /gaps: the gaps report as a page.
func (s *server) handleGaps(w http.ResponseWriter, r *http.Request) {
	rep, err := s.store.Gaps(r.Context(), retrieval.ContentTerms)
	if err != nil {
		s.logger.Error("gaps report", "request_id", requestID(r.Context()), "err", err)
		http.Error(w, s.answerFailed(r), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	gapsTmpl.Execute(w, gapsReport{KeepQuestions: s.keepQuestions, KeepDays: s.keepDays, Report: rep})
}
