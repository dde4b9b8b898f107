package reporting

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
)

// Stage is one step of the onboarding funnel.
type Stage struct {
	Code, Label string
}

// Stages are the funnel's steps in order (DESIGN.md section 4). The last
// three count suppliers that ever published a listing, that got an order
// as far as a signed Surat Pesanan, and that were paid for one.
var Stages = []Stage{
	{"registry", "Terdata di registri"},
	{"invited", "Diundang"},
	{"activated", "Akun aktif"},
	{"submitted", "Mengajukan verifikasi"},
	{"verified", "Terverifikasi"},
	{"trained", "Ikut pembekalan"},
	{"listed", "Produk pertama tayang"},
	{"ordered", "Pesanan pertama"},
	{"paid", "Pembayaran pertama"},
}

// FunnelRow is the count at every stage for one area (a kecamatan or a nagari).
type FunnelRow struct {
	Code, Name string
	Counts     []int // one per Stages entry
}

// Funnel is the onboarding funnel by area, with a total.
type Funnel struct {
	Kecamatan string // the kecamatan whose nagari are the rows; "" for all kecamatan
	Rows      []FunnelRow
	Total     FunnelRow
}

// Funnel counts businesses at every stage, by kecamatan, or by nagari of one
// kecamatan when kecamatanCode is set. Koperindag staff, admins and auditors may.
func (s *Service) Funnel(ctx context.Context, kecamatanCode string) (Funnel, error) {
	if !audit.ActorFrom(ctx).HasRole("admin", "koperindag", "auditor") {
		return Funnel{}, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat corong pendaftaran.")
	}
	// area(x) is the kecamatan code, or the nagari code inside the chosen kecamatan.
	area := "kecamatan_code"
	areas := "SELECT code, name FROM kecamatan"
	filter := "TRUE"
	if kecamatanCode != "" {
		area = "nagari_code"
		areas = "SELECT code, name FROM nagari WHERE kecamatan_code = $1"
		filter = "kecamatan_code = $1"
	}
	q := fmt.Sprintf(`
		WITH areas AS (%[2]s),
		reg AS (
			SELECT e.%[1]s AS code, count(*) AS registry,
				count(*) FILTER (WHERE EXISTS (SELECT 1 FROM invitations i WHERE i.registry_entry_id = e.id)) AS invited
			FROM registry_entries e WHERE %[3]s GROUP BY 1),
		sup AS (
			SELECT s.%[1]s AS code,
				count(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_roles r WHERE r.supplier_id = s.id)) AS activated,
				count(*) FILTER (WHERE s.submitted_at IS NOT NULL OR s.status IN ('submitted', 'returned', 'verified')) AS submitted,
				count(*) FILTER (WHERE s.verified_at IS NOT NULL) AS verified,
				count(*) FILTER (WHERE EXISTS (SELECT 1 FROM training_participants p WHERE p.supplier_id = s.id AND p.attended)) AS trained,
				count(*) FILTER (WHERE EXISTS (SELECT 1 FROM listings l WHERE l.supplier_id = s.id AND l.published_at IS NOT NULL)) AS listed,
				count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.supplier_id = s.id AND o.sp_number IS NOT NULL)) AS ordered,
				count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o JOIN order_payments p ON p.order_id = o.id WHERE o.supplier_id = s.id)) AS paid
			FROM suppliers s WHERE %[3]s GROUP BY 1)
		SELECT a.code, a.name, coalesce(reg.registry, 0), coalesce(reg.invited, 0), coalesce(sup.activated, 0),
			coalesce(sup.submitted, 0), coalesce(sup.verified, 0), coalesce(sup.trained, 0),
			coalesce(sup.listed, 0), coalesce(sup.ordered, 0), coalesce(sup.paid, 0)
		FROM areas a LEFT JOIN reg ON reg.code = a.code LEFT JOIN sup ON sup.code = a.code
		ORDER BY a.code`, area, areas, filter)
	var args []any
	if kecamatanCode != "" {
		args = append(args, kecamatanCode)
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return Funnel{}, fmt.Errorf("reporting: funnel: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (FunnelRow, error) {
		row := FunnelRow{Counts: make([]int, len(Stages))}
		c := row.Counts
		err := r.Scan(&row.Code, &row.Name, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8])
		return row, err
	})
	if err != nil {
		return Funnel{}, fmt.Errorf("reporting: funnel: %w", postgres.Classify(err))
	}
	if kecamatanCode != "" && len(list) == 0 {
		return Funnel{}, apperr.E(apperr.NotFound, "Kecamatan tidak ditemukan.")
	}
	f := Funnel{Kecamatan: kecamatanCode, Rows: list, Total: FunnelRow{Name: "Jumlah", Counts: make([]int, len(Stages))}}
	for _, r := range list {
		for i, n := range r.Counts {
			f.Total.Counts[i] += n
		}
	}
	return f, nil
}

// Conversion returns stage i's count as a percentage of stage i-1's, or -1
// when there is nothing to compare with.
// Suppliers that registered themselves are counted from "activated" on but
// were never in the registry, so a later stage can outnumber an earlier one;
// no percentage is shown then.
func (r FunnelRow) Conversion(i int) int {
	if i == 0 || r.Counts[i-1] == 0 || r.Counts[i] > r.Counts[i-1] {
		return -1
	}
	return r.Counts[i] * 100 / r.Counts[i-1]
}
