package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// chromiumPath is Debian's chromium, which `make test` installs. A missing
// browser fails the suite: a skipped browser test would hide a broken
// dashboard.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the dashboard's browser tests need Chromium: /usr/bin/chromium is missing. " +
		"Install it with `apt-get install -y chromium` (make test does this), then run the tests again.")
	return ""
}

const (
	stepTimeout = 15 * time.Second
	desktopW    = 1280
	desktopH    = 800
	phoneW      = 390
	phoneH      = 844
)

// browser drives one headless Chromium tab for a test (or subtest), failing
// the test that started it on any console error or uncaught exception.
type browser struct {
	t *testing.T
	*tab
}

// tab is the browser state shared by a test and its subtests.
type tab struct {
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string
	allowed  map[int]bool
}

// in returns the same browser reporting to t, for use in a subtest.
func (b *browser) in(t *testing.T) *browser {
	return &browser{t: t, tab: b.tab}
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	b := &browser{t: t, tab: &tab{base: base, allowed: map[int]bool{}}}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(desktopW, desktopH),
	)
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(b.listen))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	b.ctx = ctx
	start, cancelStart := context.WithTimeout(ctx, 30*time.Second)
	defer cancelStart()
	// The first Do starts the browser; it must not carry the step timeout,
	// which would end the browser with it.
	require.NoError(t, chromedp.Do(ctx), "starting Chromium")
	require.NoError(t, chromedp.Do(start, chromedp.EmulateViewport(desktopW, desktopH)))
	t.Cleanup(b.checkConsole)
	return b
}

var statusRE = regexp.MustCompile(`status of (\d{3})`)

// listen runs in the tab's event loop: it only records.
func (b *tab) listen(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == "error" || ev.Type == "assert" {
			parts := make([]string, 0, len(ev.Args))
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			problem = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		problem = fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level != "error" {
			return
		}
		// The API answering 4xx is part of a flow the test drives (a wrong
		// token, a refused URL); the test says which statuses it expects.
		if e.Source == "network" && strings.Contains(e.URL, "/v2/") {
			if m := statusRE.FindStringSubmatch(e.Text); m != nil {
				code, _ := strconv.Atoi(m[1])
				b.mu.Lock()
				ok := b.allowed[code]
				b.mu.Unlock()
				if ok {
					return
				}
			}
		}
		problem = fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL)
	}
	if problem != "" {
		b.mu.Lock()
		b.problems = append(b.problems, problem)
		b.mu.Unlock()
	}
}

// expectAPIStatus lets the page meet an API error status without failing
// the test (Chromium logs every failed fetch as an error).
func (b *browser) expectAPIStatus(codes ...int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range codes {
		b.allowed[c] = true
	}
}

func (b *browser) checkConsole() {
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Empty(b.t, b.problems, "the page logged errors")
}

// do runs actions with a timeout per call.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser step failed: %v\npage text:\n%s", err, b.pageText())
	}
}

// eval evaluates a JavaScript expression and decodes its result into T.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(b.t, err, "evaluating %s", expr)
	return v
}

func (b *browser) pageText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	// The visible text that matters, without the option lists of selects.
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash + '\n' +
		[...document.querySelectorAll('h1, h2, h3, p, td, dt, dd, label, .badge, .toast, dialog[open]')]
			.filter((el) => el.offsetParent !== null || el.matches('dialog[open]'))
			.map((el) => el.innerText.trim()).filter(Boolean).join('\n')`))
	if err != nil {
		return "(unavailable: " + err.Error() + ")"
	}
	if len(s) > 4000 {
		s = s[:4000] + "…"
	}
	return s
}

// open goes to a dashboard route such as "/webhooks": a page load the first
// time, a hash change afterwards (a same-document navigation fires no load
// event to wait for).
func (b *browser) open(route string) {
	b.t.Helper()
	onApp := eval[bool](b, fmt.Sprintf(`location.origin + location.pathname === %s`, jsString(b.base+"/")))
	if !onApp {
		b.do(chromedp.Navigate(b.base + "/#" + route))
		return
	}
	eval[bool](b, fmt.Sprintf(`(location.hash = %s, true)`, jsString("#"+route)))
}

// waitFor polls a JavaScript predicate until it is true.
func (b *browser) waitFor(what, predicate string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Promise.resolve(`+predicate+`).then((v) => !!v)`, chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("timed out after %s waiting for %s (err: %v)\npage text:\n%s", timeout, what, err, b.pageText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func jsString(s string) string {
	out, _ := json.Marshal(s)
	return string(out)
}

// waitText waits until an element matching sel contains text.
func (b *browser) waitText(sel, text string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("%q in %s", text, sel),
		fmt.Sprintf(`[...document.querySelectorAll(%s)].some((el) => el.textContent.includes(%s))`, jsString(sel), jsString(text)),
		stepTimeout)
}

// waitGone waits until no element matching sel contains text.
func (b *browser) waitGone(sel, text string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("%q to leave %s", text, sel),
		fmt.Sprintf(`![...document.querySelectorAll(%s)].some((el) => el.textContent.includes(%s))`, jsString(sel), jsString(text)),
		stepTimeout)
}

// byText selects the first element matching sel whose trimmed text is text.
func byText(sel, text string) chromedp.JSPath {
	return chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll(%s)].find((el) => el.textContent.trim() === %s)`, jsString(sel), jsString(text)))
}

// stable waits until the element a JavaScript expression finds stays put
// for a moment: a click lands where the element was when it was measured,
// and live updates can still move it.
func (b *browser) stable(what, elementExpr string) {
	b.t.Helper()
	b.waitFor(what+" to be ready", fmt.Sprintf(`new Promise((resolve) => {
		const el = %s;
		if (!el || el.disabled || document.querySelector('.state-loading, [aria-busy="true"]')) return resolve(false);
		el.scrollIntoView({block: 'center'});
		const a = el.getBoundingClientRect();
		setTimeout(() => {
			const c = el.getBoundingClientRect();
			resolve(el.isConnected && a.x === c.x && a.y === c.y && c.width > 0);
		}, 100);
	})`, elementExpr), stepTimeout)
}

// click clicks the element a CSS selector finds, with real mouse events.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.stable(sel, fmt.Sprintf(`document.querySelector(%s)`, jsString(sel)))
	b.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// clickText clicks the button or link whose text is text.
func (b *browser) clickText(text string) {
	b.t.Helper()
	sel := byText("button, a", text)
	b.stable(fmt.Sprintf("a control labelled %q", text), string(sel))
	b.do(chromedp.Click(sel, chromedp.NodeVisible))
}

// typeInto focuses the field a CSS selector finds and types text.
func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
}

// clearField empties a text field the way a user does: select all, delete.
func (b *browser) clearField(sel string) {
	b.t.Helper()
	b.do(
		chromedp.Focus(chromedp.CSS(sel), chromedp.NodeVisible),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(kb.Backspace),
	)
	require.Empty(b.t, eval[string](b, fmt.Sprintf(`document.querySelector(%s).value`, jsString(sel))), "clearing %s", sel)
}

// key sends one key (e.g. kb.Escape) to whatever has focus.
func (b *browser) key(k string) {
	b.t.Helper()
	b.do(chromedp.KeyEvent(k))
}

// tabTo presses Tab until the focused element's text is text, as a
// keyboard user would, failing after maxPresses presses.
func (b *browser) tabTo(text string, maxPresses int) {
	b.t.Helper()
	for range maxPresses {
		b.key(kb.Tab)
		if eval[string](b, `document.activeElement ? document.activeElement.textContent.trim() : ''`) == text {
			return
		}
	}
	b.t.Fatalf("%q not reached with %d presses of Tab; focus is on %s", text, maxPresses,
		eval[string](b, `document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : 'nothing'`))
}

// signIn signs in through the sign-in page.
func (b *browser) signIn(token string) {
	b.t.Helper()
	b.open("/signin")
	b.typeInto(`input[name="token"]`, token)
	b.clickText("Sign in")
	b.waitFor("the signed-in top bar", `!document.getElementById('topbar').hidden`, stepTimeout)
}

// artifactsDir is where screenshots go: $HOOKD_ARTIFACTS_DIR, or
// artifacts/screenshots at the repository root (the parent of web/).
func artifactsDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("HOOKD_ARTIFACTS_DIR"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	require.NoError(t, err)
	return filepath.Join(filepath.Dir(wd), "artifacts", "screenshots")
}

// screenshot saves full-page PNGs of the current page at desktop and phone
// widths as name-desktop.png and name-phone.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := artifactsDir(b.t)
	require.NoError(b.t, os.MkdirAll(dir, 0o755))
	// Toasts from earlier steps would cover the page.
	eval[bool](b, `(document.querySelectorAll('.toast').forEach((el) => el.remove()), true)`)
	sizes := []struct {
		label string
		w, h  int64
		opts  []chromedp.EmulateViewportOption
	}{
		{"desktop", desktopW, desktopH, nil},
		{"phone", phoneW, phoneH, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateScale(2)}},
	}
	for _, s := range sizes {
		b.do(chromedp.EmulateViewport(s.w, s.h, s.opts...))
		b.settle()
		// A full page at twice the pixels takes a while on a busy machine.
		ctx, cancel := context.WithTimeout(b.ctx, 3*stepTimeout)
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		require.NoError(b.t, err)
		require.NoError(b.t, os.WriteFile(filepath.Join(dir, name+"-"+s.label+".png"), buf, 0o644))
	}
	b.do(chromedp.EmulateViewport(desktopW, desktopH))
	b.settle()
}

// settle waits for layout after a viewport change: two animation frames,
// enough for the chart's ResizeObserver to redraw.
func (b *browser) settle() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	// Back at the top, so the sticky top bar is drawn where it belongs.
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`window.scrollTo(0, 0), new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => r(true), 50))))`,
		chromedp.EvalAwaitPromise))
	require.NoError(b.t, err)
}
