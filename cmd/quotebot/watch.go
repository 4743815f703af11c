package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/quotebot/quotebot/corpus"
)

// reloadDebounce is how long the corpus folder must be quiet after a change
// before serve reloads: saving a file, copying a folder in or checking out a
// branch is a burst of events, and one reload after the burst costs less
// than one per event (a reload reads every file to compute the documents'
// key). Two seconds covers an editor's save (write, rename, chmod) and a
// `cp -r` or `git pull` of a few hundred files on a local disk, and is short
// next to how long people wait for a new document to be answerable.
const reloadDebounce = 2 * time.Second

// corpusWatcher watches the corpus for changes with fsnotify: the folder and
// every subfolder the corpus loader reads (new ones are watched as they
// appear), or, for a corpus of one document, the folder that holds it. It
// calls changed once no change that matters has been seen for debounce.
//
// A change matters when it could change what corpus.Scan reads: a file with a
// document's extension or an unsupported one (which Scan reports as
// skipped) created, written, removed or renamed, or a folder created,
// removed or renamed. Hidden files and folders (a name starting with "."),
// which Scan passes over, do not matter, nor do editors' temporary files
// (`notes.txt~`, `#notes.txt#`, `.notes.txt.swp`, vim's `4913`), whose
// extensions are not a document's, nor attribute changes (fsnotify advises
// against acting on them: indexers and backup tools make many). Names
// starting with ".." do matter: Kubernetes swaps the `..data` link of a
// ConfigMap or Secret volume to update its files.
type corpusWatcher struct {
	fsw    *fsnotify.Watcher
	root   string // the folder watched
	file   string // for a corpus of one document: its path, the only name that matters
	logger *slog.Logger

	debounce time.Duration
	// after starts a wait of d; nil means time.After (tests count and fire
	// the waits themselves).
	after func(d time.Duration) <-chan time.Time
	// noticed, when set, is told the path of each change that matters.
	noticed func(path string)
	changed func()

	mu   sync.Mutex
	dirs map[string]bool // folders watched

	stop chan struct{}
	done chan struct{}
}

// watchCorpus starts watching the corpus at path (a folder, or one
// document) and returns the watcher; Close stops it. A folder that cannot be
// watched (it is missing, or the system's limit on watches is reached) is
// logged and skipped: SIGHUP still reloads.
func watchCorpus(path string, debounce time.Duration, logger *slog.Logger, changed func()) (*corpusWatcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch the corpus: %w", err)
	}
	w := &corpusWatcher{
		fsw: fsw, root: filepath.Clean(path), logger: logger, debounce: debounce, changed: changed,
		dirs: map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{}),
	}
	if fi, err := os.Stat(w.root); err == nil && !fi.IsDir() {
		w.file, w.root = w.root, filepath.Dir(w.root)
	}
	return w, nil
}

// start watches the folders and starts the goroutine that reads the events.
func (w *corpusWatcher) start() {
	w.sync()
	go w.run()
}

// Close stops watching and waits for the watcher's goroutine.
func (w *corpusWatcher) Close() {
	close(w.stop)
	w.fsw.Close()
	<-w.done
}

// sync watches the root folder and the folders under it that are not yet
// watched: at start, and after each reload, so a corpus folder that was
// removed and made again is watched again.
func (w *corpusWatcher) sync() {
	if w.file != "" {
		w.add(w.root)
		return
	}
	w.addTree(w.root)
}

// addTree watches dir and every folder under it that corpus.Scan reads.
// Like corpus.Scan, it follows the root folder when it is a symbolic link
// (watched under the link's name, so that watching it again after the link
// is swapped watches the new folder), and no link below it.
func (w *corpusWatcher) addTree(dir string) {
	walk := dir
	if fi, err := os.Lstat(dir); err == nil && fi.Mode()&fs.ModeSymlink != 0 && dir == w.root {
		walk += string(filepath.Separator)
	}
	err := filepath.WalkDir(walk, func(p string, d fs.DirEntry, err error) error {
		p = filepath.Clean(p)
		if err != nil {
			if p == dir {
				return err
			}
			return nil // corpus.Scan reports an unreadable folder when it reloads
		}
		if !d.IsDir() {
			return nil
		}
		if p != w.root && ignoredName(p) {
			return filepath.SkipDir
		}
		w.add(p)
		return nil
	})
	if err != nil {
		w.logger.Warn("cannot watch the corpus folder for changes; send SIGHUP to reload", "path", dir, "err", err)
	}
}

// add watches one folder.
func (w *corpusWatcher) add(dir string) {
	if err := w.fsw.Add(dir); err != nil {
		if !errors.Is(err, fsnotify.ErrClosed) {
			w.logger.Warn("cannot watch a corpus folder for changes; send SIGHUP to reload after changing it", "path", dir, "err", err)
		}
		return
	}
	w.mu.Lock()
	w.dirs[dir] = true
	w.mu.Unlock()
}

// ignoredName reports whether a name is hidden, so corpus.Scan passes over it
// (but see corpusWatcher about "..").
func ignoredName(path string) bool {
	base := filepath.Base(path)
	return strings.HasPrefix(base, ".") && !strings.HasPrefix(base, "..")
}

// matters reports whether ev could change the documents, and watches the
// folders it created.
func (w *corpusWatcher) matters(ev fsnotify.Event) bool {
	if !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Write) && !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
		return false
	}
	name := filepath.Clean(ev.Name)
	if w.file != "" {
		return name == w.file
	}
	if name == w.root {
		return true // the folder itself was removed or renamed
	}
	if ignoredName(name) {
		return false
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(name); err == nil && fi.IsDir() {
			w.addTree(name)
			return true
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.mu.Lock()
		wasDir := w.dirs[name]
		delete(w.dirs, name)
		w.mu.Unlock()
		if wasDir {
			return true
		}
	}
	if strings.HasPrefix(filepath.Base(name), "..") {
		return true
	}
	ext := strings.ToLower(filepath.Ext(name))
	return slices.Contains(corpus.Extensions, ext) || slices.Contains(corpus.Unsupported, ext)
}

// run reads the events until Close, calling changed once debounce has
// passed since the last change that matters. A lost event (the system's
// queue overflowed) counts as a change.
func (w *corpusWatcher) run() {
	defer close(w.done)
	after := w.after
	if after == nil {
		after = time.After
	}
	var quiet <-chan time.Time
	for {
		select {
		case <-w.stop:
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if w.matters(ev) {
				if w.noticed != nil {
					w.noticed(filepath.Clean(ev.Name))
				}
				quiet = after(w.debounce)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.logger.Warn("watching the corpus folder", "err", err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				quiet = after(w.debounce)
			}
		case <-quiet:
			quiet = nil
			w.changed()
		}
	}
}
