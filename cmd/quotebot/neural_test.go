package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotebot/quotebot/internal/fakeembed"
)

// runWithEnv runs a command line with env as its environment.
func runWithEnv(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

// TestCalibrateSaveWithOllama runs the README's steps against a fake
// Ollama: before calibrating, ask hints at `calibrate --save` and eval -v
// says the defaults are in force; calibrate --save stores the thresholds
// with the index for this embedder; then ask no longer hints, eval -v names
// them, and calibrating again asks the API for nothing.
func TestCalibrateSaveWithOllama(t *testing.T) {
	srv := fakeembed.New(t, 24)
	db := filepath.Join(t.TempDir(), "index")
	env := map[string]string{"QUOTEBOT_EMBEDDER": "ollama", "QUOTEBOT_EMBED_URL": srv.OllamaURL(), "QUOTEBOT_DB": db}
	id := "ollama/nomic-embed-text@" + srv.OllamaURL()
	const set = "../../testdata/seed-questions.jsonl"

	code, out, errOut := runWithEnv(t, env, "ask", "what did they say about cooperation on the fishing industry?")
	if code != 0 || !strings.Contains(out, "¶7") {
		t.Fatalf("ask: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "run quotebot calibrate --save") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("ask without saved thresholds: stderr %q, want one line hinting at calibrate --save", errOut)
	}
	if _, out, _ := runWithEnv(t, env, "eval", "-v", set); !strings.Contains(out, "(the built-in defaults: none are saved for "+id) {
		t.Errorf("eval -v before calibrating:\n%s", out)
	}

	code, out, errOut = runWithEnv(t, env, "calibrate", "--save", set)
	if code != 0 || !strings.Contains(out, "thresholds for "+id+": quote=") || !strings.Contains(out, "saved with the index in "+db) {
		t.Fatalf("calibrate --save: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	raw, err := os.ReadFile(filepath.Join(db, "quotebot-index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Thresholds map[string]struct{ Quote, Closest, StandOut float64 } `json:"thresholds"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil || manifest.Thresholds[id].Quote == 0 {
		t.Fatalf("manifest holds thresholds %+v (%v), want some for %s", manifest.Thresholds, err, id)
	}

	asked := srv.Requests("nomic-embed-text")
	code, _, errOut = runWithEnv(t, env, "calibrate", "--save", set)
	if code != 0 {
		t.Fatalf("second calibrate: exit %d: %s", code, errOut)
	}
	if got := srv.Requests("nomic-embed-text"); got != asked {
		t.Errorf("calibrating again sent %d requests, want none", got-asked)
	}

	code, _, errOut = runWithEnv(t, env, "ask", "fisheries")
	if code != 0 || errOut != "" {
		t.Errorf("ask with saved thresholds: exit %d, stderr %q", code, errOut)
	}
	if _, out, _ := runWithEnv(t, env, "eval", "-v", set); !strings.Contains(out, "(calibrated for "+id+", saved with the index in "+db+")") {
		t.Errorf("eval -v after calibrating:\n%s", out)
	}
}

// TestAskFallsBackWhenEmbedderDown checks that ask answers from the built-in
// signals, with one warning line, when the embedding API starts failing.
func TestAskFallsBackWhenEmbedderDown(t *testing.T) {
	srv := fakeembed.New(t, 24)
	env := map[string]string{"QUOTEBOT_EMBEDDER": "openai-compat", "QUOTEBOT_EMBED_MODEL": "m", "QUOTEBOT_EMBED_URL": srv.OpenAIURL(),
		"QUOTEBOT_DB": filepath.Join(t.TempDir(), "index")}
	if code, _, errOut := runWithEnv(t, env, "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	srv.Fail(fakeembed.Failure{Status: 500}, -1)
	code, out, errOut := runWithEnv(t, env, "ask", "what did they say about fisheries?")
	if code != 0 || !strings.Contains(out, "fishing industry") {
		t.Fatalf("ask with the embedder down: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if strings.Count(errOut, "warning: the embedder failed") != 1 || !strings.Contains(errOut, "500") {
		t.Errorf("stderr %q, want one warning naming the 500", errOut)
	}
}

// TestServeLogsHintAndFallback checks serve's log: the calibration hint
// once the index is ready, and one warning for two questions answered while
// the embedder is down, both answered.
func TestServeLogsHintAndFallback(t *testing.T) {
	srv := fakeembed.New(t, 24)
	s, logs := startGuardedServer(t, nil, httpTimeouts{}, engineConfig{Embedder: "ollama", URL: srv.OllamaURL()})
	if !strings.Contains(logs.String(), "run quotebot calibrate --save") {
		t.Errorf("serve logged no calibration hint:\n%s", logs)
	}
	srv.Fail(fakeembed.Failure{Status: 503}, -1)
	for _, q := range []string{"fisheries", "flights"} {
		resp, err := http.Get("http://" + s.Addr() + "/api/ask?q=" + url.QueryEscape(q))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"found":true`) {
			t.Errorf("%q with the embedder down: %d %s", q, resp.StatusCode, body)
		}
	}
	if n := strings.Count(logs.String(), "the embedder failed"); n != 1 {
		t.Errorf("%d fallback warnings for two questions, want 1:\n%s", n, logs)
	}
}
