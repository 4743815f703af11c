package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotebot/quotebot/retrieval"
)

// How serve reloads the documents without a restart:
//   - SIGHUP (runServe's notifyHangup), or a change in the corpus folder
//     once it has been quiet for reloadDebounce (watch.go), asks the
//     reloader for a reload;
//   - the reloader runs one load at a time, on one goroutine: the first at
//     start, then one per batch of requests (requests made while a load
//     runs are merged into one more load after it);
//   - a reload reads every file to compute the documents' key and stops
//     there when it is the key of the engine serving ("unchanged");
//     otherwise it opens the index as serve does at start, re-analyzing and
//     embedding only the passages it has not seen, and swaps the new
//     engine in (lazyAnswerer.set): questions in flight finish on the old
//     engine, the next ones use the new;
//   - files that cannot be read are skipped and reported as at start (the
//     log, /readyz, quotebot_documents_skipped); a reload that fails
//     entirely (the folder is gone, no document can be read) keeps the old
//     engine and logs why;
//   - each reload is logged with what changed and counted in
//     quotebot_reloads_total{result}.
// The built-in statement cannot change: SIGHUP then logs "nothing to
// reload" and counts an unchanged reload.

// The results of a reload, the result label of quotebot_reloads_total.
const (
	// reloadReloaded: a new engine was swapped in.
	reloadReloaded = "reloaded"
	// reloadUnchanged: the documents were as the engine serving had them.
	reloadUnchanged = "unchanged"
	// reloadFailed: no engine could be opened; the old one still serves.
	reloadFailed = "failed"
)

// maxLoggedDocs is how many documents' IDs a reload's log line names; the
// counts are always whole.
const maxLoggedDocs = 10

// reloadOutcome is what one reload did.
type reloadOutcome struct {
	// Reasons are what asked for it ("SIGHUP", "files changed"), in the
	// order they first came.
	Reasons []string
	// Result is reloadReloaded, reloadUnchanged or reloadFailed.
	Result string
	// Err is why the reload failed.
	Err error
	// Added, Removed and Changed are the IDs of the documents the new
	// engine has and the old one had not, the old one had and the new has
	// not, and both have but read differently; sorted.
	Added, Removed, Changed []string
	// Stats says how the new engine was opened (passages embedded, reused).
	Stats    retrieval.Stats
	Duration time.Duration
}

// reloadMetrics counts reloads and says when the engine serving was loaded.
type reloadMetrics struct {
	reloads  *prometheus.CounterVec
	loadedAt prometheus.Gauge
}

func newReloadMetrics(reg prometheus.Registerer) *reloadMetrics {
	m := &reloadMetrics{
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quotebot_reloads_total",
			Help: "Reloads of the documents asked for by SIGHUP or a change in the corpus folder, by result: reloaded (a new index serves), unchanged (the documents had not changed), failed (the previous index still serves; the log says why).",
		}, []string{"result"}),
		loadedAt: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "quotebot_index_loaded_timestamp_seconds",
			Help: "When the index serving now was loaded, in seconds since the Unix epoch; 0 until the first load.",
		}),
	}
	reg.MustRegister(m.reloads, m.loadedAt)
	for _, r := range []string{reloadReloaded, reloadUnchanged, reloadFailed} {
		m.reloads.WithLabelValues(r)
	}
	return m
}

// reloader loads the index into engine at start and on request, one load
// at a time.
type reloader struct {
	cfg     engineConfig
	engine  *lazyAnswerer
	docs    *corpusReport
	logger  *slog.Logger
	metrics *reloadMetrics
	now     func() time.Time
	// watcher, when set, watches the corpus folder; after each reload it
	// watches the folders again, in case the folder was made anew.
	watcher *corpusWatcher
	// done, when set, is told each reload's outcome (not the first load's).
	done func(reloadOutcome)

	mu      sync.Mutex
	reasons []string
	wake    chan struct{} // holds one value while reasons is not empty

	// key and digests are those of the engine serving: its documents' key
	// (engineSource) and DocDigests, computed at the first reload.
	key     string
	digests map[string]uint64
}

// request asks for a reload; requests made while one runs are merged into
// the next.
func (r *reloader) request(reason string) {
	r.mu.Lock()
	if !slices.Contains(r.reasons, reason) {
		r.reasons = append(r.reasons, reason)
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// take returns the reasons asked for since the last take.
func (r *reloader) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	reasons := r.reasons
	r.reasons = nil
	return reasons
}

// run loads the index, then reloads it on each request or signal on hangup
// until ctx ends.
func (r *reloader) run(ctx context.Context, hangup <-chan os.Signal) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sig := <-hangup:
				r.request(signalName(sig))
			}
		}
	}()
	r.loadFirst(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
		reasons := r.take()
		if len(reasons) == 0 {
			continue
		}
		out, ok := r.reload(ctx, reasons)
		if !ok {
			return // serve is stopping
		}
		r.metrics.reloads.WithLabelValues(out.Result).Inc()
		if r.watcher != nil {
			r.watcher.sync()
		}
		if r.done != nil {
			r.done(out)
		}
	}
}

// signalName is "SIGHUP" for SIGHUP, else the signal's description.
func signalName(sig os.Signal) string {
	if sig == syscall.SIGHUP {
		return "SIGHUP"
	}
	return sig.String()
}

// loadFirst opens the index at start: serve answers once it has.
func (r *reloader) loadFirst(ctx context.Context) {
	cfg := r.cfg
	cfg.onLoad = r.docs.record(r.logger)
	cfg.progress = newProgressLogger(r.logger).callback()
	cfg.onFallback = r.warnFallback
	eng, key, err := openEngineKeyed(ctx, cfg)
	if err != nil {
		r.logger.Error("load index", "err", err)
	} else {
		r.key = key
		r.metrics.loadedAt.Set(float64(r.now().UnixNano()) / 1e9)
		st := eng.Stats()
		r.logger.Info("index ready", "passages", eng.Len(), "loaded", st.Loaded, "embedded", st.Embedded, "reused", st.Reused, "reason", st.Reason)
		if !eng.Calibrated() {
			r.logger.Warn("the answer thresholds are the built-in embedder's, not fitted for this one; run quotebot calibrate --save to fit them", "embedder", eng.EmbedderID())
		}
	}
	// Set last: whoever waits for the first load (readiness, tests) then
	// finds its log lines written.
	r.engine.set(eng, err)
}

// warnFallback logs that questions were answered without the embedder,
// which failed; retrieval calls it at most once a minute.
func (r *reloader) warnFallback(err error) {
	r.logger.Warn("the embedder failed; answering from the lexical and coverage signals", "err", err)
}

// reload opens the index of the documents as they are now and swaps it in,
// unless they have not changed; ok is false when ctx ended it.
func (r *reloader) reload(ctx context.Context, reasons []string) (out reloadOutcome, ok bool) {
	start := r.now()
	out.Reasons = reasons
	why := strings.Join(reasons, ", ")
	if r.cfg.Corpus == "" {
		out.Result = reloadUnchanged
		r.logger.Info("nothing to reload: the corpus is the built-in statement (set QUOTEBOT_CORPUS to reload a folder of documents)", "reason", why)
		return out, true
	}
	cur := r.engine.current()
	serving := cur != nil && cur.eng != nil
	if serving && r.key != "" && engineSource(r.cfg).Key == r.key {
		out.Result, out.Duration = reloadUnchanged, r.now().Sub(start)
		r.logger.Info("reload: the documents have not changed", "reason", why, "duration", out.Duration)
		return out, true
	}

	var seen *scanned
	cfg := r.cfg
	cfg.onLoad = func(s scanned) error { seen = &s; return nil }
	cfg.progress = newProgressLogger(r.logger).callback()
	cfg.onFallback = r.warnFallback
	eng, key, err := openEngineKeyed(ctx, cfg)
	out.Duration = r.now().Sub(start)
	if ctx.Err() != nil {
		return out, false
	}
	if err != nil {
		out.Result, out.Err = reloadFailed, err
		if serving {
			r.logger.Error("reload failed; still answering from the documents loaded before", "reason", why, "err", err, "duration", out.Duration)
		} else {
			r.engine.set(nil, err)
			r.logger.Error("reload failed", "reason", why, "err", err, "duration", out.Duration)
		}
		return out, true
	}

	old := r.digests
	if old == nil && serving {
		old = cur.eng.DocDigests()
	}
	digests := eng.DocDigests()
	out.Added, out.Removed, out.Changed = diffDigests(old, digests)
	out.Stats, out.Result = eng.Stats(), reloadReloaded
	r.engine.set(eng, nil)
	r.key, r.digests = key, digests
	r.metrics.loadedAt.Set(float64(r.now().UnixNano()) / 1e9)
	if seen != nil {
		r.docs.record(r.logger)(*seen)
	}
	r.logger.Info("index reloaded", "reason", why,
		"added", len(out.Added), "removed", len(out.Removed), "changed", len(out.Changed),
		"documents", describeChanges(out.Added, out.Removed, out.Changed),
		"passages", eng.Len(), "embedded", out.Stats.Embedded, "reused", out.Stats.Reused,
		"analyzed", out.Stats.Analyzed, "rebuilt", out.Stats.Reason, "duration", out.Duration)
	return out, true
}

// diffDigests names the documents added to, removed from and changed
// between two engines' DocDigests, each sorted.
func diffDigests(old, next map[string]uint64) (added, removed, changed []string) {
	for id, d := range next {
		switch od, had := old[id]; {
		case !had:
			added = append(added, id)
		case od != d:
			changed = append(changed, id)
		}
	}
	for id := range old {
		if _, ok := next[id]; !ok {
			removed = append(removed, id)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	slices.Sort(changed)
	return added, removed, changed
}

// describeChanges lists changed documents for the log: "+id" added, "-id"
// removed, "~id" changed, at most maxLoggedDocs of them, then how many more.
func describeChanges(added, removed, changed []string) string {
	var parts []string
	for _, g := range []struct {
		mark string
		ids  []string
	}{{"+", added}, {"-", removed}, {"~", changed}} {
		for _, id := range g.ids {
			parts = append(parts, g.mark+id)
		}
	}
	if n := len(parts) - maxLoggedDocs; n > 0 {
		parts = append(parts[:maxLoggedDocs], fmt.Sprintf("and %d more", n))
	}
	return strings.Join(parts, ", ")
}

// startLoading starts the loader of s's index, the reloader, with its
// triggers: the signals on s.hangup, and, for a corpus folder or file,
// the corpus watcher. cancel ends ctx; the returned function stops them
// all and waits for them, so nothing writes to the index folder once serve
// has returned.
func (s *server) startLoading(ctx context.Context, cancel context.CancelFunc) (stop func()) {
	now := s.now
	if now == nil {
		now = time.Now
	}
	r := &reloader{
		cfg: s.cfg, engine: s.engine, docs: s.docs, logger: s.logger,
		metrics: newReloadMetrics(s.metrics), now: now, done: s.onReload,
		wake: make(chan struct{}, 1),
	}
	s.reloads = r
	if s.cfg.Corpus != "" {
		debounce := s.debounce
		if debounce <= 0 {
			debounce = reloadDebounce
		}
		w, err := watchCorpus(s.cfg.Corpus, debounce, s.logger, func() { r.request("files changed") })
		if err != nil {
			s.logger.Warn("the corpus folder is not watched; send SIGHUP to reload after changing it", "err", err)
		} else {
			r.watcher = w
			w.start()
		}
	}
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		r.run(ctx, s.hangup)
	}()
	return func() {
		cancel()
		<-loaded
		if r.watcher != nil {
			r.watcher.Close()
		}
	}
}

// notifyHangup delivers SIGHUP on the returned channel instead of letting
// it end the process, until stop is called.
func notifyHangup() (hangup <-chan os.Signal, stop func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP)
	return c, func() { signal.Stop(c) }
}
