// Command lapak is Lapak, the e-marketplace through which Kabupaten Solok
// Selatan buys from local UMKM. `lapak serve` runs the site; other
// subcommands manage the database and accounts. main only delegates.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	// Lapak's live heap is small (tens of megabytes) and its machine has
	// little CPU and plenty of memory: collect at 4× the live heap instead
	// of 2×, which halves the collector's share of the CPU under load. GOGC
	// in the environment still decides when set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if err != errUsage {
			fmt.Fprintln(os.Stderr, "lapak:", err)
		}
		os.Exit(1)
	}
}

const usage = `Lapak — e-Marketplace pengadaan Kabupaten Solok Selatan

Usage: lapak <command> [flags]

Commands:
  serve            run the web server (--demo seeds a demo regency on first start)
  migrate          apply database migrations
  user create      create an account, e.g. the first admin:
                   lapak user create --name "Admin" --email admin@contoh.id --role admin
  audit verify     check the audit trail's hash chain
  seed reference   load kecamatan, nagari, OPDs and categories
  import umkm FILE import the dinas's UMKM list (CSV or XLSX); --dry-run only previews it
  seed registry    generate a synthetic UMKM registry (--count 9782 [--seed N] [--mistakes N]);
                   --out FILE.csv|.xlsx writes it to a file instead of the database
  bench import     time importing 9.782 generated UMKM into a fresh database, twice
  seed catalog     generate verified suppliers with listings (--suppliers N --listings M)
  bench search     time the catalog search page on 1.000.000 generated listings
  bench order      drive 32 simulated officials through checkout, signing and payment,
                   then check the invariants (budgets, stock, gapless numbers, documents)
  bench reports    time the dashboards, red flags, public page and OCDS export on
                   1.000.000 generated orders
  pg start|stop    start or stop a local PostgreSQL cluster (development and tests)

Run 'lapak <command> --help' for a command's flags; every flag has an
environment variable of the same meaning (see 'lapak serve --help').
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, getenv, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, getenv, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, getenv, stdout, stderr)
	case "import":
		return cmdImport(ctx, rest, getenv, stdout, stderr)
	case "seed":
		if len(rest) > 0 && rest[0] == "registry" {
			return cmdSeedRegistry(ctx, rest[1:], getenv, stdout, stderr)
		}
		if len(rest) > 0 && rest[0] == "catalog" {
			return cmdSeedCatalog(ctx, rest[1:], getenv, stdout, stderr)
		}
		return cmdSeed(ctx, rest, getenv, stdout, stderr)
	case "bench":
		if len(rest) > 0 && rest[0] == "search" {
			return cmdBenchSearch(ctx, rest[1:], getenv, stdout, stderr)
		}
		return benchCommand(rest)(ctx, rest, getenv, stdout, stderr)
	case "pg":
		return cmdPG(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}
