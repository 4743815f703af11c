package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCorpus writes files (slash-separated name: content) under a new
// folder and returns it.
func writeCorpus(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mixedCorpus holds one good document and three files quotebot cannot read.
var mixedCorpus = map[string]string{
	"notice.txt":     "Title: Harbour notice\n\nThe northern channel will be dredged in spring.\n\nThe ferry runs hourly.\n",
	"minutes.pdf":    "%PDF-1.7",
	"sub/latin1.txt": "Caf\xe9 au lait.\n",
	"empty.md":       "",
}

// mixedSkipped are the reasons mixedCorpus's files are skipped, in order.
var mixedSkipped = []struct{ path, reason string }{
	{"empty.md", "no paragraphs"},
	{"minutes.pdf", "unsupported format .pdf"},
	{"sub/latin1.txt", "not valid UTF-8"},
}

// TestIndexListsSkipped: index prints each file it skipped as "path:
// reason" on stderr and indexes the rest; with --strict it exits 1 and
// writes no index.
func TestIndexListsSkipped(t *testing.T) {
	dir := writeCorpus(t, mixedCorpus)
	getenv := func(string) string { return "" }
	tests := []struct {
		name      string
		strict    bool
		code      int
		wantIndex bool
	}{
		{name: "lenient", code: 0, wantIndex: true},
		{name: "strict", strict: true, code: 1, wantIndex: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "index")
			args := []string{"index", "--corpus", dir, "--db", db}
			if tt.strict {
				args = append(args, "--strict")
			}
			var out, errOut bytes.Buffer
			code := run(context.Background(), args, nil, &out, &errOut, getenv)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut.String())
			}
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			want := len(mixedSkipped)
			if tt.strict {
				want++ // the error
			}
			if len(lines) != want {
				t.Fatalf("stderr has %d lines, want %d:\n%s", len(lines), want, errOut.String())
			}
			for i, s := range mixedSkipped {
				prefix := filepath.Join(dir, filepath.FromSlash(s.path)) + ": "
				if !strings.HasPrefix(lines[i], prefix) || !strings.Contains(lines[i], s.reason) {
					t.Errorf("stderr line %d = %q, want %q…%s", i, lines[i], prefix, s.reason)
				}
			}
			if tt.strict && !strings.Contains(lines[len(lines)-1], "3 files could not be read (--strict)") {
				t.Errorf("last line %q does not say why it failed", lines[len(lines)-1])
			}
			_, err := os.Stat(db)
			if gotIndex := err == nil; gotIndex != tt.wantIndex {
				t.Errorf("index folder exists: %v, want %v (stdout %q)", gotIndex, tt.wantIndex, out.String())
			}
			if tt.wantIndex && !strings.Contains(out.String(), "indexed 2 passages") {
				t.Errorf("stdout %q, want the 2 passages of notice.txt indexed", out.String())
			}
		})
	}
	if code, help, _ := runCLI(t, "", "index", "--help"); code != 0 || !strings.Contains(help, "-strict") {
		t.Errorf("index --help (exit %d) does not document --strict:\n%s", code, help)
	}
}

// TestAskWarnsOfSkipped: ask answers from the documents that load and warns
// in one line on stderr how many it skipped; when none loads it fails in
// one line that says why.
func TestAskWarnsOfSkipped(t *testing.T) {
	dir := writeCorpus(t, mixedCorpus)
	for _, args := range [][]string{
		{"ask", "--corpus", dir, "when is the channel dredged?"},
		{"ask", "--json", "--corpus", dir, "when is the channel dredged?"},
		{"eval", "--corpus", dir, writeCorpus(t, map[string]string{"set.jsonl": `{"q": "dredged?", "expect": ["dredged"]}` + "\n"}) + "/set.jsonl"},
	} {
		code, out, errOut := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(out, "dredged") && args[0] == "ask" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", args[:2], code, out, errOut)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "warning: 3 files could not be read") {
			t.Errorf("%s: stderr %q, want one warning line naming 3 files", args[:2], errOut)
		}
	}

	none := writeCorpus(t, map[string]string{"minutes.pdf": "%PDF", "notes.txt": "\xff"})
	code, out, errOut := runCLI(t, "", "ask", "--corpus", none, "anything?")
	if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 ||
		!strings.Contains(errOut, "no .txt, .md or .html documents could be read: 2 skipped, the first minutes.pdf: unsupported format") {
		t.Errorf("all unreadable: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// controlCorpus is a document full of terminal escape sequences and bells.
var controlCorpus = map[string]string{
	"alert.txt": "Title: \x1b]0;owned\x07Alert\x1b[0m\nDate: May 1, 2024\x07\n\n" +
		"The \x1b[31mharbour\x1b[0m will be dredged in spring.\x07\x1b[2J\u009b2J\u202e\n",
}

// hasControl reports whether s holds an escape or bell, raw or as a JSON
// escape.
func hasControl(s string) bool {
	return strings.ContainsAny(s, "\x1b\x07\u009b\u202e") || strings.Contains(s, `\u001b`) || strings.Contains(s, `\u0007`)
}

// TestAskDropsControlCharacters: escape sequences and bells in a document
// reach neither the terminal nor the JSON.
func TestAskDropsControlCharacters(t *testing.T) {
	dir := writeCorpus(t, controlCorpus)
	for _, args := range [][]string{
		{"ask", "--corpus", dir, "what will be dredged in spring?"},
		{"ask", "--json", "--corpus", dir, "what will be dredged in spring?"},
	} {
		code, out, errOut := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(out, "dredged in spring") {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", args[:2], code, out, errOut)
		}
		if hasControl(out) || hasControl(errOut) {
			t.Errorf("%s: output holds a control character:\n%q\n%q", args[:2], out, errOut)
		}
	}
}

// TestServeReportsSkipped: serve answers from the documents that load and
// names the skipped files in its log, in /readyz's body and in gauges; when
// no document loads, /readyz is 503 and still names them.
func TestServeReportsSkipped(t *testing.T) {
	files := map[string]string{}
	for k, v := range mixedCorpus {
		files[k] = v
	}
	for k, v := range controlCorpus {
		files[k] = v
	}
	get := func(s *server, path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + s.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	logs := &slackLogs{} // a log buffer safe to read while serve writes it
	s := openServer(t, &server{
		cfg:    engineConfig{Corpus: writeCorpus(t, files), DB: filepath.Join(t.TempDir(), "index"), Embedder: "local"},
		addr:   "127.0.0.1:0",
		logger: slog.New(slog.NewTextHandler(logs, nil)),
		getenv: func(string) string { return "" },
	})

	code, body := get(s, "/readyz")
	lines := strings.Split(body, "\n")
	if code != http.StatusOK || lines[0] != "ready" || len(lines) != 2+len(mixedSkipped) {
		t.Fatalf("/readyz = %d %q, want 200, ready and %d skipped lines", code, body, len(mixedSkipped))
	}
	for i, sk := range mixedSkipped {
		if l := lines[i+1]; !strings.HasPrefix(l, "skipped "+sk.path+": ") || !strings.Contains(l, sk.reason) {
			t.Errorf("/readyz line %d = %q, want skipped %s: …%s", i+1, l, sk.path, sk.reason)
		}
	}
	if _, metrics := get(s, "/metrics"); !strings.Contains(metrics, "\nquotebot_documents_loaded 2\n") || !strings.Contains(metrics, "\nquotebot_documents_skipped 3\n") {
		t.Errorf("metrics lack the document gauges (loaded 2, skipped 3):\n%s", metrics)
	}
	for _, sk := range mixedSkipped {
		if !strings.Contains(logs.String(), `msg="document skipped" path=`+sk.path) {
			t.Errorf("log does not name %s:\n%s", sk.path, logs.String())
		}
	}
	code, body = get(s, "/api/ask?q=when+will+the+harbour+be+dredged")
	if code != http.StatusOK || !strings.Contains(body, "dredged in spring") || hasControl(body) {
		t.Errorf("/api/ask = %d %q, want the alert quoted without control characters", code, body)
	}

	broken := openServer(t, &server{
		cfg:    engineConfig{Corpus: writeCorpus(t, map[string]string{"minutes.pdf": "%PDF"}), DB: filepath.Join(t.TempDir(), "index"), Embedder: "local"},
		addr:   "127.0.0.1:0",
		logger: discardLogger(),
		getenv: func(string) string { return "" },
	})
	code, body = get(broken, "/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "\nskipped minutes.pdf: unsupported format .pdf") {
		t.Errorf("/readyz with no readable document = %d %q, want 503 naming minutes.pdf", code, body)
	}
}

// TestSkippedReportedFromIndex: once the index is built, commands that load
// it without reading the corpus report the skipped files it recorded, and a
// new unreadable file is noticed.
func TestSkippedReportedFromIndex(t *testing.T) {
	dir := writeCorpus(t, mixedCorpus)
	db := filepath.Join(t.TempDir(), "index")
	getenv := func(string) string { return "" }
	cli := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, nil, &out, &errOut, getenv)
		return code, out.String(), errOut.String()
	}
	if code, _, errOut := cli("index", "--corpus", dir, "--db", db); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	code, out, errOut := cli("index", "--corpus", dir, "--db", db)
	if code != 0 || !strings.Contains(out, "up to date") || strings.Count(errOut, "\n") != len(mixedSkipped) || !strings.Contains(errOut, "minutes.pdf: unsupported format") {
		t.Errorf("second index: exit %d, stdout %q, stderr %q; want up to date and the skipped files", code, out, errOut)
	}
	if code, _, errOut := cli("index", "--strict", "--corpus", dir, "--db", db); code != 1 || !strings.Contains(errOut, "(--strict)") {
		t.Errorf("index --strict on an up-to-date index: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := cli("ask", "--corpus", dir, "--db", db, "dredged?"); code != 0 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "warning: 3 files") {
		t.Errorf("ask: exit %d, stderr %q, want one warning line", code, errOut)
	}
	os.WriteFile(filepath.Join(dir, "agenda.docx"), []byte("PK"), 0o644)
	if code, out, errOut := cli("index", "--corpus", dir, "--db", db); code != 0 || strings.Contains(out, "up to date") || !strings.Contains(errOut, "agenda.docx: unsupported format") {
		t.Errorf("index after a new .docx: exit %d, stdout %q, stderr %q; want it noticed", code, out, errOut)
	}
}
