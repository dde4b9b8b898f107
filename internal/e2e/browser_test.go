package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"lapak/internal/app"
	"lapak/internal/config"
	"lapak/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// startLapak runs Lapak with demo data on a fresh database and a random port,
// through the same app wiring as `lapak serve --demo`, and returns its URL.
func startLapak(t *testing.T) (string, *app.App) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Load(func(string) string { return "" })
	cfg.Addr = ln.Addr().String()
	tmpl, files, err := demoTemplate()
	if err != nil {
		t.Fatalf("demo template: %v", err)
	}
	cfg.DatabaseURL = pgtest.NewURLFrom(t, tmpl)
	cfg.DataDir = t.TempDir()
	if err := os.CopyFS(cfg.DataDir, os.DirFS(files)); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, log, app.Options{Demo: true})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return cfg.BaseURL, a
}

var (
	demoOnce  sync.Once
	demoTmpl  string
	demoFiles string
	demoErr   error
)

// demoTemplate seeds the demo once per test process, exactly as `lapak
// serve --demo` does on a fresh database, into a template database and a
// files folder that every startLapak clones: seeding takes tens of seconds
// under -race, a clone about one. The app's own start then finds the demo
// in place and seeds nothing, as on a second `lapak serve --demo`.
func demoTemplate() (string, string, error) {
	demoOnce.Do(func() {
		if demoFiles, demoErr = os.MkdirTemp("", "lapak-e2e-demo-"); demoErr != nil {
			return
		}
		demoTmpl, demoErr = pgtest.MakeTemplate(func(u string) error {
			cfg := config.Load(func(string) string { return "" })
			cfg.DatabaseURL = u
			cfg.DataDir = demoFiles
			if err := cfg.Validate(); err != nil {
				return err
			}
			a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Demo: true})
			if err != nil {
				return err
			}
			a.Close()
			return nil
		})
	})
	return demoTmpl, demoFiles, demoErr
}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// loadAxe reads axe-core from node_modules (installed by `make test`).
func loadAxe() (string, error) {
	axeOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
		if err != nil {
			axeErr = fmt.Errorf("axe-core is missing (%v): run `make test`, or `npm ci` in internal/e2e", err)
			return
		}
		axeSource = string(b)
	})
	return axeSource, axeErr
}

// chromiumPath finds Debian's Chromium.
func chromiumPath() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("chromium not found: install it with `apt-get install chromium` (make test does this)")
}

// browser is one headless Chromium with one tab, on a small phone's screen.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	noJS bool
}

func newBrowser(t *testing.T, base string, jsEnabled bool) *browser {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadAxe(); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { tcancel(); cancel(); acancel() })
	b := &browser{t: t, ctx: ctx, base: base, noJS: !jsEnabled}
	// A small phone: 360 × 740 CSS pixels.
	b.do(chromedp.EmulateViewport(360, 740))
	if !jsEnabled {
		b.scripts(false)
	}
	return b
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// scripts turns the page's JavaScript on or off.
func (b *browser) scripts(on bool) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		b.t.Fatal(err)
	}
}

// visit opens path and checks the page.
func (b *browser) visit(path string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(b.base+path)); err != nil {
		b.t.Fatalf("visit %s: %v", path, err)
	}
	b.check()
}

// fill sets the value of the field with id.
func (b *browser) fill(id, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.ID(id), value))
}

// submit clicks the element matched by css, waits for the next page and checks it.
func (b *browser) submit(css string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		b.t.Fatalf("submit %s: %v", css, err)
	}
	b.check()
}

// text returns the text of the first element matched by css.
func (b *browser) text(css string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("text %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// count returns how many elements match css.
func (b *browser) count(css string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", css)))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// path returns the current URL path.
func (b *browser) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// check runs the checks every page must pass: axe-core finds no serious or
// critical accessibility violation, and nothing overflows a small screen.
func (b *browser) check() {
	b.t.Helper()
	page := b.path()
	if b.noJS {
		// axe itself needs JavaScript; the page was loaded and used without it.
		b.scripts(true)
		defer b.scripts(false)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		b.t.Fatalf("inject axe on %s: %v", page, err)
	}
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
		r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))}))))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe on %s: %v", page, err)
	}
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		b.t.Fatal(err)
	}
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Errorf("accessibility (%s) on %s: %s: %s at %v", v.Impact, page, v.ID, v.Help, v.Nodes)
		}
	}
	overflow, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
	if err != nil {
		b.t.Fatal(err)
	}
	if overflow {
		b.t.Errorf("%s is wider than a 360 px phone screen", page)
	}
	if dir := os.Getenv("LAPAK_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err == nil {
			name := strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(b.t.Name() + page)
			_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
		}
	}
}

// login signs in through the form.
func (b *browser) login(login, password string) {
	b.t.Helper()
	b.visit("/login")
	b.fill("login", login)
	b.fill("password", password)
	b.submit("form.stack button[type=submit]")
}

// logout signs out with the header button.
func (b *browser) logout() {
	b.t.Helper()
	b.submit("header .who button")
}

// acceptConfirms makes window.confirm answer yes, as a user clicking OK would.
func (b *browser) acceptConfirms() {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
}
