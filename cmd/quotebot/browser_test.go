package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// Bounds of the browser test: the whole run, and each step.
const (
	browserTimeout = 2 * time.Minute
	stepTimeout    = 30 * time.Second
)

// updateScreenshotEnv names the variable that makes TestBrowser copy its
// screenshot of an answer to docs/screenshot-answer.png, the one the README
// shows: QUOTEBOT_UPDATE_SCREENSHOT=1 go test ./cmd/quotebot -run TestBrowser.
const updateScreenshotEnv = "QUOTEBOT_UPDATE_SCREENSHOT"

// browserRun is one browser session against a running serve: the address
// of serve, the tab, and the folder its screenshots go to.
type browserRun struct {
	t     *testing.T
	ctx   context.Context // the tab's chromedp context
	base  string          // http://127.0.0.1:PORT
	shots string          // the folder of the screenshots
}

// browserStep is one thing a person does on the page, with what they must
// see after it.
type browserStep struct {
	name string
	do   func(b *browserRun, ctx context.Context) error
}

// TestBrowser drives the real page of a running serve in headless Chromium
// as a person would: the empty page lists the document, a question typed
// in the form gets its answer quoted, and the citation's link opens the
// document at the cited paragraph, marked. It writes a screenshot after
// each step to a new folder it names in the log.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no browser: %s is absent (Debian: apt-get install chromium; .ci/run installs it)", chromiumPath)
	}
	s := startServer(t, func(string) string { return "" })
	b := newBrowserRun(t, "http://"+s.Addr())
	steps := []browserStep{
		{"the empty page lists the documents", stepEmptyPage},
		{"ask a question in the form", stepAsk},
		{"vote on the answer, then go back to it", stepVote},
		{"follow the citation to its paragraph", stepFollowCitation},
	}
	for _, st := range steps {
		ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
		err := st.do(b, ctx)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	if os.Getenv(updateScreenshotEnv) != "" {
		copyFile(t, filepath.Join(b.shots, "answer.png"), filepath.Join("..", "..", "docs", "screenshot-answer.png"))
		t.Logf("updated docs/screenshot-answer.png")
	}
}

// newBrowserRun starts headless Chromium with a new, empty profile and no
// network but the loopback (no QUIC, no proxy, no background updates), and
// opens a tab. The browser is stopped, and its profile removed, when the
// test ends.
func newBrowserRun(t *testing.T, base string) *browserRun {
	t.Helper()
	shots, err := os.MkdirTemp("", "quotebot-browser-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", shots)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-proxy-server", true),
		// No UserDataDir: the allocator passes --user-data-dir with a new
		// empty folder of its own, and on cancel stops the browser's
		// children that outlive it and removes that folder.
		chromedp.WindowSize(900, 760),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	// The whole session is bounded; chromedp starts the browser on the
	// first action, within this context.
	bounded, cancelBound := context.WithTimeout(allocCtx, browserTimeout)
	t.Cleanup(cancelBound)
	ctx, cancelTab := chromedp.NewContext(bounded)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	return &browserRun{t: t, ctx: ctx, base: base, shots: shots}
}

// screenshot saves what the tab shows as name.png in the run's folder.
func (b *browserRun) screenshot(ctx context.Context, name string) error {
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", name, err)
	}
	return os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644)
}

// stepEmptyPage opens the page without a question: it lists the built-in
// statement with its date and passages, and topics to ask about.
func stepEmptyPage(b *browserRun, ctx context.Context) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS("section.shelf"))); err != nil {
		return err
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("section.shelf")))
	if err != nil {
		return err
	}
	for _, want := range []string{"China, Peru to deepen comprehensive strategic partnership", "Nov 15, 2024", "11 passages", "Topics"} {
		if !strings.Contains(text, want) {
			return fmt.Errorf("the list of documents lacks %q: %q", want, text)
		}
	}
	return b.screenshot(ctx, "empty")
}

// stepAsk types a question into the labelled field and presses Ask: the
// answer is quoted with its citation, and the title names the question.
func stepAsk(b *browserRun, ctx context.Context) error {
	const q = "what did they say about fisheries?"
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#q"), q),
		chromedp.Click(chromedp.CSS("form button")),
		chromedp.WaitVisible(chromedp.CSS("blockquote")),
	); err != nil {
		return err
	}
	quote, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("blockquote")))
	if err != nil {
		return err
	}
	if !strings.Contains(quote, "cooperation on fishing industry") {
		return fmt.Errorf("the answer quotes %q", quote)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		return err
	}
	if title != q+" — quotebot" {
		return fmt.Errorf("title %q", title)
	}
	return b.screenshot(ctx, "answer")
}

// stepVote clicks the answer's 👍 (a plain form POST, no JavaScript): the
// thanks is shown, and its link leads back to the answer.
func stepVote(b *browserRun, ctx context.Context) error {
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/vote"] button[value="up"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)),
	); err != nil {
		return err
	}
	thanks, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`p[role="status"]`)))
	if err != nil {
		return err
	}
	if !strings.Contains(thanks, "Thanks") {
		return fmt.Errorf("after the vote the page says %q", thanks)
	}
	if err := b.screenshot(ctx, "voted"); err != nil {
		return err
	}
	return chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`main a`)),
		chromedp.WaitVisible(chromedp.CSS("blockquote")),
	)
}

// stepFollowCitation clicks the answer's citation: the document opens at
// /doc/{id}#p7, where paragraph 7 is the :target, marked by the page's
// style and scrolled into view.
func stepFollowCitation(b *browserRun, ctx context.Context) error {
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`cite a[href^="/doc/"]`)),
		chromedp.WaitVisible(chromedp.CSS("article p:target")),
	); err != nil {
		return err
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return err
	}
	if want := b.base + "/doc/china-peru-statement#p7"; loc != want {
		return fmt.Errorf("at %s, want %s", loc, want)
	}
	target, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("article p:target")))
	if err != nil {
		return err
	}
	if !strings.Contains(target, "cooperation on fishing industry") {
		return fmt.Errorf("the target paragraph is %q", target)
	}
	marked, err := background(ctx, "article p:target")
	if err != nil {
		return err
	}
	plain, err := background(ctx, "article p:not(:target)")
	if err != nil {
		return err
	}
	if marked == plain {
		return fmt.Errorf("the cited paragraph is not marked: background %s like the others", marked)
	}
	top, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("article p:target").getBoundingClientRect().top`))
	if err != nil {
		return err
	}
	height, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.innerHeight`))
	if err != nil {
		return err
	}
	if top < 0 || top >= height {
		return fmt.Errorf("the cited paragraph is not in view: top %v of a window %v high", top, height)
	}
	return b.screenshot(ctx, "doc")
}

// background is the computed background colour of the first element sel
// matches.
func background(ctx context.Context, sel string) (string, error) {
	props, err := chromedp.Run(ctx, chromedp.ComputedStyle(chromedp.CSS(sel)))
	if err != nil {
		return "", err
	}
	for _, p := range props {
		if p.Name == "background-color" {
			return p.Value, nil
		}
	}
	return "", errors.New("no background-color in the computed style of " + sel)
}

// copyFile copies the file src to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
