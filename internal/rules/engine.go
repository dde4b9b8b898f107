package rules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"lapak/internal/apperr"
	"lapak/internal/postgres"
	"lapak/internal/rup"
	"lapak/internal/rupiah"
	"lapak/internal/supplier"
	"lapak/internal/wib"
)

// MinJustification is the length, in characters, of the shortest written
// justification that satisfies a rule needing one.
const MinJustification = 20

// Ledger is the engine's view of live orders: those holding budget (every
// order after checkout that is not cancelled, rejected or expired). The
// ordering code implements it on its own tables; the engine never reads
// them. Implementations query with db, which is the caller's transaction
// when the check runs under row locks. See docs/rules.md.
type Ledger interface {
	rup.Ledger
	// RecentOrders returns the live orders of OPD opdID placed at or after
	// since that have a line in any of categoryIDs, with their totals in
	// those categories, leaving out order excludeOrderID (0 leaves out none).
	RecentOrders(ctx context.Context, db postgres.DBTX, opdID int64, categoryIDs []int64, since time.Time, excludeOrderID int64) ([]LedgerOrder, error)
}

// LedgerOrder is one live order as the split rule sees it.
type LedgerOrder struct {
	ID             int64
	PackageID      int64
	Total          int64           // contract value, including PPN
	CategoryTotals map[int64]int64 // line totals including PPN, by category id (the categories asked about)
	PlacedAt       time.Time       // when the order was checked out
}

// Line is one line of an order to check.
type Line struct {
	CategoryID int64  // the listing's catalog category; 0 when it has none
	Label      string // the listing's name, for messages
	Total      int64  // the line's value after negotiation, including PPN
	SSHCeiling int64  // the unit ceiling of the linked SSH item; 0 when not linked
	SSHExcess  int64  // rupiah per unit above SSHCeiling; 0 when within it or not linked
}

// Candidate is what an order supplies to be checked.
type Candidate struct {
	OrderID    int64 // the order when re-checked (at PPK signing), so it does not count itself; 0 at checkout
	OPDID      int64 // the ordering OPD
	PackageID  int64 // the RUP package (Kode RUP) the order is charged to; 0 when none is chosen yet
	SupplierID int64
	Lines      []Line
	At         time.Time // when the order is checked; the zero time means now
	// Lock takes row locks before reading, so that two orders checked
	// concurrently cannot both slip under a limit: the OPD row and the
	// package row FOR NO KEY UPDATE (in that order), the supplier row FOR
	// SHARE. db must then be a transaction, which holds the locks until the
	// order is stored. Use it when the PPK signs.
	Lock bool
	// OPDLocked says the caller's transaction already holds the OPD row's
	// lock (checkout takes it first, before its idempotency check), so Lock
	// need not take it again.
	OPDLocked bool
	// Justifications are the written justifications given, by rule; a rule
	// needing one is satisfied by a text of at least MinJustification characters.
	Justifications map[Code]string
}

// Total returns the order's contract value: the sum of its lines.
func (c Candidate) Total() int64 {
	var t int64
	for _, l := range c.Lines {
		t += l.Total
	}
	return t
}

func (c Candidate) validate() error {
	if c.OPDID <= 0 {
		return apperr.E(apperr.Invalid, "Pesanan harus dibuat atas nama sebuah OPD.")
	}
	if c.SupplierID <= 0 {
		return apperr.E(apperr.Invalid, "Pesanan harus ditujukan kepada seorang penyedia.")
	}
	if len(c.Lines) == 0 {
		return apperr.E(apperr.Invalid, "Pesanan belum berisi barang atau jasa.")
	}
	var t int64
	for _, l := range c.Lines {
		if l.Total < 0 || l.SSHCeiling < 0 || l.SSHExcess < 0 || l.Total > rupiah.Max {
			return apperr.E(apperr.Invalid, "Nilai baris pesanan tidak valid.")
		}
		if t += l.Total; t > rupiah.Max {
			return apperr.E(apperr.Invalid, "Nilai pesanan terlalu besar.")
		}
	}
	return nil
}

// Verdict is a rule's result for an order.
type Verdict string

// Verdicts.
const (
	Pass               Verdict = "pass"    // the rule is met
	NeedsJustification Verdict = "justify" // the order may go ahead with a written justification
	Refuse             Verdict = "refuse"  // the order may not go ahead
)

// Label is the verdict's name for users.
func (v Verdict) Label() string {
	switch v {
	case Pass:
		return "Memenuhi"
	case NeedsJustification:
		return "Perlu alasan tertulis"
	case Refuse:
		return "Ditolak"
	}
	return string(v)
}

// Result is one rule's result for an order.
type Result struct {
	Rule          Code    `json:"rule"`
	Verdict       Verdict `json:"verdict"`
	Message       string  `json:"message"`                 // for users: why, and what to do instead
	Flagged       bool    `json:"flagged,omitempty"`       // shown to auditors (split detection)
	Justified     bool    `json:"justified,omitempty"`     // a needed justification was given
	Justification string  `json:"justification,omitempty"` // the text given
	VersionID     int64   `json:"version_id"`
	Version       int     `json:"version"`
	LegalBasis    string  `json:"legal_basis"`
}

// Outcome is the result of checking an order against every rule; the
// ordering code stores it (it marshals to JSON) with the order.
type Outcome struct {
	CheckedAt time.Time `json:"checked_at"`
	Total     int64     `json:"total"`
	Results   []Result  `json:"results"`
}

// VersionIDs returns the ids of the rule versions the order was checked against.
func (o Outcome) VersionIDs() []int64 {
	ids := make([]int64, len(o.Results))
	for i, r := range o.Results {
		ids[i] = r.VersionID
	}
	return ids
}

// Refused reports whether a rule refuses the order.
func (o Outcome) Refused() bool {
	return slices.ContainsFunc(o.Results, func(r Result) bool { return r.Verdict == Refuse })
}

// Unjustified returns the results that need a justification not yet given.
func (o Outcome) Unjustified() []Result {
	var out []Result
	for _, r := range o.Results {
		if r.Verdict == NeedsJustification && !r.Justified {
			out = append(out, r)
		}
	}
	return out
}

// Allowed reports whether the order may go ahead: no rule refuses it and
// every needed justification was given.
func (o Outcome) Allowed() bool { return !o.Refused() && len(o.Unjustified()) == 0 }

// Flagged reports whether a result is flagged for auditors.
func (o Outcome) Flagged() bool {
	return slices.ContainsFunc(o.Results, func(r Result) bool { return r.Flagged })
}

// Result returns the result of rule code.
func (o Outcome) Result(code Code) (Result, bool) {
	i := slices.IndexFunc(o.Results, func(r Result) bool { return r.Rule == code })
	if i < 0 {
		return Result{}, false
	}
	return o.Results[i], true
}

// Engine checks orders against the rules in force.
type Engine struct {
	ledger Ledger
	now    func() time.Time
}

// NewEngine returns an Engine that sees live orders through ledger.
func NewEngine(ledger Ledger) *Engine { return &Engine{ledger: ledger, now: time.Now} }

// verdict is what one rule found.
type verdict struct {
	v       Verdict
	msg     string
	flagged bool
}

// Check checks c against the version of every rule in force at c.At and
// returns their results in checking order with the version ids used. It
// reads with db: the pool at checkout, the signing transaction (with
// c.Lock) when the PPK signs. A malformed candidate returns apperr.Invalid;
// a refusal is an Outcome, not an error. Check decides nothing about who
// may order: the ordering code checks the actor.
func (e *Engine) Check(ctx context.Context, db postgres.DBTX, c Candidate) (Outcome, error) {
	if err := c.validate(); err != nil {
		return Outcome{}, err
	}
	at := c.At
	if at.IsZero() {
		at = e.now()
	}
	at = at.In(wib.Location)
	r, err := readForCheck(ctx, db, c, at)
	if err != nil {
		return Outcome{}, err
	}
	versions := r.versions
	var ceiling CeilingParams
	if err := decode(versions[Ceiling], &ceiling); err != nil {
		return Outcome{}, err
	}
	total := c.Total()
	o := Outcome{CheckedAt: at, Total: total}
	add := func(code Code, r verdict) {
		v := versions[code]
		res := Result{Rule: code, Verdict: r.v, Message: r.msg, Flagged: r.flagged, VersionID: v.ID, Version: v.Version, LegalBasis: v.LegalBasis}
		if r.v == NeedsJustification {
			if text := strings.TrimSpace(c.Justifications[code]); len([]rune(text)) >= MinJustification {
				res.Justified, res.Justification = true, text
			}
		}
		o.Results = append(o.Results, res)
	}

	add(Ceiling, checkCeiling(ceiling, total))

	var pkg PackageParams
	if err := decode(versions[PackageBudget], &pkg); err != nil {
		return Outcome{}, err
	}
	pr, err := e.checkPackage(ctx, db, c, r, pkg, ceiling.Limit, total, at)
	if err != nil {
		return Outcome{}, err
	}

	var elig EligibleParams
	if err := decode(versions[EligibleSupplier], &elig); err != nil {
		return Outcome{}, err
	}
	add(EligibleSupplier, checkEligible(r, elig))
	add(PackageBudget, pr)

	var split SplitParams
	if err := decode(versions[Split], &split); err != nil {
		return Outcome{}, err
	}
	sr, err := e.checkSplit(ctx, db, c, r, split, ceiling.Limit, total, at)
	if err != nil {
		return Outcome{}, err
	}
	add(Split, sr)

	var ssh SSHParams
	if err := decode(versions[SSHCeiling], &ssh); err != nil {
		return Outcome{}, err
	}
	add(SSHCeiling, checkSSH(c, ssh))
	return o, nil
}

// checkReads is what Check reads before it judges, in one round trip (with
// Lock, the row locks are taken in the order OPD, package, supplier).
type checkReads struct {
	versions map[Code]Version
	pkg      rup.Package
	noPkg    bool // no package with the candidate's id
	supplier struct {
		found                           bool
		name, kecCode, kecName, suspend string
		status                          supplier.Status
		scale                           supplier.Scale
	}
	cats  []int64         // the candidate's categories, in id order
	own   map[int64]int64 // the candidate's line totals by category
	names map[int64]string
}

func readForCheck(ctx context.Context, db postgres.DBTX, c Candidate, at time.Time) (checkReads, error) {
	var r checkReads
	r.cats, r.own = candidateCategories(c)
	b := &pgx.Batch{}
	if c.Lock && !c.OPDLocked {
		b.Queue("SELECT 1 FROM opds WHERE id = $1 FOR NO KEY UPDATE", c.OPDID).Exec(func(pgconn.CommandTag) error { return nil })
	}
	b.Queue(inForceQuery, wib.ISODate(at)).Query(func(rows pgx.Rows) error {
		var err error
		r.versions, err = collectInForce(rows, at)
		return err
	})
	if c.PackageID != 0 {
		b.Queue(rup.LookupQuery(c.Lock), c.PackageID).Query(func(rows pgx.Rows) error {
			var err error
			r.pkg, err = rup.ScanLookup(rows)
			if errors.Is(err, apperr.NotFound) {
				r.noPkg, err = true, nil
			}
			return err
		})
	}
	q := `SELECT s.name, s.status, s.scale, coalesce(s.kecamatan_code, ''), coalesce(k.name, ''), s.suspended_reason
		FROM suppliers s LEFT JOIN kecamatan k ON k.code = s.kecamatan_code WHERE s.id = $1`
	if c.Lock {
		q += " FOR SHARE OF s"
	}
	b.Queue(q, c.SupplierID).QueryRow(func(row pgx.Row) error {
		s := &r.supplier
		err := row.Scan(&s.name, &s.status, &s.scale, &s.kecCode, &s.kecName, &s.suspend)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		s.found = err == nil
		return err
	})
	if len(r.cats) > 0 {
		b.Queue("SELECT id, name FROM categories WHERE id = ANY($1)", r.cats).Query(func(rows pgx.Rows) error {
			r.names = map[int64]string{}
			for rows.Next() {
				var id int64
				var name string
				if err := rows.Scan(&id, &name); err != nil {
					return err
				}
				r.names[id] = name
			}
			return rows.Err()
		})
	}
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return checkReads{}, fmt.Errorf("rules: read for check: %w", postgres.Classify(err))
	}
	return r, nil
}

// candidateCategories returns c's line categories in id order and its line
// totals by category.
func candidateCategories(c Candidate) ([]int64, map[int64]int64) {
	own := map[int64]int64{}
	var cats []int64
	for _, l := range c.Lines {
		if l.CategoryID == 0 {
			continue
		}
		if _, ok := own[l.CategoryID]; !ok {
			cats = append(cats, l.CategoryID)
		}
		own[l.CategoryID] += l.Total
	}
	slices.Sort(cats)
	return cats, own
}

func decode(v Version, into any) error {
	if err := json.Unmarshal(v.Params, into); err != nil {
		return fmt.Errorf("rules: params of %s version %d: %w", v.Rule, v.Version, err)
	}
	return nil
}

func checkCeiling(p CeilingParams, total int64) verdict {
	if total > p.Limit {
		return verdict{v: Refuse, msg: fmt.Sprintf("Nilai pesanan %s melebihi batas %s untuk e-marketplace UMKM. Gunakan tender atau e-Katalog nasional.",
			rupiah.Format(total), rupiah.Format(p.Limit))}
	}
	return verdict{v: Pass, msg: fmt.Sprintf("Nilai pesanan %s tidak melebihi batas %s.", rupiah.Format(total), rupiah.Format(p.Limit))}
}

func checkEligible(r checkReads, p EligibleParams) verdict {
	if !r.supplier.found {
		return verdict{v: Refuse, msg: "Penyedia tidak ditemukan. Pilih penyedia dari katalog Lapak."}
	}
	name, status, scale, kecCode, kecName, suspended := r.supplier.name, r.supplier.status, r.supplier.scale,
		r.supplier.kecCode, r.supplier.kecName, r.supplier.suspend
	var problems []string
	switch status {
	case supplier.StatusVerified:
	case supplier.StatusSuspended:
		msg := name + " sedang dibekukan oleh Koperindag dan tidak dapat menerima pesanan"
		if suspended != "" {
			msg += " (alasan: " + strings.TrimRight(suspended, ".") + ")"
		}
		problems = append(problems, msg+".")
	default:
		problems = append(problems, name+" belum diverifikasi Koperindag (status: "+strings.ToLower(status.Label())+").")
	}
	if !slices.Contains(p.Scales, string(scale)) {
		if scale == "" {
			problems = append(problems, name+" belum mencatat skala usahanya, sehingga belum dapat dipastikan sebagai UMKM.")
		} else {
			problems = append(problems, name+" tercatat sebagai "+strings.ToLower(scale.Label())+", bukan skala usaha yang dapat menerima pesanan di Lapak ("+strings.Join(p.Scales, ", ")+").")
		}
	}
	if kecCode == "" || !strings.HasPrefix(kecCode, p.RegencyCode+".") {
		problems = append(problems, name+" tidak tercatat berdomisili di "+p.RegencyName+" (kecamatan usahanya tidak berada di kabupaten ini).")
	}
	if len(problems) > 0 {
		return verdict{v: Refuse, msg: strings.Join(problems, " ") + " Pilih penyedia lain yang terverifikasi, berskala UMKM dan berdomisili di " + p.RegencyName +
			", atau gunakan e-Katalog nasional."}
	}
	return verdict{v: Pass, msg: name + " terverifikasi, berskala " + strings.ToLower(scale.Label()) + ", dan berdomisili di Kecamatan " + kecName + "."}
}

func (e *Engine) checkPackage(ctx context.Context, db postgres.DBTX, c Candidate, r checkReads, p PackageParams, limit, total int64, at time.Time) (verdict, error) {
	if c.PackageID == 0 {
		return verdict{v: Refuse, msg: "Pesanan belum memilih paket RUP. Pilih Kode RUP OPD Anda yang menanggung belanja ini."}, nil
	}
	if r.noPkg {
		return verdict{v: Refuse, msg: "Paket RUP tidak ditemukan. Pilih Kode RUP yang terdaftar di Lapak."}, nil
	}
	pkg := r.pkg
	kode := pkg.KodeRUP
	switch {
	case pkg.OPDID != c.OPDID:
		return verdict{v: Refuse, msg: "Paket RUP " + kode + " milik " + pkg.OPDName + ", bukan OPD pemesan. Pilih paket RUP OPD Anda sendiri."}, nil
	case !pkg.Active:
		return verdict{v: Refuse, msg: "Paket RUP " + kode + " tidak aktif. Pilih paket lain, atau minta PP/PPK OPD Anda mengaktifkannya kembali."}, nil
	case p.SameFiscalYear && pkg.FiscalYear != at.Year():
		return verdict{v: Refuse, msg: fmt.Sprintf("Paket RUP %s untuk tahun anggaran %d, sedangkan pesanan dibuat pada tahun %d. Pilih paket RUP tahun anggaran %d.",
			kode, pkg.FiscalYear, at.Year(), at.Year())}, nil
	}
	live, err := e.ledger.LiveTotalForPackage(ctx, db, pkg.ID, c.OrderID)
	if err != nil {
		return verdict{}, fmt.Errorf("rules: live total of package %d: %w", pkg.ID, err)
	}
	after := live + total
	if after > pkg.Pagu {
		return verdict{v: Refuse, msg: fmt.Sprintf("Sisa pagu paket RUP %s tinggal %s (pagu %s, pesanan berjalan %s), sedangkan pesanan ini %s. Kurangi pesanan, pilih paket RUP lain, atau revisi pagu paket di SiRUP lebih dulu.",
			kode, rupiah.Format(max(pkg.Pagu-live, 0)), rupiah.Format(pkg.Pagu), rupiah.Format(live), rupiah.Format(total))}, nil
	}
	if after > limit {
		return verdict{v: Refuse, msg: fmt.Sprintf("Pesanan berjalan pada paket RUP %s akan berjumlah %s, melebihi batas %s untuk e-marketplace UMKM. Satu paket tidak boleh dipenuhi beberapa pesanan yang bersama-sama melewati batas itu; adakan sisanya lewat tender atau e-Katalog nasional.",
			kode, rupiah.Format(after), rupiah.Format(limit))}, nil
	}
	return verdict{v: Pass, msg: fmt.Sprintf("Paket RUP %s berpagu %s; setelah pesanan ini tersisa %s.", kode, rupiah.Format(pkg.Pagu), rupiah.Format(pkg.Pagu-after))}, nil
}

func (e *Engine) checkSplit(ctx context.Context, db postgres.DBTX, c Candidate, r checkReads, p SplitParams, limit, total int64, at time.Time) (verdict, error) {
	cats, own, names := r.cats, r.own, r.names
	if len(cats) == 0 {
		return verdict{v: Pass, msg: "Barang atau jasa pesanan ini tidak berkategori, sehingga pola pemecahan paket tidak dapat diperiksa."}, nil
	}
	since := at.AddDate(0, 0, -p.WindowDays)
	recent, err := e.ledger.RecentOrders(ctx, db, c.OPDID, cats, since, c.OrderID)
	if err != nil {
		return verdict{}, fmt.Errorf("rules: recent orders of opd %d: %w", c.OPDID, err)
	}
	catName := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	var problems []string
	for _, cat := range cats {
		var before int64
		for _, o := range recent {
			before += o.CategoryTotals[cat]
		}
		if before > 0 && before+own[cat] > limit {
			problems = append(problems, fmt.Sprintf("Dalam %d hari terakhir OPD ini sudah memesan %s pada kategori %s; bersama pesanan ini jumlahnya %s, melebihi batas %s.",
				p.WindowDays, rupiah.Format(before), catName(cat), rupiah.Format(before+own[cat]), rupiah.Format(limit)))
		}
	}
	for _, edge := range p.BandEdges {
		lo := edge - edge*int64(p.MarginPercent)/100
		if total < lo || total > edge {
			continue
		}
		n := 1
		for _, o := range recent {
			if o.Total >= lo && o.Total <= edge {
				n++
			}
		}
		if n >= p.ClusterMinOrders {
			problems = append(problems, fmt.Sprintf("Pesanan ini (%s) dan %d pesanan lain OPD ini pada kategori yang sama dalam %d hari terakhir bernilai sedikit di bawah %s.",
				rupiah.Format(total), n-1, p.WindowDays, rupiah.Format(edge)))
		}
		break
	}
	if len(problems) > 0 {
		return verdict{v: NeedsJustification, flagged: true, msg: strings.Join(problems, " ") +
			" Memecah pengadaan untuk menghindari tender dilarang. Tulis alasan mengapa pesanan ini bukan pemecahan paket (misalnya kebutuhan yang baru muncul dan tidak dapat direncanakan); pesanan ini ditandai untuk auditor. Bila kebutuhannya sebenarnya satu, gabungkan dan adakan lewat tender."}, nil
	}
	return verdict{v: Pass, msg: fmt.Sprintf("Tidak ada tanda pemecahan paket pada pesanan OPD ini dalam %d hari terakhir.", p.WindowDays)}, nil
}

func checkSSH(c Candidate, p SSHParams) verdict {
	var problems []string
	for _, l := range c.Lines {
		if l.SSHExcess <= 0 {
			continue
		}
		label := l.Label
		if label == "" {
			label = "barang/jasa ini"
		}
		if l.SSHCeiling == 0 {
			problems = append(problems, fmt.Sprintf("Harga %s melebihi batas SSH sebesar %s per satuan.", label, rupiah.Format(l.SSHExcess)))
			continue
		}
		if l.SSHExcess*100 <= l.SSHCeiling*int64(p.TolerancePercent) {
			continue
		}
		problems = append(problems, fmt.Sprintf("Harga %s %s per satuan melebihi batas SSH %s (selisih %s).",
			label, rupiah.Format(l.SSHCeiling+l.SSHExcess), rupiah.Format(l.SSHCeiling), rupiah.Format(l.SSHExcess)))
	}
	if len(problems) > 0 {
		return verdict{v: NeedsJustification, msg: strings.Join(problems, " ") +
			" Tulis alasan harga ini wajar (misalnya spesifikasi lebih tinggi atau harga pasar terkini), atau pilih penawaran yang sesuai SSH."}
	}
	return verdict{v: Pass, msg: "Semua harga dalam batas Standar Satuan Harga (SSH) atau tidak tertaut ke SSH."}
}
