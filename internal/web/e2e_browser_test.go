package web

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is a headless Chromium driven by a test, with its screenshots
// directory; every step fails the test with the page shown.
type browser struct {
	t     *testing.T
	bctx  context.Context // the browser, for diagnosis after a timeout
	ctx   context.Context // bounded: a hung browser fails, never blocks CI
	shots string
}

// newBrowser starts Debian's Chromium (loopback only: every page the tests
// open is on 127.0.0.1) and stops it at the end of the test.
func newBrowser(t *testing.T, shots string, timeout time.Duration) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "fr-FR"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(bctx); err != nil { // starts the browser, bound to bctx
		t.Fatalf("démarrage de Chromium : %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(bctx, timeout)
	t.Cleanup(cancelTimeout)
	return &browser{t: t, bctx: bctx, ctx: ctx, shots: shots}
}

// shot saves a full-page PNG screenshot under the given name.
func (b *browser) shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644)
	})
}

// run performs a step; a failure keeps what the browser showed.
func (b *browser) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		sctx, cancel := context.WithTimeout(b.bctx, 10*time.Second)
		defer cancel()
		_ = chromedp.Do(sctx, b.shot("echec"))
		html, _ := chromedp.Run(sctx, chromedp.OuterHTML(chromedp.CSS("body")))
		b.t.Fatalf("%s : %v\npage :\n%.3000s", step, err, html)
	}
}

// text returns the visible text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("lecture de %s : %v", sel, err)
	}
	return s
}
