package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"text/tabwriter"

	"lapak/internal/app"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/config"
	"lapak/internal/demo"
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

var errUsage = errors.New("usage")

// newFlags returns a flag set bound to every configuration setting.
func newFlags(name string, getenv func(string) string, stderr io.Writer, help string) (*flag.FlagSet, *config.Config) {
	cfg := config.Load(getenv)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: lapak %s [flags]\n\n%s\nFlags (each also read from the environment variable named):\n", name, help)
		fs.PrintDefaults()
	}
	return fs, &cfg
}

func parse(fs *flag.FlagSet, cfg *config.Config, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errUsage
		}
		return errUsage
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	return nil
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("serve", getenv, stderr, "Runs the web server. With no DATABASE_URL it starts its own PostgreSQL in the data folder.")
	withDemo := fs.Bool("demo", false, "seed a demo regency (regions, OPDs, categories, one account per role) on a fresh database")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	log := newLogger(stderr)
	log.Info("starting Lapak", cfg.Redacted()...)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another Lapak running? set LAPAK_ADDR or --addr)", cfg.Addr, err)
	}
	a, err := app.Open(ctx, *cfg, log, app.Options{Demo: *withDemo})
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	printBanner(stdout, cfg.BaseURL, a.Demo)
	return a.Serve(ctx, ln)
}

func printBanner(w io.Writer, url string, accounts []demo.Account) {
	fmt.Fprintf(w, "\nLapak berjalan di %s  (Ctrl-C untuk berhenti)\n", url)
	if len(accounts) == 0 {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "\nAkun demo (kata sandi untuk semua: %s):\n", demo.Password)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, a := range accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Role.Label(), a.Login, a.Name)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("migrate", getenv, stderr, "Applies every pending database migration.")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := app.Open(ctx, *cfg, newLogger(stderr), app.Options{})
	if err != nil {
		return err
	}
	a.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}

func cmdSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "reference" {
		fmt.Fprintln(stderr, "Usage: lapak seed reference [flags]")
		return errUsage
	}
	fs, cfg := newFlags("seed reference", getenv, stderr, "Loads kecamatan, nagari, OPDs and categories (safe to repeat).")
	if err := parse(fs, cfg, args[1:]); err != nil {
		return err
	}
	a, err := app.Open(ctx, *cfg, newLogger(stderr), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := demo.SeedReference(ctx, a.DB); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "reference data loaded")
	return nil
}

func cmdUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "Usage: lapak user create --name NAME (--email E | --phone P) --role ROLE [--opd CODE] [--password PW]")
		return errUsage
	}
	fs, cfg := newFlags("user create", getenv, stderr, "Creates an account, for example the first admin.")
	name := fs.String("name", "", "full name")
	email := fs.String("email", "", "e-mail address (sign-in)")
	phone := fs.String("phone", "", "phone number (sign-in when there is no e-mail)")
	nip := fs.String("nip", "", "NIP (civil servants)")
	roles := fs.String("role", "", "roles, comma separated: "+rolesList())
	opdCode := fs.String("opd", "", "OPD code (e.g. OPD-008) for pp, ppk and treasurer")
	password := fs.String("password", "", "password (default: generated and printed)")
	if err := parse(fs, cfg, args[1:]); err != nil {
		return err
	}
	a, err := app.Open(ctx, *cfg, newLogger(io.Discard), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	pw := *password
	if pw == "" {
		pw = generatePassword()
	}
	in := auth.UserInput{Name: *name, Email: *email, Phone: *phone, NIP: *nip, Password: pw}
	for _, r := range strings.Split(*roles, ",") {
		g := auth.Grant{Role: auth.Role(strings.TrimSpace(r))}
		if g.Role.NeedsOPD() {
			if err := a.DB.QueryRow(ctx, "SELECT id FROM opds WHERE code = $1", strings.ToUpper(*opdCode)).Scan(&g.OPDID); err != nil {
				return fmt.Errorf("role %s needs --opd with an existing OPD code (see 'lapak seed reference')", g.Role)
			}
		}
		if strings.TrimSpace(r) != "" {
			in.Grants = append(in.Grants, g)
		}
	}
	u, err := a.Server.Auth().CreateUser(auth.SystemContext(ctx), in)
	if fields, ok := validate.AsErrors(err); ok {
		for f, msg := range fields {
			fmt.Fprintf(stderr, "  %s: %s\n", f, msg)
		}
		return errors.New("account not created")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created account %d for %s (%s)\n", u.ID, u.Name, u.Login())
	if *password == "" {
		fmt.Fprintf(stdout, "password: %s\n", pw)
	}
	return nil
}

func rolesList() string {
	var s []string
	for _, r := range auth.Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func generatePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func cmdAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "Usage: lapak audit verify [flags]")
		return errUsage
	}
	fs, cfg := newFlags("audit verify", getenv, stderr, "Seals pending entries, then recomputes the audit trail's hash chain and reports the first broken link.")
	if err := parse(fs, cfg, args[1:]); err != nil {
		return err
	}
	a, err := app.Open(ctx, *cfg, newLogger(io.Discard), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	for {
		n, err := audit.Seal(ctx, a.DB)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	rep, err := audit.Verify(ctx, a.DB)
	if err != nil {
		return err
	}
	if !rep.OK() {
		fmt.Fprintf(stdout, "BROKEN: audit entry id %d (chain position %d): %s\n%d entries before it verified\n", rep.BrokenID, *rep.BrokenAt, rep.Reason, rep.Sealed)
		return errors.New("audit trail has been tampered with")
	}
	fmt.Fprintf(stdout, "OK: %d entries verified, %d not yet sealed\n", rep.Sealed, rep.Unsealed)
	return nil
}

func cmdPG(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pg", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "folder of the cluster (required)")
	fast := fs.Bool("fast", false, "no fsync: for throwaway test clusters only")
	if len(args) == 0 || (args[0] != "start" && args[0] != "stop") {
		fmt.Fprintln(stderr, "Usage: lapak pg start|stop --dir DIR [--fast]")
		return errUsage
	}
	if err := fs.Parse(args[1:]); err != nil || *dir == "" {
		return errUsage
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	_ = os.Chmod(*dir, 0o755)
	l, err := postgres.NewLocal(*dir, newLogger(stderr))
	if err != nil {
		return err
	}
	l.Fast = *fast
	if args[0] == "stop" {
		return l.Stop()
	}
	if err := l.Start(ctx, ""); err != nil {
		return err
	}
	fmt.Fprintln(stdout, l.URL("postgres"))
	return nil
}
