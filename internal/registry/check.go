package registry

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"lapak/internal/validate"
)

// Problem is something wrong with one row of a file; the row is skipped.
type Problem struct {
	Row     int    // as the spreadsheet shows it, the header being row 1 when it is first
	Field   Field  // "" when it concerns the whole row (a duplicate)
	Column  string // the file's header of that column
	Value   string // the cell as read
	Message string // a full sentence for users
}

// candidate is a row that passed the checks, as it would be stored.
type candidate struct {
	row   int
	entry Entry
	match string // MatchName of the business name
}

// scientific matches a number Excel shows in scientific notation (1,31101E+15).
var scientific = regexp.MustCompile(`^[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+$`)

// Field length limits, as the registry_entries table checks them.
const (
	maxBusinessName = 200
	maxOwnerName    = 120
	maxAddress      = 300
	maxSector       = 100
)

// check turns the table's rows into candidates and problems. A row with any
// problem gives no candidate.
func (t *table) check(p *places) ([]candidate, []Problem) {
	col := map[Field]int{}
	for i, f := range t.cols.fields {
		if f != "" && f != fieldIgnored {
			if _, ok := col[f]; !ok {
				col[f] = i
			}
		}
	}
	var cands []candidate
	var problems []Problem
	for _, r := range t.rows {
		c, ps := t.checkRow(r, col, p)
		if len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		cands = append(cands, c)
	}
	return cands, problems
}

func (t *table) checkRow(r rawRow, col map[Field]int, p *places) (candidate, []Problem) {
	var ps []Problem
	get := func(f Field) string {
		i, ok := col[f]
		if !ok || i >= len(r.cells) {
			return ""
		}
		return cleanCell(r.cells[i])
	}
	bad := func(f Field, value, msg string) {
		ps = append(ps, Problem{Row: r.num, Field: f, Column: t.cols.noteKey(col[f]), Value: value, Message: msg})
	}
	e := Entry{Notes: map[string]string{}}
	for i, f := range t.cols.fields {
		if f == "" && i < len(r.cells) {
			if v := cleanCell(r.cells[i]); v != "" {
				e.Notes[t.cols.noteKey(i)] = v
			}
		}
	}

	e.BusinessName = get(FieldBusinessName)
	switch n := utf8.RuneCountInString(e.BusinessName); {
	case n == 0 || blank(e.BusinessName):
		bad(FieldBusinessName, e.BusinessName, "Nama usaha wajib diisi.")
	case n < 2:
		bad(FieldBusinessName, e.BusinessName, "Nama usaha terlalu pendek (paling sedikit 2 karakter).")
	case n > maxBusinessName:
		bad(FieldBusinessName, e.BusinessName, fmt.Sprintf("Nama usaha terlalu panjang (paling banyak %d karakter).", maxBusinessName))
	}
	if e.OwnerName = get(FieldOwnerName); blank(e.OwnerName) {
		e.OwnerName = ""
	} else if utf8.RuneCountInString(e.OwnerName) > maxOwnerName {
		bad(FieldOwnerName, e.OwnerName, fmt.Sprintf("Nama pemilik terlalu panjang (paling banyak %d karakter).", maxOwnerName))
	}

	ident := func(f Field, check func(string) (string, error)) string {
		v := get(f)
		if blank(v) {
			return ""
		}
		if scientific.MatchString(v) {
			raw := ""
			if t.rawCell != nil {
				raw = t.rawCell(r.num, col[f])
			}
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil || n < 1 {
				bad(f, v, fmt.Sprintf("%s tertulis %s karena Excel menganggapnya angka, sehingga digitnya hilang. Format kolom %s sebagai Teks, ketik ulang angkanya, lalu simpan.", f.Label(), v, f.Label()))
				return ""
			}
			v = strconv.FormatFloat(n, 'f', 0, 64)
		}
		out, err := check(v)
		if err != nil {
			bad(f, v, err.Error())
			return ""
		}
		return out
	}
	e.NIK = ident(FieldNIK, validate.NIK)
	e.NIB = ident(FieldNIB, validate.NIB)

	if v := get(FieldPhone); !blank(v) {
		first, others := splitPhones(v)
		if phone, err := validate.Phone(first); err != nil {
			bad(FieldPhone, v, err.Error())
		} else {
			e.Phone = phone
			if others != "" {
				e.Notes[t.cols.noteKey(col[FieldPhone])+" (lainnya)"] = others
			}
		}
	}
	if v := get(FieldEmail); !blank(v) {
		if email, err := validate.Email(v); err != nil {
			bad(FieldEmail, v, err.Error())
		} else {
			e.Email = email
		}
	}
	if e.Address = get(FieldAddress); blank(e.Address) {
		e.Address = ""
	} else if utf8.RuneCountInString(e.Address) > maxAddress {
		bad(FieldAddress, e.Address, fmt.Sprintf("Alamat terlalu panjang (paling banyak %d karakter).", maxAddress))
	}
	if e.Sector = get(FieldSector); blank(e.Sector) {
		e.Sector = ""
	} else if utf8.RuneCountInString(e.Sector) > maxSector {
		bad(FieldSector, e.Sector, fmt.Sprintf("Sektor terlalu panjang (paling banyak %d karakter).", maxSector))
	}
	if v := get(FieldScale); v != "" {
		scale, ok := parseScale(v)
		if !ok {
			bad(FieldScale, v, fmt.Sprintf("Skala usaha %q tidak dikenal. Isi mikro, kecil atau menengah, atau kosongkan.", v))
		}
		e.Scale = scale
	}

	kecName, nagName := get(FieldKecamatan), get(FieldNagari)
	var kec *kecamatan
	switch {
	case blank(kecName):
		bad(FieldKecamatan, kecName, "Kecamatan wajib diisi.")
	default:
		if kec = p.kecamatan(kecName); kec == nil {
			bad(FieldKecamatan, kecName, fmt.Sprintf("Kecamatan %q tidak dikenal di Kabupaten Solok Selatan. Tulis salah satu dari: %s.", kecName, p.kecamatanNames()))
		}
	}
	if kec != nil {
		e.KecamatanCode, e.KecamatanName = kec.code, kec.name
		if !blank(nagName) {
			n, elsewhere := p.nagariIn(kec, nagName)
			switch {
			case n != nil:
				e.NagariCode, e.NagariName = n.code, n.name
			case elsewhere != nil:
				bad(FieldNagari, nagName, fmt.Sprintf("Nagari %s tidak berada di Kecamatan %s, tetapi di Kecamatan %s. Periksa kecamatan atau nagarinya.", elsewhere.name, kec.name, elsewhere.kec.name))
			default:
				bad(FieldNagari, nagName, fmt.Sprintf("Nagari %q tidak dikenal di Kecamatan %s.", nagName, kec.name))
			}
		}
	}
	if len(ps) > 0 {
		return candidate{}, ps
	}
	return candidate{row: r.num, entry: e, match: MatchName(e.BusinessName)}, nil
}

// kecamatanNames lists the kecamatan for messages.
func (p *places) kecamatanNames() string {
	names := make([]string, len(p.kecs))
	for i, k := range p.kecs {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}

// splitPhones returns the first of several numbers in a cell ("0812... /
// 0813...") and the others as written.
func splitPhones(s string) (first, others string) {
	i := strings.IndexAny(s, "/,;&")
	if j := strings.Index(strings.ToLower(s), " atau "); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i >= 0 {
		first = strings.TrimSpace(s[:i])
		others = strings.Trim(strings.TrimSpace(s[i:]), "/,;& ")
		others = strings.TrimSpace(strings.TrimPrefix(others, "atau "))
	} else {
		first = s
	}
	// "WA: 0812 3456 7890 (aktif)": words around the number are not part of it.
	first = strings.TrimLeftFunc(first, func(r rune) bool { return unicode.IsLetter(r) || r == ':' || r == '.' || r == ' ' })
	if j := strings.IndexFunc(first, unicode.IsLetter); j > 0 {
		first = strings.TrimRight(strings.TrimSpace(first[:j]), " (-:")
	}
	return first, others
}
