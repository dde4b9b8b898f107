package opendata

import (
	"fmt"
	"strings"
	"time"

	"lapak/internal/wib"
)

// orderRow is one completed order with everything its release needs, read
// in one query so that an export streams without a query per order.
type orderRow struct {
	ID            int64
	SPNumber      string
	Total         int64
	ReceivedTotal *int64
	PlacedAt      time.Time
	SignedAt      *time.Time
	AcceptedAt    *time.Time
	CompletedAt   time.Time
	OPDCode       string
	OPDName       string
	OPDAddress    string
	SupplierID    int64
	SupplierName  string
	SupplierScale string
	Kecamatan     string
	KodeRUP       string
	PackageName   string
	Funding       string
	FiscalYear    int
	Offers        int
	Lines         []lineRow
	Shipments     []deliveryRow
	Inspections   []deliveryRow
	Documents     []documentRow
	Payment       *paymentRow
}

// lineRow is an order line as the query's JSON gives it.
type lineRow struct {
	ID        int64  `json:"id"`
	Position  int    `json:"pos"`
	Title     string `json:"title"`
	Unit      string `json:"unit"`
	Kind      string `json:"kind"`
	CatCode   string `json:"cat_code"`
	CatName   string `json:"cat_name"`
	SSHCode   string `json:"ssh_code"`
	SSHDesc   string `json:"ssh_desc"`
	Qty       int64  `json:"qty"`
	ListPrice int64  `json:"list_price"`
	UnitPrice int64  `json:"unit_price"`
	Total     int64  `json:"total"`
	Received  int64  `json:"received"`
}

// deliveryRow is a shipment or an inspection with its quantities per line.
type deliveryRow struct {
	ID       int64         `json:"id"`
	On       string        `json:"on"` // YYYY-MM-DD
	OK       bool          `json:"ok"`
	Complete bool          `json:"complete"`
	Lines    []quantityRow `json:"lines"`
}

// quantityRow is a quantity of one line.
type quantityRow struct {
	Line int64 `json:"line"`
	Qty  int64 `json:"qty"`
}

// documentRow is a signed document's kind, number and date; never its content.
type documentRow struct {
	Kind   string    `json:"kind"`
	Number string    `json:"number"`
	At     time.Time `json:"at"`
}

// paymentRow is the treasurer's payment: the gross and what was withheld.
type paymentRow struct {
	PaidOn                              time.Time
	Gross, PPN, PPh22, PPh23, PP55, Net int64
}

// releaseQuery returns the query of f's releases and its arguments. The
// orders are chosen and sorted as narrow rows in a subquery (which
// PostgreSQL does not flatten, as it is sorted); the JSON sub-selects,
// correlated on indexed order_id columns, run above it, row by row as the
// cursor reads, so nothing wide is sorted or held in memory.
func (f Filter) releaseQuery() (string, []any) {
	where, args := f.where()
	return `SELECT x.*,
	(SELECT count(*) FROM order_offers f WHERE f.order_id = x.id),
	(SELECT json_agg(json_build_object('id', l.id, 'pos', l.position, 'title', l.title, 'unit', l.unit, 'kind', l.kind,
		'cat_code', coalesce(c.code, ''), 'cat_name', coalesce(c.name, ''), 'ssh_code', coalesce(si.code, ''), 'ssh_desc', coalesce(si.description, ''),
		'qty', l.qty, 'list_price', l.list_price, 'unit_price', l.unit_price, 'total', l.total, 'received', l.received_qty) ORDER BY l.position)
		FROM order_lines l LEFT JOIN categories c ON c.id = l.category_id LEFT JOIN ssh_items si ON si.id = l.ssh_item_id
		WHERE l.order_id = x.id),
	(SELECT json_agg(json_build_object('id', sh.id, 'on', sh.shipped_on, 'ok', true, 'complete', false,
		'lines', (SELECT json_agg(json_build_object('line', sl.line_id, 'qty', sl.qty) ORDER BY sl.line_id) FROM order_shipment_lines sl WHERE sl.shipment_id = sh.id))
		ORDER BY sh.shipped_on, sh.id)
		FROM order_shipments sh WHERE sh.order_id = x.id),
	(SELECT json_agg(json_build_object('id', i.id, 'on', i.inspected_on, 'ok', i.fungsi_ok AND i.jumlah_ok AND i.waktu_ok, 'complete', i.complete,
		'lines', (SELECT json_agg(json_build_object('line', il.line_id, 'qty', il.qty) ORDER BY il.line_id) FROM order_inspection_lines il WHERE il.inspection_id = i.id))
		ORDER BY i.inspected_on, i.id)
		FROM order_inspections i WHERE i.order_id = x.id),
	(SELECT json_agg(json_build_object('kind', doc.kind, 'number', doc.number, 'at', doc.signed_at) ORDER BY doc.signed_at, doc.id)
		FROM order_documents doc WHERE doc.order_id = x.id AND doc.kind IN ('sp', 'bast', 'kuitansi'))
	FROM (SELECT o.id, o.sp_number, o.total, o.received_total, o.placed_at, o.signed_at, o.accepted_at, o.completed_at,
		d.code AS opd_code, d.name AS opd_name, d.address AS opd_address, s.id AS supplier_id, s.name AS supplier_name, s.scale,
		coalesce(k.name, '') AS kecamatan, r.kode_rup, r.name AS package_name, r.funding_source, r.fiscal_year,
		p.paid_on, p.gross, p.ppn_collected, p.pph22, p.pph23, p.pp55, p.net
		FROM orders o
		JOIN opds d ON d.id = o.opd_id
		JOIN suppliers s ON s.id = o.supplier_id
		LEFT JOIN kecamatan k ON k.code = s.kecamatan_code
		JOIN rup_packages r ON r.id = o.rup_package_id
		LEFT JOIN order_payments p ON p.order_id = o.id
		` + where + ` ORDER BY o.completed_at, o.id ` + f.limit() + `) x`, args
}

// where returns the conditions of f and their arguments: completed orders
// only, by completion time in WIB.
func (f Filter) where() (string, []any) {
	conds := []string{"o.state = 'completed'"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if !f.From.IsZero() {
		add("o.completed_at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("o.completed_at < $%d", f.To.AddDate(0, 0, 1))
	}
	if f.OPDID != 0 {
		add("o.opd_id = $%d", f.OPDID)
	}
	if f.orderID != 0 {
		add("o.id = $%d", f.orderID)
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

// limit returns the LIMIT and OFFSET of f's page, asking one row more to
// learn whether a next page exists; "" for every row.
func (f Filter) limit() string {
	if f.Page == 0 {
		return ""
	}
	size := f.size()
	return fmt.Sprintf("LIMIT %d OFFSET %d", size+1, (f.Page-1)*size)
}

func (f Filter) size() int {
	if f.PageSize <= 0 {
		return DefaultPageSize
	}
	return f.PageSize
}

// scanOrder reads one row of releaseQuery.
func scanOrder(row interface{ Scan(...any) error }) (orderRow, error) {
	var o orderRow
	var paidOn *time.Time
	var gross, ppn, pph22, pph23, pp55, net *int64
	err := row.Scan(&o.ID, &o.SPNumber, &o.Total, &o.ReceivedTotal, &o.PlacedAt, &o.SignedAt, &o.AcceptedAt, &o.CompletedAt,
		&o.OPDCode, &o.OPDName, &o.OPDAddress, &o.SupplierID, &o.SupplierName, &o.SupplierScale, &o.Kecamatan,
		&o.KodeRUP, &o.PackageName, &o.Funding, &o.FiscalYear,
		&paidOn, &gross, &ppn, &pph22, &pph23, &pp55, &net,
		&o.Offers, &o.Lines, &o.Shipments, &o.Inspections, &o.Documents)
	if err != nil {
		return o, err
	}
	if paidOn != nil {
		// A date column arrives as midnight UTC; the payment was made that day in WIB.
		day := time.Date(paidOn.Year(), paidOn.Month(), paidOn.Day(), 0, 0, 0, 0, wib.Location)
		o.Payment = &paymentRow{PaidOn: day, Gross: *gross, PPN: *ppn, PPh22: *pph22, PPh23: *pph23, PP55: *pp55, Net: *net}
	}
	return o, nil
}
