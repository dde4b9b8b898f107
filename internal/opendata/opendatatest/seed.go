// Package opendatatest seeds completed orders for the tests of the open
// data and the transparency page: straight SQL inserts of orders in the
// states the ordering flow leaves them, with personal data planted
// everywhere it exists so that a test can check none of it is published.
package opendatatest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/demo"
	"lapak/internal/wib"
)

// Personal data planted in the seed; none of it may appear in published data.
var Secrets = []string{
	"3311012345670001",               // a NIK, in the SP's stored content
	"9120001234567",                  // the supplier's NIB
	"0123456789012345",               // the supplier's NPWP
	"+6281234567890", "081234567890", // the owner's phone
	"siti.owner@contoh.id",    // the owner's e-mail
	"1122334455",              // the bank account number
	"Siti Rahmawati",          // the owner's name
	"Jl. Kenanga No. 7",       // the owner's home address
	"Dr. Budi Santoso",        // the PPK's name
	"ppk.dinkes@contoh.id",    // the PPK's e-mail
	"197801012005011001",      // the PPK's NIP
	"Gudang Farmasi Lantai 2", // the delivery address
	"SP2D-RAHASIA-0001",       // the payment reference
}

// Seed is what Run created.
type Seed struct {
	OPD, OtherOPD int64 // DINKES and another OPD
	Suppliers     map[string]int64
	// Orders by name: plain (list price, delivered whole, paid without
	// withholding), negotiated (a PKP supplier, two offers, PPN and PPh 22
	// withheld), partial (two shipments, two inspections, part received),
	// services (goods and services, PPh 23), other_year (another OPD, 2025),
	// open (processing) and cancelled: the last two are never published.
	Orders map[string]int64
}

// Published lists the orders that are completed, in completion order.
func (s Seed) Published() []int64 {
	return []int64{s.Orders["other_year"], s.Orders["plain"], s.Orders["negotiated"], s.Orders["partial"], s.Orders["services"]}
}

// Day returns 09.00 WIB on the given date.
func Day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, wib.Location) }

type seeder struct {
	t    testing.TB
	ctx  context.Context
	db   *pgxpool.Pool
	seed Seed
	user map[string]int64
	list map[string]int64
	pkg  map[string]int64
	n    int
}

// Run seeds reference data, two suppliers, officials, listings, RUP packages
// and the orders described on Seed, into db.
func Run(t testing.TB, db *pgxpool.Pool) Seed {
	t.Helper()
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatal(err)
	}
	s := &seeder{t: t, ctx: ctx, db: db, seed: Seed{Suppliers: map[string]int64{}, Orders: map[string]int64{}},
		user: map[string]int64{}, list: map[string]int64{}, pkg: map[string]int64{}}
	s.scan("SELECT id FROM opds WHERE letter_code = 'DINKES'", &s.seed.OPD)
	s.scan("SELECT id FROM opds WHERE letter_code <> 'DINKES' ORDER BY id LIMIT 1", &s.seed.OtherOPD)
	s.parties()
	s.orders()
	return s.seed
}

func (s *seeder) scan(q string, dst any, args ...any) {
	s.t.Helper()
	if err := s.db.QueryRow(s.ctx, q, args...).Scan(dst); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
}

func (s *seeder) exec(q string, args ...any) {
	s.t.Helper()
	if _, err := s.db.Exec(s.ctx, q, args...); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
}

// parties creates the suppliers with their personal data, the officials,
// the listings and the packages.
func (s *seeder) parties() {
	var id int64
	s.scan(`INSERT INTO suppliers (name, kecamatan_code, status, scale, pkp, owner_name, legal_form, nib, npwp, address, phone, email,
		bank_name, bank_account_no, bank_account_name)
		VALUES ('Kopi Sangir Jaya', '13.11.01', 'verified', 'mikro', false, 'Siti Rahmawati', 'perorangan', '9120001234567', '0123456789012345',
		'Jl. Kenanga No. 7, Lubuk Gadang', '+6281234567890', 'siti.owner@contoh.id', 'Bank Nagari', '1122334455', 'Siti Rahmawati')
		RETURNING id`, &id)
	s.seed.Suppliers["umkm"] = id
	s.scan(`INSERT INTO suppliers (name, kecamatan_code, status, scale, pkp) VALUES ('CV Sungai Pagu Mandiri', '13.11.02', 'verified', 'kecil', true) RETURNING id`, &id)
	s.seed.Suppliers["pkp"] = id
	for _, u := range []struct{ key, name, email, nip, role string }{
		{"pp", "Pejabat Pengadaan Dinkes", "pp.dinkes@contoh.id", "198001012005011001", "pp"},
		{"ppk", "Dr. Budi Santoso", "ppk.dinkes@contoh.id", "197801012005011001", "ppk"},
		{"treasurer", "Bendahara Dinkes", "bendahara.dinkes@contoh.id", "198201012005011001", "treasurer"},
		{"owner", "Siti Rahmawati", "siti.owner@contoh.id", "", "supplier"},
	} {
		var nip any
		if u.nip != "" {
			nip = u.nip
		}
		s.scan(`INSERT INTO users (name, email, password_hash, nip) VALUES ($1, $2, 'x', $3) RETURNING id`, &id, u.name, u.email, nip)
		s.user[u.key] = id
		if u.role == "supplier" {
			s.exec(`INSERT INTO user_roles (user_id, role, supplier_id) VALUES ($1, 'supplier', $2)`, id, s.seed.Suppliers["umkm"])
		} else {
			s.exec(`INSERT INTO user_roles (user_id, role, opd_id) VALUES ($1, $2, $3)`, id, u.role, s.seed.OPD)
		}
	}
	var ssh int64
	s.scan(`INSERT INTO ssh_items (code, description, unit, ceiling_price, year) VALUES ('1.1.7.01.03.01.001', 'Kertas HVS 70 gram A4', 'rim', 60000, 2026) RETURNING id`, &ssh)
	for _, l := range []struct {
		key, kind, title, unit, cat, sup string
		price                            int64
		ssh                              any
	}{
		{"kertas", "goods", "Kertas HVS A4 70 gram", "rim", "KAT01", "umkm", 50_000, ssh},
		{"kopi", "goods", "Kopi Arabika Sangir 1 kg", "kg", "KAT12", "umkm", 120_000, nil},
		{"catering", "services", "Nasi kotak rapat", "kotak", "KAT12", "umkm", 35_000, nil},
		{"laptop", "goods", "Laptop kantor 14 inci", "unit", "KAT01", "pkp", 11_100_000, nil},
	} {
		var ceiling any
		if l.ssh != nil {
			ceiling = 60000
		}
		s.scan(`INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, status, published_at, ssh_item_id, ssh_ceiling)
			VALUES ($1, $2, $3, (SELECT id FROM categories WHERE code = $4), $5, $6, 'published', now(), $7, $8) RETURNING id`,
			&id, s.seed.Suppliers[l.sup], l.kind, l.title, l.cat, l.unit, l.price, l.ssh, ceiling)
		s.list[l.key] = id
	}
	for _, p := range []struct {
		key, kode, name string
		opd             int64
		year            int
	}{
		{"dinkes", "98765001", "Belanja alat tulis dan konsumsi rapat Dinas Kesehatan", s.seed.OPD, 2026},
		{"other", "98765002", "Belanja bahan kantor", s.seed.OtherOPD, 2025},
	} {
		s.scan(`INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, account_code, fiscal_year, ppk_user_id)
			VALUES ($1, $2, $3, 500000000, 'APBD', '5.1.02.01.01.0024', $4, $5) RETURNING id`, &id, p.opd, p.kode, p.name, p.year, s.user["ppk"])
		s.pkg[p.key] = id
	}
}

// line is an order line: qty of a listing at an agreed unit price (0: the list price).
type line struct {
	listing  string
	qty      int64
	price    int64
	received int64 // 0: all of qty
}

// order describes an order for insert.
type order struct {
	name, state, supplier, pkg string
	opd                        int64
	completed                  time.Time
	lines                      []line
	offers                     int
	shipments, inspections     [][]int64 // quantities per line, in line order
	ppn, pph22, pph23          int64     // withheld at payment
}

func (s *seeder) orders() {
	nov := func(d int) time.Time { return Day(2026, time.November, d) }
	for _, o := range []order{
		{name: "other_year", state: "completed", supplier: "umkm", pkg: "other", opd: s.seed.OtherOPD, completed: Day(2025, time.June, 10),
			lines: []line{{listing: "kertas", qty: 4}}},
		{name: "plain", state: "completed", supplier: "umkm", pkg: "dinkes", opd: s.seed.OPD, completed: nov(2),
			lines: []line{{listing: "kertas", qty: 10}, {listing: "kopi", qty: 2}}},
		{name: "negotiated", state: "completed", supplier: "pkp", pkg: "dinkes", opd: s.seed.OPD, completed: nov(9),
			lines: []line{{listing: "laptop", qty: 3, price: 10_545_000}}, offers: 2, ppn: 3_135_000, pph22: 427_500},
		{name: "partial", state: "completed", supplier: "umkm", pkg: "dinkes", opd: s.seed.OPD, completed: nov(16),
			lines:       []line{{listing: "kertas", qty: 40, received: 30}, {listing: "kopi", qty: 5}},
			shipments:   [][]int64{{20, 5}, {10, 0}},
			inspections: [][]int64{{20, 5}, {10, 0}}, pph22: 31_500},
		{name: "services", state: "completed", supplier: "umkm", pkg: "dinkes", opd: s.seed.OPD, completed: nov(23),
			lines: []line{{listing: "catering", qty: 100}, {listing: "kopi", qty: 1}}, pph22: 1_800, pph23: 70_000},
		{name: "open", state: "processing", supplier: "umkm", pkg: "dinkes", opd: s.seed.OPD, lines: []line{{listing: "kertas", qty: 1}}},
		{name: "cancelled", state: "cancelled", supplier: "umkm", pkg: "dinkes", opd: s.seed.OPD, lines: []line{{listing: "kertas", qty: 1}}},
	} {
		s.seed.Orders[o.name] = s.insert(o)
	}
}

// insert writes o with its lines, offers, shipments, inspections, documents
// and payment, as the ordering flow would have left them.
func (s *seeder) insert(o order) int64 {
	s.t.Helper()
	s.n++
	placed := o.completed.AddDate(0, 0, -20)
	if o.completed.IsZero() {
		placed = Day(2026, time.November, 20)
	}
	signed, accepted := placed.Add(24*time.Hour), placed.Add(26*time.Hour)
	var sp, reason, ended, completed, received, bast, paid any
	if o.state != "cancelled" {
		sp = fmt.Sprintf("UJI%03d/SP/DINKES/XI/2026", s.n)
	} else {
		reason, ended = "Dibatalkan oleh pemesan", placed.Add(time.Hour)
	}
	if o.state == "completed" {
		received, bast, paid, completed = o.completed.AddDate(0, 0, -6), o.completed.AddDate(0, 0, -5), o.completed.AddDate(0, 0, -3), o.completed
	}
	var id int64
	s.scan(`INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key, delivery_address,
		requested_date, notes, supplier_pkp, supplier_pp55, total, rule_outcome, sp_number, end_reason, ended_at, placed_at, agreed_at,
		signed_at, accepted_at, shipped_at, received_at, bast_at, invoiced_at, paid_at, completed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'Gudang Farmasi Lantai 2, Jl. Pemuda No. 1, Padang Aro', $8, 'Hubungi Siti Rahmawati 081234567890',
		$9, false, 0, '{"Results": []}', $10, coalesce($11, ''), $12, $13, $13, $14, $15, $16, $16, $17, $17, $18, $19)
		RETURNING id`, &id,
		o.opd, s.seed.Suppliers[o.supplier], s.pkg[o.pkg], s.user["pp"], s.user["ppk"], o.state, fmt.Sprintf("seed-%d-%d", s.n, time.Now().UnixNano()),
		placed.AddDate(0, 0, 14), o.supplier == "pkp", sp, reason, ended, placed, signed, accepted, received, bast, paid, completed)
	lineIDs := s.lines(id, o)
	s.exec(`UPDATE orders SET total = (SELECT sum(total) FROM order_lines WHERE order_id = $1) WHERE id = $1`, id)
	if o.state == "completed" {
		s.exec(`UPDATE orders SET received_total = (SELECT sum(received_qty * unit_price) FROM order_lines WHERE order_id = $1) WHERE id = $1`, id)
	}
	for round := 1; round <= o.offers; round++ {
		side := map[bool]string{true: "buyer", false: "supplier"}[round%2 == 1]
		s.exec(`INSERT INTO order_offers (order_id, round, side, user_id, prices, total, note, created_at)
			VALUES ($1, $2, $3, $4, '{}', 0, 'Mohon harga terbaik', $5)`, id, round, side, s.user["pp"], placed.Add(time.Duration(round)*time.Hour))
	}
	if o.state != "completed" {
		return id
	}
	s.deliveries(id, o, lineIDs)
	s.documents(id, o, sp.(string))
	s.payment(id, o)
	return id
}

// lines inserts o's lines at list or agreed prices and returns their ids.
func (s *seeder) lines(id int64, o order) []int64 {
	var ids []int64
	for i, l := range o.lines {
		received := l.received
		if received == 0 {
			received = l.qty
		}
		shipped := received
		if o.state != "completed" {
			shipped, received = 0, 0
		}
		var lid int64
		s.scan(`INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, category_id, ssh_item_id, ssh_ceiling, qty,
			list_price, unit_dpp, unit_price, total, shipped_qty, received_qty)
			SELECT $1, $2, id, title, unit, kind, category_id, ssh_item_id, ssh_ceiling, $3::int, price,
				coalesce(nullif($4::bigint, 0), price), coalesce(nullif($4::bigint, 0), price), coalesce(nullif($4::bigint, 0), price) * $3::int, $5::int, $6::int
			FROM listings WHERE id = $7 RETURNING id`, &lid, id, i+1, l.qty, l.price, shipped, received, s.list[l.listing])
		ids = append(ids, lid)
	}
	return ids
}

// deliveries inserts the shipments and inspections (one of each when o names none).
func (s *seeder) deliveries(id int64, o order, lineIDs []int64) {
	ships, insps := o.shipments, o.inspections
	if ships == nil {
		var all []int64
		for _, l := range o.lines {
			all = append(all, l.qty)
		}
		ships, insps = [][]int64{all}, [][]int64{all}
	}
	for i, qs := range ships {
		var sid int64
		s.scan(`INSERT INTO order_shipments (order_id, shipped_on, note, user_id) VALUES ($1, $2, 'Diantar oleh Siti Rahmawati', $3) RETURNING id`,
			&sid, id, wib.ISODate(o.completed.AddDate(0, 0, -12+i*3)), s.user["owner"])
		for j, q := range qs {
			if q > 0 {
				s.exec(`INSERT INTO order_shipment_lines (shipment_id, line_id, qty) VALUES ($1, $2, $3)`, sid, lineIDs[j], q)
			}
		}
	}
	for i, qs := range insps {
		var iid int64
		last := i == len(insps)-1
		s.scan(`INSERT INTO order_inspections (order_id, inspected_on, fungsi_ok, jumlah_ok, waktu_ok, notes, complete, user_id)
			VALUES ($1, $2, true, $3, true, 'Diperiksa oleh Dr. Budi Santoso', $4, $5) RETURNING id`,
			&iid, id, wib.ISODate(o.completed.AddDate(0, 0, -11+i*3)), !(last && len(insps) > 1), last, s.user["ppk"])
		for j, q := range qs {
			s.exec(`INSERT INTO order_inspection_lines (inspection_id, line_id, qty) VALUES ($1, $2, $3)`, iid, lineIDs[j], q)
		}
	}
}

// documents inserts the signed SP, BAST, invoice and kuitansi, whose
// stored content carries people's names and a NIK, as real ones do.
func (s *seeder) documents(id int64, o order, sp string) {
	content := `{"ppk": "Dr. Budi Santoso", "nip": "197801012005011001", "owner_nik": "3311012345670001", "phone": "+6281234567890"}`
	for i, d := range []struct{ kind, number string }{
		{"sp", sp}, {"bast", fmt.Sprintf("UJI%03d/BAST/DINKES/XI/2026", s.n)},
		{"invoice", fmt.Sprintf("UJI-INV-%03d", s.n)}, {"kuitansi", fmt.Sprintf("UJI%03d/KW/DINKES/XI/2026", s.n)},
	} {
		s.exec(`INSERT INTO order_documents (order_id, kind, number, content, pdf, renderer, pdf_sha256, signed_by, signed_at)
			VALUES ($1, $2, $3, $4, '\x25504446', 'seed', $5, $6, $7)`,
			id, d.kind, d.number, content, fmt.Sprintf("%064x", s.n*10+i), s.user["ppk"], o.completed.AddDate(0, 0, -10+i*2))
	}
}

// payment inserts the treasurer's payment of what was received.
func (s *seeder) payment(id int64, o order) {
	var gross int64
	s.scan(`SELECT received_total FROM orders WHERE id = $1`, &gross, id)
	net := gross - o.ppn - o.pph22 - o.pph23
	s.exec(`INSERT INTO order_payments (order_id, paid_on, method, reference, gross, ppn_collected, pph22, pph23, pp55, net, breakdown, user_id, recorded_at)
		VALUES ($1, $2, 'sp2d', 'SP2D-RAHASIA-0001', $3, $4, $5, $6, 0, $7, '{"bank_account": "1122334455"}', $8, $9)`,
		id, wib.ISODate(o.completed.AddDate(0, 0, -3)), gross, o.ppn, o.pph22, o.pph23, net, s.user["treasurer"], o.completed.AddDate(0, 0, -3))
}

// Clone copies completed order id n times, with its lines, offers,
// shipments, inspections, documents (numbers suffixed, as they are unique)
// and payment, completing the copies one minute apart after the original:
// data for timing an export.
func Clone(t testing.TB, db *pgxpool.Pool, id int64, n int) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE clone_ids (id bigint PRIMARY KEY) ON COMMIT DROP`); err != nil {
			return err
		}
		for _, q := range cloneSQL {
			if _, err := tx.Exec(ctx, q, id, n); err != nil {
				return fmt.Errorf("%.60s: %w", q, err)
			}
		}
		rows, err := tx.Query(ctx, `SELECT 'order_shipments', id FROM order_shipments WHERE order_id = $1
			UNION ALL SELECT 'order_inspections', id FROM order_inspections WHERE order_id = $1`, id)
		if err != nil {
			return err
		}
		type part struct {
			Table string
			ID    int64
		}
		parts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[part])
		if err != nil {
			return err
		}
		for _, p := range parts {
			if _, err := tx.Exec(ctx, cloneDelivery[p.Table], p.ID); err != nil {
				return fmt.Errorf("clone %s %d: %w", p.Table, p.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("clone order %d: %v", id, err)
	}
}

// cloneSQL copies order $1 $2 times; clone_ids holds the copies' ids.
var cloneSQL = []string{
	`WITH copies AS (
		INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key, delivery_address,
			requested_date, supplier_pkp, supplier_pp55, total, received_total, rule_outcome, sp_number, placed_at, agreed_at, signed_at,
			accepted_at, shipped_at, received_at, bast_at, invoiced_at, paid_at, completed_at)
		SELECT opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, 'clone-' || id || '-' || g, delivery_address,
			requested_date, supplier_pkp, supplier_pp55, total, received_total, rule_outcome, sp_number || '-C' || g, placed_at, agreed_at,
			signed_at, accepted_at, shipped_at, received_at, bast_at, invoiced_at, paid_at, completed_at + g * interval '1 minute'
		FROM orders, generate_series(1, $2::int) g WHERE id = $1
		RETURNING id)
	INSERT INTO clone_ids SELECT id FROM copies`,
	`INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, category_id, ssh_item_id, ssh_ceiling, qty,
		list_price, unit_dpp, unit_price, total, shipped_qty, received_qty)
	SELECT c.id, l.position, l.listing_id, l.title, l.unit, l.kind, l.category_id, l.ssh_item_id, l.ssh_ceiling, l.qty,
		l.list_price, l.unit_dpp, l.unit_price, l.total, l.shipped_qty, l.received_qty
	FROM clone_ids c, order_lines l WHERE l.order_id = $1 AND $2::int > 0`,
	`INSERT INTO order_offers (order_id, round, side, user_id, prices, total, note, created_at)
	SELECT c.id, f.round, f.side, f.user_id, f.prices, f.total, f.note, f.created_at
	FROM clone_ids c, order_offers f WHERE f.order_id = $1 AND $2::int > 0`,
	`INSERT INTO order_documents (order_id, kind, number, content, pdf, renderer, pdf_sha256, signed_by, signed_at)
	SELECT c.id, d.kind, d.number || '-C' || c.id, d.content, d.pdf, d.renderer, d.pdf_sha256, d.signed_by, d.signed_at
	FROM clone_ids c, order_documents d WHERE d.order_id = $1 AND $2::int > 0`,
	`INSERT INTO order_payments (order_id, paid_on, method, reference, gross, ppn_collected, pph22, pph23, pp55, net, breakdown, user_id)
	SELECT c.id, p.paid_on, p.method, p.reference, p.gross, p.ppn_collected, p.pph22, p.pph23, p.pp55, p.net, p.breakdown, p.user_id
	FROM clone_ids c, order_payments p WHERE p.order_id = $1 AND $2::int > 0`,
}

// cloneDelivery copies shipment or inspection $1 to every copy, matching lines by position.
var cloneDelivery = map[string]string{
	"order_shipments": `WITH n AS (
		INSERT INTO order_shipments (order_id, shipped_on, note, user_id)
		SELECT c.id, s.shipped_on, s.note, s.user_id FROM clone_ids c, order_shipments s WHERE s.id = $1
		RETURNING id, order_id)
	INSERT INTO order_shipment_lines (shipment_id, line_id, qty)
	SELECT n.id, nl.id, sl.qty FROM n
		JOIN order_shipment_lines sl ON sl.shipment_id = $1
		JOIN order_lines ol ON ol.id = sl.line_id
		JOIN order_lines nl ON nl.order_id = n.order_id AND nl.position = ol.position`,
	"order_inspections": `WITH n AS (
		INSERT INTO order_inspections (order_id, inspected_on, fungsi_ok, jumlah_ok, waktu_ok, notes, complete, user_id)
		SELECT c.id, i.inspected_on, i.fungsi_ok, i.jumlah_ok, i.waktu_ok, i.notes, i.complete, i.user_id
		FROM clone_ids c, order_inspections i WHERE i.id = $1
		RETURNING id, order_id)
	INSERT INTO order_inspection_lines (inspection_id, line_id, qty)
	SELECT n.id, nl.id, il.qty FROM n
		JOIN order_inspection_lines il ON il.inspection_id = $1
		JOIN order_lines ol ON ol.id = il.line_id
		JOIN order_lines nl ON nl.order_id = n.order_id AND nl.position = ol.position`,
}
