package rules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"lapak/internal/rupiah"
	"lapak/internal/validate"
)

// Code names a rule the engine knows.
type Code string

// The rules of DESIGN.md section 3, in the order the engine checks them.
const (
	Ceiling          Code = "ceiling"
	EligibleSupplier Code = "eligible_supplier"
	PackageBudget    Code = "package_budget"
	Split            Code = "split"
	SSHCeiling       Code = "ssh_ceiling"
)

// Codes lists every rule in checking order.
var Codes = []Code{Ceiling, EligibleSupplier, PackageBudget, Split, SSHCeiling}

// CeilingParams are the parameters of the ceiling rule.
type CeilingParams struct {
	Limit int64 `json:"limit"` // largest contract value of one order, including PPN
}

// EligibleParams are the parameters of the eligible-supplier rule.
type EligibleParams struct {
	Scales      []string `json:"scales"`       // business scales that may receive orders
	RegencyCode string   `json:"regency_code"` // Kemendagri code; the supplier's kecamatan must be within it
	RegencyName string   `json:"regency_name"` // for messages, e.g. "Kabupaten Solok Selatan"
}

// PackageParams are the parameters of the package-budget rule. The cap on
// all live orders of a package is the ceiling rule's limit.
type PackageParams struct {
	SameFiscalYear bool `json:"same_fiscal_year"` // the package's fiscal year must be the year of the order
}

// SplitParams are the parameters of the split-detection rule.
type SplitParams struct {
	WindowDays       int     `json:"window_days"`        // how far back orders of the OPD are looked at
	BandEdges        []int64 `json:"band_edges"`         // value band edges orders cluster under
	MarginPercent    int     `json:"margin_percent"`     // "just under": within this percent below an edge
	ClusterMinOrders int     `json:"cluster_min_orders"` // orders (this one included) that make a cluster
}

// SSHParams are the parameters of the SSH-ceiling rule.
type SSHParams struct {
	TolerancePercent int `json:"tolerance_percent"` // an excess up to this percent of the SSH ceiling passes
}

// Field is one editable parameter of a rule, as the admin form shows it.
type Field struct {
	Name    string
	Label   string
	Hint    string
	Type    string   // "text", "number", "checkbox" or "checks"
	Options []string // for "checks"
}

// Fields returns the editable parameters of rule code.
func Fields(code Code) []Field {
	switch code {
	case Ceiling:
		return []Field{{Name: "limit", Label: "Batas nilai satu pesanan (Rp, termasuk PPN)", Hint: "Contoh: 200.000.000.", Type: "text"}}
	case EligibleSupplier:
		return []Field{
			{Name: "scales", Label: "Skala usaha yang boleh menerima pesanan", Type: "checks", Options: []string{"mikro", "kecil", "menengah", "besar"}},
			{Name: "regency_code", Label: "Kode wilayah kabupaten (Kemendagri)", Hint: "Kecamatan penyedia harus berada di wilayah ini, misalnya 13.11.", Type: "text"},
			{Name: "regency_name", Label: "Nama kabupaten", Hint: "Dipakai dalam pesan, misalnya Kabupaten Solok Selatan.", Type: "text"},
		}
	case PackageBudget:
		return []Field{{Name: "same_fiscal_year", Label: "Paket RUP harus untuk tahun anggaran saat pesanan dibuat", Type: "checkbox"}}
	case Split:
		return []Field{
			{Name: "window_days", Label: "Jangka waktu (hari)", Hint: "Pesanan OPD yang sama pada kategori yang sama dalam sekian hari terakhir dijumlahkan.", Type: "number"},
			{Name: "band_edges", Label: "Batas jenjang (Rp)", Hint: "Dipisah titik koma, misalnya 10.000.000; 50.000.000; 200.000.000.", Type: "text"},
			{Name: "margin_percent", Label: "Margin di bawah batas jenjang (%)", Hint: "Pesanan bernilai sampai sekian persen di bawah batas jenjang dianggap \"tepat di bawah\".", Type: "number"},
			{Name: "cluster_min_orders", Label: "Jumlah pesanan yang disebut mengumpul", Hint: "Termasuk pesanan yang sedang diperiksa; paling sedikit 2.", Type: "number"},
		}
	case SSHCeiling:
		return []Field{{Name: "tolerance_percent", Label: "Toleransi di atas batas SSH (%)", Hint: "0 berarti setiap kelebihan memerlukan alasan.", Type: "number"}}
	}
	return nil
}

// FormValues returns the params (JSON of rule code) as form values.
func FormValues(code Code, params json.RawMessage) (map[string][]string, error) {
	v := map[string][]string{}
	set := func(k, s string) { v[k] = []string{s} }
	switch code {
	case Ceiling:
		var p CeilingParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		set("limit", rupiah.FormatPlain(p.Limit))
	case EligibleSupplier:
		var p EligibleParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		v["scales"] = p.Scales
		set("regency_code", p.RegencyCode)
		set("regency_name", p.RegencyName)
	case PackageBudget:
		var p PackageParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		if p.SameFiscalYear {
			set("same_fiscal_year", "1")
		}
	case Split:
		var p SplitParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		set("window_days", strconv.Itoa(p.WindowDays))
		edges := make([]string, len(p.BandEdges))
		for i, e := range p.BandEdges {
			edges[i] = rupiah.FormatPlain(e)
		}
		set("band_edges", strings.Join(edges, "; "))
		set("margin_percent", strconv.Itoa(p.MarginPercent))
		set("cluster_min_orders", strconv.Itoa(p.ClusterMinOrders))
	case SSHCeiling:
		var p SSHParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		set("tolerance_percent", strconv.Itoa(p.TolerancePercent))
	default:
		return nil, fmt.Errorf("rules: unknown rule %q", code)
	}
	return v, nil
}

func first(v map[string][]string, k string) string {
	if len(v[k]) == 0 {
		return ""
	}
	return strings.TrimSpace(v[k][0])
}

func intField(errs validate.Errors, v map[string][]string, name, label string, lo, hi int) int {
	n, err := strconv.Atoi(first(v, name))
	if err != nil || n < lo || n > hi {
		errs.Add(name, fmt.Sprintf("%s diisi angka bulat dari %d sampai %d.", label, lo, hi))
	}
	return n
}

var regencyRe = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}$`)

// ParseParams checks form values for rule code and returns its params as
// JSON, or field errors.
func ParseParams(code Code, v map[string][]string) (json.RawMessage, error) {
	errs := validate.Errors{}
	var p any
	switch code {
	case Ceiling:
		n, err := rupiah.Parse(first(v, "limit"))
		if err != nil || n < 1_000_000 {
			errs.Add("limit", "Batas diisi jumlah rupiah, paling sedikit Rp1.000.000, misalnya 200.000.000.")
		}
		p = CeilingParams{Limit: n}
	case EligibleSupplier:
		e := EligibleParams{RegencyCode: first(v, "regency_code"), RegencyName: first(v, "regency_name")}
		for _, s := range []string{"mikro", "kecil", "menengah", "besar"} {
			if slices.Contains(v["scales"], s) {
				e.Scales = append(e.Scales, s)
			}
		}
		if len(e.Scales) == 0 {
			errs.Add("scales", "Pilih paling sedikit satu skala usaha.")
		}
		if !regencyRe.MatchString(e.RegencyCode) {
			errs.Add("regency_code", "Kode wilayah kabupaten ditulis seperti 13.11.")
		}
		if n := len([]rune(e.RegencyName)); n < 3 || n > 100 {
			errs.Add("regency_name", "Nama kabupaten wajib diisi (3–100 huruf).")
		}
		p = e
	case PackageBudget:
		p = PackageParams{SameFiscalYear: first(v, "same_fiscal_year") == "1"}
	case Split:
		s := SplitParams{
			WindowDays:       intField(errs, v, "window_days", "Jangka waktu", 1, 366),
			MarginPercent:    intField(errs, v, "margin_percent", "Margin", 0, 50),
			ClusterMinOrders: intField(errs, v, "cluster_min_orders", "Jumlah pesanan", 2, 20),
		}
		for _, part := range strings.FieldsFunc(first(v, "band_edges"), func(r rune) bool { return r == ';' || r == '\n' }) {
			n, err := rupiah.Parse(part)
			if err != nil || n <= 0 {
				errs.Add("band_edges", "Batas jenjang \""+strings.TrimSpace(part)+"\" bukan jumlah rupiah. Pisahkan dengan titik koma.")
				continue
			}
			s.BandEdges = append(s.BandEdges, n)
		}
		if len(s.BandEdges) == 0 {
			errs.Add("band_edges", "Isi paling sedikit satu batas jenjang.")
		}
		slices.Sort(s.BandEdges)
		s.BandEdges = slices.Compact(s.BandEdges)
		p = s
	case SSHCeiling:
		p = SSHParams{TolerancePercent: intField(errs, v, "tolerance_percent", "Toleransi", 0, 100)}
	default:
		return nil, fmt.Errorf("rules: unknown rule %q", code)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return json.Marshal(p)
}

// Summary describes params of rule code in one Indonesian line.
func Summary(code Code, params json.RawMessage) string {
	switch code {
	case Ceiling:
		var p CeilingParams
		if json.Unmarshal(params, &p) == nil {
			return "Batas " + rupiah.Format(p.Limit) + " per pesanan, termasuk PPN."
		}
	case EligibleSupplier:
		var p EligibleParams
		if json.Unmarshal(params, &p) == nil {
			return "Skala usaha: " + strings.Join(p.Scales, ", ") + "; berdomisili di " + p.RegencyName + " (kode " + p.RegencyCode + ")."
		}
	case PackageBudget:
		var p PackageParams
		if json.Unmarshal(params, &p) == nil {
			s := "Pesanan berjalan dalam pagu paket dan dalam batas nilai pesanan"
			if p.SameFiscalYear {
				s += "; paket untuk tahun anggaran berjalan"
			}
			return s + "."
		}
	case Split:
		var p SplitParams
		if json.Unmarshal(params, &p) == nil {
			edges := make([]string, len(p.BandEdges))
			for i, e := range p.BandEdges {
				edges[i] = rupiah.Format(e)
			}
			return fmt.Sprintf("Jangka %d hari; batas jenjang %s; margin %d%%; mengumpul bila %d pesanan atau lebih.",
				p.WindowDays, strings.Join(edges, ", "), p.MarginPercent, p.ClusterMinOrders)
		}
	case SSHCeiling:
		var p SSHParams
		if json.Unmarshal(params, &p) == nil {
			return fmt.Sprintf("Toleransi %d%% di atas batas SSH.", p.TolerancePercent)
		}
	}
	return string(params)
}
