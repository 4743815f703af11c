package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// newTestWatcher watches root (not started) and closes it when the test
// ends.
func newTestWatcher(t *testing.T, root string) *corpusWatcher {
	t.Helper()
	w, err := watchCorpus(root, time.Hour, discardLogger(), func() {})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.fsw.Close() })
	return w
}

// TestWatcherMatters: the changes that make the corpus watcher reload are
// those of files the corpus loader reads or reports, and of folders;
// hidden files, editors' temporary files and attribute changes are not.
func TestWatcherMatters(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"sub", ".git", "..2026_01_01"} {
		if err := os.Mkdir(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(root, "notes.txt")
	if err := os.WriteFile(file, []byte("Notes.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		oneFile bool // the corpus is notes.txt alone
		op      fsnotify.Op
		path    string // under root
		want    bool
	}{
		{"a text file written", false, fsnotify.Write, "notes.txt", true},
		{"a Markdown file created, upper case", false, fsnotify.Create, "sub/GUIDE.MD", true},
		{"an HTML file removed", false, fsnotify.Remove, "page.html", true},
		{"a document renamed away", false, fsnotify.Rename, "old.txt", true},
		{"a PDF, which is reported as skipped", false, fsnotify.Create, "minutes.pdf", true},
		{"an image", false, fsnotify.Create, "logo.png", false},
		{"a hidden document", false, fsnotify.Create, ".draft.txt", false},
		{"vim's swap file", false, fsnotify.Write, ".notes.txt.swp", false},
		{"vim's write test", false, fsnotify.Create, "4913", false},
		{"a backup file", false, fsnotify.Create, "notes.txt~", false},
		{"an Emacs auto-save file", false, fsnotify.Create, "#notes.txt#", false},
		{"attributes changed", false, fsnotify.Chmod, "notes.txt", false},
		{"a folder created", false, fsnotify.Create, "sub", true},
		{"a hidden folder created", false, fsnotify.Create, ".git", false},
		{"a Kubernetes data folder", false, fsnotify.Create, "..2026_01_01", true},
		{"the Kubernetes data link swapped", false, fsnotify.Rename, "..data_tmp", true},
		{"an unknown name without extension removed", false, fsnotify.Remove, "gone", false},
		{"the corpus folder removed", false, fsnotify.Remove, "", true},
		{"one document: it is written", true, fsnotify.Write, "notes.txt", true},
		{"one document: another one in its folder", true, fsnotify.Write, "other.txt", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWatcher(t, root)
			if tt.oneFile {
				w = newTestWatcher(t, file)
			}
			ev := fsnotify.Event{Name: filepath.Join(root, filepath.FromSlash(tt.path)), Op: tt.op}
			if got := w.matters(ev); got != tt.want {
				t.Errorf("matters(%v) = %v, want %v", ev, got, tt.want)
			}
		})
	}

	// A watched folder removed matters although its name has no extension.
	w := newTestWatcher(t, root)
	w.sync()
	if !w.matters(fsnotify.Event{Name: filepath.Join(root, "sub"), Op: fsnotify.Remove}) {
		t.Error("removing a watched folder does not matter")
	}
}

// TestWatcherDebounce runs the watcher on a real folder with the quiet time
// under the test's control: each change that matters (and no other) starts
// a new wait, only the last wait's end reports the burst, once, and
// folders made after the start, nested ones too, are watched.
func TestWatcherDebounce(t *testing.T) {
	root := t.TempDir()
	noticed := make(chan string, 64)
	waits := make(chan chan time.Time, 64)
	changed := make(chan struct{}, 64)
	w, err := watchCorpus(root, time.Hour, discardLogger(), func() { changed <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	w.noticed = func(p string) { noticed <- p }
	w.after = func(d time.Duration) <-chan time.Time {
		if d != time.Hour {
			t.Errorf("wait of %s, want the watcher's debounce", d)
		}
		c := make(chan time.Time, 1)
		waits <- c
		return c
	}
	w.start()
	t.Cleanup(w.Close)
	// write makes a file; one that matters appears at once, by a rename,
	// so it makes one event (writing it in place makes two).
	write := func(name string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		tmp := filepath.Join(filepath.Dir(p), ".tmp-"+filepath.Base(p))
		if err := os.WriteFile(tmp, []byte("Text.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, p); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(name string) chan time.Time {
		t.Helper()
		want := filepath.Join(root, filepath.FromSlash(name))
		if got := receive(t, noticed, "the change of "+name); got != want {
			t.Fatalf("noticed %s, want %s", got, want)
		}
		return receive(t, waits, "the wait after "+name)
	}

	// Ignored names first: the first change noticed is a.txt's.
	write(".a.txt.swp")
	write("a.txt~")
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(".git/HEAD.txt")
	write("a.txt")
	first := expect("a.txt")
	write("b.md")
	second := expect("b.md")
	first <- time.Now() // an old wait ending does not report
	// A folder with a folder in it, moved in at once.
	outside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(outside, "sub", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(outside, "sub"), filepath.Join(root, "sub")); err != nil {
		t.Fatal(err)
	}
	third := expect("sub")
	write("sub/deeper/c.html") // seen only if the new folders are watched
	last := expect("sub/deeper/c.html")
	if len(changed) != 0 {
		t.Fatal("the watcher reported a change before the last wait ended")
	}
	second <- time.Now()
	third <- time.Now()
	last <- time.Now()
	receive(t, changed, "the change reported")

	// One more change, to be sure the burst was reported once.
	write("d.txt")
	expect("d.txt") <- time.Now()
	receive(t, changed, "the second change reported")
	if n := len(changed); n != 0 {
		t.Errorf("%d more changes reported, want none", n)
	}
}
