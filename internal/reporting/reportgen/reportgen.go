// Package reportgen generates completed orders in bulk, for the reporting
// benchmarks (`lapak bench reports`, BenchmarkSpending): OPDs with their
// officials and RUP packages, suppliers with listings and price history, and
// completed, paid orders spread over some years, with the patterns the red
// flags look for. It writes with a handful of INSERT … SELECT statements
// (generate_series) with the triggers switched off, then rebuilds the
// spending facts and the red flags in one statement each, as
// docs/spending.md advises for bulk loads.
//
// Each order has one or two lines, one shipment, one inspection, a payment
// without taxes and three signed documents (SP, BAST, kuitansi) whose PDF
// is empty: what the dashboards and the OCDS export read. It has no
// negotiation, no order events and no audit entries.
package reportgen

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/wib"
)

// Options say what to generate.
type Options struct {
	Orders    int       // completed orders
	Suppliers int       // suppliers, two listings each
	OPDs      int       // OPDs, each with two PPKs, a PP and a package per year
	Years     int       // the orders are placed over this many years up to End
	End       time.Time // the day the period ends (default today, WIB); no order completes after it
	// Progress, when set, is told each step as it ends.
	Progress func(step string, took time.Duration)
}

// Result is what Generate wrote or found.
type Result struct {
	Orders, Facts, Flags int64
	Reused               bool // the database already held the generated orders
}

// Markers of generated rows, so a second run finds them.
const (
	keyPrefix   = "bench-report-"
	opdPrefix   = "BENCH-"
	emailDomain = "bench-report.test"
)

// Patterns planted for the red flags, as divisors of the order number i:
// an order is split-flagged when i % splitEvery == 1, and so on. The PPKs
// whose number (two per OPD, from 0) is a multiple of hotPPKEvery give
// three orders in four to one supplier.
const (
	splitEvery      = 97   // flagged by the split rule, with a justification
	priceEvery      = 211  // first line at twice the list price
	fastBASTEvery   = 997  // BAST half an hour after the SP
	fastDoneEvery   = 1009 // completed within a day of the order
	hotPPKEvery     = 40   // PPK numbers divisible by it favour one supplier
	fastListingEach = 100  // every this many suppliers, a listing created just before its first order
	payDaysSpread   = 45   // days from the BAST to payment: 1 to this
)

func (o *Options) defaults() error {
	if o.Orders < 1 || o.Suppliers < 1 || o.OPDs < 1 || o.Years < 1 {
		return fmt.Errorf("reportgen: want at least one order, supplier, OPD and year; got %+v", *o)
	}
	if o.End.IsZero() {
		o.End = time.Now()
	}
	y, m, d := o.End.In(wib.Location).Date()
	o.End = time.Date(y, m, d, 0, 0, 0, 0, wib.Location)
	return nil
}

// Generate writes the orders o asks for into db, which must hold the
// reference data (kecamatan, categories: demo.SeedReference). When db
// already holds generated orders it writes nothing and says so; a different
// number of them is an error.
func Generate(ctx context.Context, db *pgxpool.Pool, o Options) (Result, error) {
	if err := o.defaults(); err != nil {
		return Result{}, err
	}
	var have int64
	if err := db.QueryRow(ctx, `SELECT count(*) FROM orders WHERE checkout_key LIKE $1`, keyPrefix+"%").Scan(&have); err != nil {
		return Result{}, fmt.Errorf("reportgen: %w", err)
	}
	if have > 0 {
		if have != int64(o.Orders) {
			return Result{}, fmt.Errorf("reportgen: the database holds %d generated orders, not %d: use a fresh database", have, o.Orders)
		}
		res, err := counts(ctx, db)
		res.Reused = true
		return res, err
	}
	conn, err := db.Acquire(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("reportgen: %w", err)
	}
	defer conn.Release()
	run := func(step, q string, args ...any) error {
		t := time.Now()
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("reportgen: %s: %w", step, err)
		}
		if o.Progress != nil {
			o.Progress(step, time.Since(t))
		}
		return nil
	}
	start := o.End.AddDate(-o.Years, 0, 0)
	for _, st := range worldSteps(o, start) {
		if err := run(st.name, st.sql, st.args...); err != nil {
			return Result{}, err
		}
	}
	restore, err := triggersOff(ctx, conn.Conn().PgConn())
	if err != nil {
		return Result{}, err
	}
	for _, st := range orderSteps(o, start) {
		if err := run(st.name, st.sql, st.args...); err != nil {
			_ = restore()
			return Result{}, err
		}
	}
	if err := restore(); err != nil {
		return Result{}, err
	}
	for _, st := range []step{
		{"spending facts and rollups (reporting_rebuild)", `SELECT reporting_rebuild()`, nil},
		{"red flags and pair counts (order_flags_rebuild)", `SELECT order_flags_rebuild()`, nil},
		{"vacuum analyze", `VACUUM ANALYZE`, nil},
	} {
		if err := run(st.name, st.sql, st.args...); err != nil {
			return Result{}, err
		}
	}
	return counts(ctx, db)
}

// counts reads what the database holds of the generated data.
func counts(ctx context.Context, db *pgxpool.Pool) (Result, error) {
	var r Result
	err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM orders WHERE checkout_key LIKE $1),
		(SELECT count(*) FROM spending_facts), (SELECT count(*) FROM order_flags)`, keyPrefix+"%").Scan(&r.Orders, &r.Facts, &r.Flags)
	if err != nil {
		return Result{}, fmt.Errorf("reportgen: count: %w", err)
	}
	return r, nil
}

// triggersOff switches off triggers and foreign key checks for the bulk
// load (session_replication_role, which needs a superuser), or else only
// the triggers that write facts and flags row by row; restore switches
// them on again.
func triggersOff(ctx context.Context, c *pgconn.PgConn) (restore func() error, err error) {
	if _, err := c.Exec(ctx, `SET session_replication_role = replica`).ReadAll(); err == nil {
		return func() error {
			_, err := c.Exec(context.Background(), `RESET session_replication_role`).ReadAll()
			return err
		}, nil
	}
	toggle := func(verb string) error {
		for _, t := range []struct{ table, trigger string }{
			{"order_payments", "spending_facts_on_payment"}, {"orders", "spending_facts_on_paid"},
			{"orders", "order_flags_on_insert"}, {"orders", "order_pairs_on_insert"}, {"order_lines", "order_flags_on_line_insert"},
		} {
			if _, err := c.Exec(ctx, "ALTER TABLE "+t.table+" "+verb+" TRIGGER "+t.trigger).ReadAll(); err != nil {
				return fmt.Errorf("reportgen: %s trigger %s: %w", verb, t.trigger, err)
			}
		}
		return nil
	}
	if err := toggle("DISABLE"); err != nil {
		return nil, errors.Join(err, toggle("ENABLE"))
	}
	return func() error { return toggle("ENABLE") }, nil
}

// step is one statement of the load.
type step struct {
	name string
	sql  string
	args []any
}

// worldSteps create the OPDs, officials, suppliers, listings, SSH items and
// RUP packages, through the triggers.
func worldSteps(o Options, start time.Time) []step {
	firstYear, lastYear := start.Year(), o.End.Year()
	return []step{
		{"OPDs", `INSERT INTO opds (code, name, short_name, letter_code, address)
			SELECT '` + opdPrefix + `' || lpad(i::text, 3, '0'), 'OPD Uji ' || i, 'OPD ' || i, 'UJI' || i, 'Jalan Uji ' || i || ', Padang Aro'
			FROM generate_series(1, $1::int) i`, []any{o.OPDs}},
		// Per OPD two PPKs, a PP and a treasurer; the e-mail says role, OPD and number.
		{"officials", `WITH u AS (INSERT INTO users (name, email, password_hash)
				SELECT 'Pejabat ' || r.role || ' ' || d.code || '-' || r.n, r.role || '-' || d.id || '-' || r.n || '@` + emailDomain + `', 'x'
				FROM opds d CROSS JOIN (VALUES ('ppk', 1), ('ppk', 2), ('pp', 1), ('treasurer', 1)) r (role, n)
				WHERE d.code LIKE '` + opdPrefix + `%'
				RETURNING id, email)
			INSERT INTO user_roles (user_id, role, opd_id)
			SELECT id, split_part(email, '-', 1), split_part(email, '-', 2)::bigint FROM u`, nil},
		{"suppliers", `INSERT INTO suppliers (name, kecamatan_code, status, scale, origin)
			SELECT 'Usaha Uji ' || i, (SELECT code FROM kecamatan ORDER BY code OFFSET i % (SELECT count(*) FROM kecamatan) LIMIT 1), 'verified',
				(ARRAY['mikro', 'mikro', 'mikro', 'kecil', 'kecil', 'menengah', ''])[1 + i % 7], 'demo'
			FROM generate_series(1, $1::int) i`, []any{o.Suppliers}},
		{"SSH items", `INSERT INTO ssh_items (code, description, unit, ceiling_price, year)
			SELECT 'UJI.' || i, 'Barang standar uji ' || i, 'unit', 1, $1::int FROM generate_series(1, 50) i`, []any{lastYear}},
		// Two listings per supplier; one in ten linked to an SSH item with
		// a ceiling a fifth above its price.
		{"listings", `INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, origin, status, published_at, created_at,
				ssh_item_id, ssh_ceiling)
			SELECT s.id, CASE WHEN (s.id + k) % 10 = 0 THEN 'services' ELSE 'goods' END, 'Barang ' || s.id || '-' || k,
				c.ids[1 + (s.id * 7 + k * k) % cardinality(c.ids)], 'unit', 10000 + (s.id % 50) * 1000,
				CASE WHEN (s.id + k) % 3 = 0 THEN 'local' ELSE 'national' END, 'published', $1::timestamptz, $1::timestamptz,
				CASE WHEN (s.id + k) % 10 = 3 THEN h.ids[1 + s.id % 50] END,
				CASE WHEN (s.id + k) % 10 = 3 THEN (10000 + (s.id % 50) * 1000) * 6 / 5 END
			FROM suppliers s, generate_series(1, 2) k,
				(SELECT array_agg(id ORDER BY id) AS ids FROM categories) c,
				(SELECT array_agg(id ORDER BY id) AS ids FROM ssh_items WHERE code LIKE 'UJI.%') h
			WHERE s.name LIKE 'Usaha Uji %'`, []any{start.AddDate(0, -3, 0)}},
		{"RUP packages", `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year)
			SELECT d.id, (880000000 + d.id * 100 + y - 2000)::text, 'Belanja barang dan jasa ' || d.name || ' ' || y, 900000000000, 'APBD', y
			FROM opds d, generate_series($1::int, $2::int) y WHERE d.code LIKE '` + opdPrefix + `%'`, []any{firstYear, lastYear}},
	}
}

// Messages of the split-flagged orders.
const (
	splitOutcome = `{"results": [{"rule": "split", "verdict": "justify", "flagged": true,
		"message": "Pesanan OPD ini pada kategori yang sama dalam 30 hari berjumlah lebih dari Rp200.000.000 (data uji)."}]}`
	splitJustification = `{"split": "Kebutuhan kegiatan yang berbeda dari pesanan sebelumnya, ditetapkan terpisah (data uji)."}`
)

// orderSteps write the orders and everything under them, with the
// triggers off. Order i (from 1) belongs to OPD i mod OPDs, is placed on
// day (i-1)·days/n of the period (so ids grow with time, as in life) and
// is completed 6 to 51 days later, before End.
func orderSteps(o Options, start time.Time) []step {
	days := int(o.End.Sub(start).Hours()/24) - 60
	n, opds, sups := o.Orders, o.OPDs, o.Suppliers
	return []step{
		{"bench tables", `CREATE TEMP TABLE gen_opd AS
			SELECT d.id, row_number() OVER (ORDER BY d.id) - 1 AS k,
				(SELECT id FROM users WHERE email = 'ppk-' || d.id || '-1@` + emailDomain + `') AS ppk1,
				(SELECT id FROM users WHERE email = 'ppk-' || d.id || '-2@` + emailDomain + `') AS ppk2,
				(SELECT id FROM users WHERE email = 'pp-' || d.id || '-1@` + emailDomain + `') AS pp,
				(SELECT id FROM users WHERE email = 'treasurer-' || d.id || '-1@` + emailDomain + `') AS treasurer
			FROM opds d WHERE d.code LIKE '` + opdPrefix + `%';
			CREATE TEMP TABLE gen_sup AS
			SELECT id, row_number() OVER (ORDER BY id) - 1 AS sidx FROM suppliers WHERE name LIKE 'Usaha Uji %';
			CREATE TEMP TABLE gen_listing AS
			SELECT s.sidx, row_number() OVER (PARTITION BY l.supplier_id ORDER BY l.id) AS p, l.id, l.title, l.unit, l.kind,
				l.category_id, l.price, l.ssh_item_id, l.ssh_ceiling
			FROM listings l JOIN gen_sup s ON s.id = l.supplier_id;
			CREATE TEMP TABLE gen_base AS
			SELECT (SELECT coalesce(max(id), 0) FROM orders) AS orders, (SELECT coalesce(max(id), 0) FROM order_lines) AS lines,
				(SELECT coalesce(max(id), 0) FROM order_shipments) AS shipments, (SELECT coalesce(max(id), 0) FROM order_inspections) AS inspections;
			ANALYZE gen_opd, gen_sup, gen_listing, gen_base`, nil},
		// The PPK alternates between the OPD's two; PPKs numbered by
		// hotPPKEvery give three orders in four to one supplier.
		{"orders (plan)", fmt.Sprintf(`CREATE TEMP TABLE gen AS
			SELECT x.*, x.placed_at + interval '2 hours' AS signed_at, x.placed_at + interval '3 hours' AS accepted_at,
				CASE WHEN x.fast_done THEN x.placed_at + interval '150 minutes' WHEN x.fast_bast THEN x.placed_at + interval '130 minutes'
					ELSE x.placed_at + interval '2 days' END AS shipped_at,
				CASE WHEN x.fast_done THEN x.placed_at + interval '165 minutes' WHEN x.fast_bast THEN x.placed_at + interval '140 minutes'
					ELSE x.placed_at + interval '3 days' END AS received_at,
				CASE WHEN x.fast_done THEN x.placed_at + interval '3 hours' WHEN x.fast_bast THEN x.placed_at + interval '150 minutes'
					ELSE x.placed_at + interval '4 days' END AS bast_at,
				CASE WHEN x.fast_done THEN x.placed_at + interval '4 hours' ELSE x.placed_at + interval '5 days' END AS invoiced_at,
				CASE WHEN x.fast_done THEN x.placed_at + interval '6 hours'
					ELSE x.placed_at + interval '4 days 2 hours' + make_interval(days => 1 + (x.i * 31) %% %[5]d) END AS paid_at,
				CASE WHEN x.fast_done THEN x.placed_at + interval '20 hours'
					ELSE x.placed_at + interval '5 days 2 hours' + make_interval(days => 1 + (x.i * 31) %% %[5]d) END AS completed_at
			FROM (
				SELECT i, b.orders + i AS id, d.id AS opd_id, d.pp AS buyer_id, d.treasurer AS treasurer_id,
					CASE WHEN (i / %[2]d) %% 2 = 0 THEN d.ppk1 ELSE d.ppk2 END AS ppk_id,
					CASE WHEN (2 * d.k + (i / %[2]d) %% 2) %% %[6]d = 0 AND (i / %[2]d / 2) %% 4 <> 0 THEN ((2 * d.k + 1) * 37) %% %[3]d
						ELSE (i::bigint * 104729) %% %[3]d END AS sidx,
					(($1::date + ((i - 1)::bigint * %[4]d / %[1]d)::int)::timestamp + make_interval(hours => 8 + i %% 8, mins => (i * 7) %% 60))
						AT TIME ZONE 'Asia/Jakarta' AS placed_at,
					i %% %[7]d = 13 AS fast_bast, i %% %[8]d = 17 AS fast_done
				FROM generate_series(1, %[1]d) i JOIN gen_opd d ON d.k = i %% %[2]d CROSS JOIN gen_base b) x`,
			n, opds, sups, days, payDaysSpread, hotPPKEvery, fastBASTEvery, fastDoneEvery), []any{start.Format(time.DateOnly)}},
		{"order lines (plan)", fmt.Sprintf(`CREATE TEMP TABLE gen_lines AS
			SELECT g.i, g.id AS order_id, p.p AS position, b.lines + 2 * (g.i - 1) + p.p AS id, l.id AS listing_id, l.title, l.unit, l.kind,
				l.category_id, l.ssh_item_id, l.ssh_ceiling, 1 + (g.i + p.p) %% 9 AS qty, l.price AS list_price,
				CASE WHEN g.i %% %d = 7 AND p.p = 1 THEN 2 * l.price ELSE l.price END AS unit_price
			FROM gen g CROSS JOIN (VALUES (1), (2)) p (p) CROSS JOIN gen_base b
			JOIN gen_listing l ON l.sidx = g.sidx AND l.p = p.p
			WHERE p.p <= 1 + g.i %% 2;
			ANALYZE gen, gen_lines`, priceEvery), nil},
		{"orders", `INSERT INTO orders (id, opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
				delivery_address, requested_date, supplier_pkp, supplier_pp55, total, received_total, rule_outcome, flagged, justifications,
				sp_number, placed_at, agreed_at, signed_at, accepted_at, shipped_at, received_at, bast_at, invoiced_at, paid_at, completed_at, updated_at)
			OVERRIDING SYSTEM VALUE
			SELECT g.id, g.opd_id, s.id, r.id, g.buyer_id, g.ppk_id, 'completed', '` + keyPrefix + `' || g.i,
				'Kantor OPD Uji, Padang Aro', (g.placed_at AT TIME ZONE 'Asia/Jakarta')::date + 7, false, false, t.total, t.total,
				CASE WHEN g.i % ` + fmt.Sprint(splitEvery) + ` = 1 THEN $1::jsonb ELSE '{}' END, g.i % ` + fmt.Sprint(splitEvery) + ` = 1,
				CASE WHEN g.i % ` + fmt.Sprint(splitEvery) + ` = 1 THEN $2::jsonb ELSE '{}' END,
				'BENCH/SP/' || g.i, g.placed_at, g.placed_at, g.signed_at, g.accepted_at, g.shipped_at, g.received_at, g.bast_at,
				g.invoiced_at, g.paid_at, g.completed_at, g.completed_at
			FROM gen g JOIN gen_sup s ON s.sidx = g.sidx
			JOIN rup_packages r ON r.opd_id = g.opd_id AND r.kode_rup LIKE '88%'
				AND r.fiscal_year = extract(year FROM g.placed_at AT TIME ZONE 'Asia/Jakarta')
			JOIN (SELECT i, sum(qty * unit_price) AS total FROM gen_lines GROUP BY i) t ON t.i = g.i`, []any{splitOutcome, splitJustification}},
		{"order lines", `INSERT INTO order_lines (id, order_id, position, listing_id, title, unit, kind, category_id, ssh_item_id, ssh_ceiling,
				qty, list_price, unit_dpp, unit_price, total, shipped_qty, received_qty)
			OVERRIDING SYSTEM VALUE
			SELECT id, order_id, position, listing_id, title, unit, kind, category_id, ssh_item_id, ssh_ceiling,
				qty, list_price, unit_price, unit_price, qty * unit_price, qty, qty
			FROM gen_lines`, nil},
		{"payments", `INSERT INTO order_payments (order_id, paid_on, method, reference, gross, ppn_collected, pph22, pph23, pp55, net,
				breakdown, user_id, recorded_at)
			SELECT o.id, (o.paid_at AT TIME ZONE 'Asia/Jakarta')::date, 'sp2d', 'BENCH-' || g.i, o.total, 0, 0, 0, 0, o.total, '{}',
				g.treasurer_id, o.paid_at
			FROM gen g JOIN orders o ON o.id = g.id`, nil},
		{"shipments", `INSERT INTO order_shipments (id, order_id, shipped_on, user_id, created_at) OVERRIDING SYSTEM VALUE
			SELECT b.shipments + g.i, g.id, (g.shipped_at AT TIME ZONE 'Asia/Jakarta')::date, g.buyer_id, g.shipped_at
			FROM gen g CROSS JOIN gen_base b;
			INSERT INTO order_shipment_lines (shipment_id, line_id, qty)
			SELECT b.shipments + l.i, l.id, l.qty FROM gen_lines l CROSS JOIN gen_base b`, nil},
		{"inspections", `INSERT INTO order_inspections (id, order_id, inspected_on, fungsi_ok, jumlah_ok, waktu_ok, complete, user_id, created_at)
			OVERRIDING SYSTEM VALUE
			SELECT b.inspections + g.i, g.id, (g.received_at AT TIME ZONE 'Asia/Jakarta')::date, true, true, true, true, g.buyer_id, g.received_at
			FROM gen g CROSS JOIN gen_base b;
			INSERT INTO order_inspection_lines (inspection_id, line_id, qty)
			SELECT b.inspections + l.i, l.id, l.qty FROM gen_lines l CROSS JOIN gen_base b`, nil},
		{"documents", `INSERT INTO order_documents (order_id, kind, number, content, pdf, renderer, pdf_sha256, signed_by, signed_at)
			SELECT g.id, k.kind, k.prefix || g.i, '{}', '\x', 'bench', repeat('0', 64), g.ppk_id,
				CASE k.kind WHEN 'sp' THEN g.signed_at WHEN 'bast' THEN g.bast_at ELSE g.paid_at END
			FROM gen g CROSS JOIN (VALUES ('sp', 'BENCH/SP/'), ('bast', 'BENCH/BAST/'), ('kuitansi', 'BENCH/KW/')) k (kind, prefix)`, nil},
		// A listing every fastListingEach suppliers is created 20 minutes
		// before its first order, then the price history starts.
		{"listing history", fmt.Sprintf(`UPDATE listings l SET created_at = f.first - interval '20 minutes', published_at = f.first - interval '20 minutes'
			FROM (SELECT gl.listing_id, min(g.placed_at) AS first FROM gen_lines gl JOIN gen g ON g.i = gl.i JOIN gen_listing x ON x.id = gl.listing_id
				WHERE x.sidx %% %d = 3 AND x.p = 1 GROUP BY 1) f
			WHERE l.id = f.listing_id;
			INSERT INTO listing_prices (listing_id, price, source, changed_at)
			SELECT l.id, l.price, 'create', l.created_at FROM listings l JOIN gen_listing x ON x.id = l.id`, fastListingEach), nil},
		{"sequences", `SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders)),
				setval(pg_get_serial_sequence('order_lines', 'id'), (SELECT max(id) FROM order_lines)),
				setval(pg_get_serial_sequence('order_shipments', 'id'), (SELECT max(id) FROM order_shipments)),
				setval(pg_get_serial_sequence('order_inspections', 'id'), (SELECT max(id) FROM order_inspections));
			DROP TABLE gen, gen_lines, gen_opd, gen_sup, gen_listing, gen_base`, nil},
	}
}
