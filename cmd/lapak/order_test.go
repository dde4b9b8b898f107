package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/blob"
	"lapak/internal/ordering"
	"lapak/internal/postgres"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/workday"
)

// childEnv carries the arguments of the bench run TestBenchOrder_SurvivesSIGKILL kills.
const childEnv = "LAPAK_BENCH_ORDER_CHILD"

// TestBenchOrder_Child is the process TestBenchOrder_SurvivesSIGKILL starts
// and kills; in a normal run it skips.
func TestBenchOrder_Child(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("helper process of TestBenchOrder_SurvivesSIGKILL")
	}
	var args []string
	if err := json.Unmarshal([]byte(spec), &args); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// An acknowledged result is durable: after the bench is killed with
// SIGKILL in the middle of checkouts and signings, every order it
// acknowledged exists in at least the state acknowledged, with the SP
// number acknowledged; no order is half made; the document numbers have no
// gap; and a second run carries on where the first stopped.
func TestBenchOrder_SurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a load on PostgreSQL for about half a minute")
	}
	url := pgtest.NewURL(t)
	acks := filepath.Join(t.TempDir(), "acks")
	admin := os.Getenv(pgtest.EnvURL)
	if admin == "" {
		admin = pgtest.Cluster().URL("postgres")
	}
	args, _ := json.Marshal([]string{"bench", "order", "--url", url, "--duration", "30s", "--clients", "16", "--acks", acks})
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchOrder_Child$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+string(args), pgtest.EnvURL+"="+admin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Kill it once it has signed a few SPs: checkouts and the lifecycle are both under way.
	deadline := time.After(45 * time.Second)
	for signed := 0; signed < 20; signed = countAcks(t, acks, "sp") {
		select {
		case err := <-exited:
			t.Fatalf("bench ended before it was killed (%v):\n%s", err, out.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			<-exited
			t.Fatalf("no SP signed within 45 s:\n%s", out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited

	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := checkAcks(t, db, acks)
	midFlow := ordersIn(t, db, "'awaiting_supplier', 'processing', 'shipped', 'received', 'awaiting_payment', 'paid'")
	t.Logf("killed after %d acknowledged results; %d orders were between the SP and completion", n, len(midFlow))
	if broken := checkInvariants(t, db); len(broken) > 0 {
		t.Errorf("after SIGKILL:\n%s", strings.Join(broken, "\n"))
	}

	// A second run on the same database reuses the fixtures, carries the
	// open orders on, and checks every invariant itself.
	// (--retries 0: the fault under test is the kill; concurrent double
	// submissions are exercised by the bench's default run.)
	second, err := lapak(t, url, "bench", "order", "--url", url, "--duration", "4s", "--clients", "8", "--retries", "0")
	if err != nil || !strings.Contains(second, `"invariants":"ok"`) {
		t.Fatalf("second run: %v\n%s", err, second)
	}
	checkAcks(t, db, acks)
	moved := 0
	for _, id := range midFlow {
		var s ordering.State
		if err := db.QueryRow(ctx, `SELECT state FROM orders WHERE id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		if s == ordering.Completed {
			moved++
		}
	}
	if len(midFlow) > 0 && moved == 0 {
		t.Errorf("none of the %d orders left between the SP and completion was completed by the second run", len(midFlow))
	}
}

// flowRank is the position of each state of the main flow.
func flowRank(s ordering.State) int {
	return slices.Index(ordering.States[:slices.Index(ordering.States, ordering.Completed)+1], s)
}

// countAcks counts the lines of kind in the acknowledgement file.
func countAcks(t *testing.T, path, kind string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(data, []byte("\n"+kind+" ")) + map[bool]int{true: 1}[bytes.HasPrefix(data, []byte(kind+" "))]
}

// checkAcks compares every acknowledged result with the database and
// returns how many there were.
func checkAcks(t *testing.T, db *pgxpool.Pool, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reached := map[int64]ordering.State{}
	sp := map[int64]string{}
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			t.Fatalf("acknowledgement %q is not KIND ID VALUE", sc.Text())
		}
		id, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		n++
		switch fields[0] {
		case "order":
			if s := ordering.State(fields[2]); flowRank(s) > flowRank(reached[id]) {
				reached[id] = s
			}
		case "sp":
			sp[id] = fields[2]
		default:
			t.Fatalf("unknown acknowledgement %q", sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for id, want := range reached {
		var got ordering.State
		var number string
		err := db.QueryRow(ctx, `SELECT state, coalesce(sp_number, '') FROM orders WHERE id = $1`, id).Scan(&got, &number)
		if err != nil {
			t.Errorf("acknowledged order %d: %v", id, err)
			continue
		}
		if flowRank(got) < flowRank(want) {
			t.Errorf("order %d was acknowledged as %s but is %s", id, want, got)
		}
		if w, ok := sp[id]; ok && number != w {
			t.Errorf("order %d was acknowledged with SP %s but has %q", id, w, number)
		}
	}
	if len(reached) == 0 {
		t.Error("no order was acknowledged")
	}
	return n
}

// ordersIn returns the orders in the SQL list of states.
func ordersIn(t *testing.T, db *pgxpool.Pool, states string) []int64 {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT id FROM orders WHERE state IN (`+states+`) ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// checkInvariants runs the bench's invariant checks on db.
func checkInvariants(t *testing.T, db *pgxpool.Pool) []string {
	t.Helper()
	ctx := context.Background()
	w, err := loadBenchWorld(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	svc := ordering.NewService(db, workday.Fixed(), blob.NewLocal(t.TempDir()))
	broken, err := checkOrderInvariants(ctx, db, svc, w)
	if err != nil {
		t.Fatal(err)
	}
	return broken
}

// The invariant checks themselves catch what they are meant to: a stock
// changed behind the domain's back, an order total that is not the sum of
// its lines, a gap in the SP numbers and an order without its checkout event.
func TestBenchOrder_InvariantsCatchTampering(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a load on PostgreSQL")
	}
	t.Parallel()
	url := pgtest.NewURL(t)
	out, err := lapak(t, url, "bench", "order", "--url", url, "--orders", "60", "--clients", "4", "--share", "0.5", "--retries", "0")
	if err != nil || !strings.Contains(out, `"invariants":"ok"`) {
		t.Fatalf("bench: %v\n%s", err, out)
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if broken := checkInvariants(t, db); len(broken) > 0 {
		t.Fatalf("untouched database: %v", broken)
	}
	w, err := loadBenchWorld(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, sql, want string
	}{
		{"stock", `UPDATE listings SET stock = stock + 1 WHERE id = (SELECT min(listing_id) FROM order_lines)`, "stock of listing"},
		{"total", `UPDATE orders SET total = total + 1 WHERE id = (SELECT min(id) FROM orders WHERE state = 'awaiting_ppk')`, "order total differs"},
		{"sp gap", `DELETE FROM order_documents WHERE id = (SELECT min(id) FROM order_documents WHERE kind = 'sp')`, "document numbers"},
		{"checkout event", `DELETE FROM order_events WHERE id = (SELECT min(id) FROM order_events WHERE kind = 'checkout')`, "checkout event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := db.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, tc.sql); err != nil {
				t.Fatal(err)
			}
			broken, err := checkOrderRows(ctx, tx, w)
			if err != nil {
				t.Fatal(err)
			}
			found := slices.ContainsFunc(broken, func(s string) bool { return strings.Contains(s, tc.want) })
			if !found {
				t.Errorf("tampering with the %s went unnoticed", tc.name)
			}
		})
	}
}
