package registry

import (
	"slices"
	"strings"
	"unicode"
)

// Field is a registry column that a spreadsheet header can stand for.
type Field string

// The fields of a registry row. Columns matching none go to Entry.Notes.
const (
	FieldBusinessName Field = "business_name"
	FieldOwnerName    Field = "owner_name"
	FieldNIK          Field = "nik"
	FieldNIB          Field = "nib"
	FieldPhone        Field = "phone"
	FieldEmail        Field = "email"
	FieldAddress      Field = "address"
	FieldKecamatan    Field = "kecamatan"
	FieldNagari       Field = "nagari"
	FieldSector       Field = "sector"
	FieldScale        Field = "scale"

	// fieldIgnored is a running-number column ("No", "No. Urut"): it says
	// nothing about the business and changes whenever rows are sorted.
	fieldIgnored Field = "-"
)

// Fields lists the fields in the order pages show them.
var Fields = []Field{FieldBusinessName, FieldOwnerName, FieldNIK, FieldNIB, FieldPhone, FieldEmail,
	FieldAddress, FieldKecamatan, FieldNagari, FieldSector, FieldScale}

// RequiredFields are the columns a file must have.
var RequiredFields = []Field{FieldBusinessName, FieldKecamatan}

// Label is the field's name for users.
func (f Field) Label() string {
	switch f {
	case FieldBusinessName:
		return "Nama usaha"
	case FieldOwnerName:
		return "Nama pemilik"
	case FieldNIK:
		return "NIK"
	case FieldNIB:
		return "NIB"
	case FieldPhone:
		return "Nomor HP"
	case FieldEmail:
		return "E-mail"
	case FieldAddress:
		return "Alamat"
	case FieldKecamatan:
		return "Kecamatan"
	case FieldNagari:
		return "Nagari"
	case FieldSector:
		return "Sektor"
	case FieldScale:
		return "Skala usaha"
	case fieldIgnored:
		return "Nomor urut (diabaikan)"
	}
	return "Catatan"
}

// Examples lists headers the field is recognised by, for the upload form.
func (f Field) Examples() []string {
	return headerExamples[f]
}

var headerExamples = map[Field][]string{
	FieldBusinessName: {"Nama Usaha", "Nama UMKM", "nama_usaha"},
	FieldOwnerName:    {"Nama Pemilik", "Pemilik", "Pelaku Usaha"},
	FieldNIK:          {"NIK", "No. KTP"},
	FieldNIB:          {"NIB", "Nomor Induk Berusaha"},
	FieldPhone:        {"No HP", "No. Telp", "WA"},
	FieldEmail:        {"E-mail", "Surel"},
	FieldAddress:      {"Alamat", "Alamat Usaha"},
	FieldKecamatan:    {"Kecamatan", "Kec."},
	FieldNagari:       {"Nagari", "Desa/Nagari"},
	FieldSector:       {"Jenis Usaha", "Sektor", "Bidang Usaha"},
	FieldScale:        {"Skala", "Skala Usaha"},
}

// headerAliases maps a header squeezed to lower-case letters and digits
// ("No. Telp" → "notelp") to its field, for headers written without spaces.
var headerAliases = map[string]Field{
	"namausaha": FieldBusinessName, "namaumkm": FieldBusinessName, "namaukm": FieldBusinessName,
	"namaikm": FieldBusinessName, "namatoko": FieldBusinessName, "namaperusahaan": FieldBusinessName,
	"namabadanusaha": FieldBusinessName, "usaha": FieldBusinessName, "umkm": FieldBusinessName,
	"namausahaumkm": FieldBusinessName, "businessname": FieldBusinessName,

	"namapemilik": FieldOwnerName, "pemilik": FieldOwnerName, "pemilikusaha": FieldOwnerName,
	"namapelakuusaha": FieldOwnerName, "pelakuusaha": FieldOwnerName, "namapengusaha": FieldOwnerName,
	"penanggungjawab": FieldOwnerName, "owner": FieldOwnerName, "ownername": FieldOwnerName,

	"nik": FieldNIK, "noktp": FieldNIK, "nomorktp": FieldNIK, "ktp": FieldNIK, "nikpemilik": FieldNIK,
	"nomorindukkependudukan": FieldNIK,

	"nib": FieldNIB, "nonib": FieldNIB, "nomornib": FieldNIB, "nomorindukberusaha": FieldNIB,

	"nohp": FieldPhone, "nomorhp": FieldPhone, "hp": FieldPhone, "notelp": FieldPhone, "telp": FieldPhone,
	"notelepon": FieldPhone, "nomortelepon": FieldPhone, "telepon": FieldPhone, "wa": FieldPhone,
	"nowa": FieldPhone, "nomorwa": FieldPhone, "whatsapp": FieldPhone, "nohpwa": FieldPhone,
	"handphone": FieldPhone, "nohandphone": FieldPhone, "kontak": FieldPhone, "nokontak": FieldPhone,
	"phone": FieldPhone, "telepone": FieldPhone,

	"email": FieldEmail, "alamatemail": FieldEmail, "surel": FieldEmail,

	"alamat": FieldAddress, "alamatusaha": FieldAddress, "alamatlengkap": FieldAddress, "address": FieldAddress,

	"kecamatan": FieldKecamatan, "kec": FieldKecamatan, "namakecamatan": FieldKecamatan,
	"kodekecamatan": FieldKecamatan,

	"nagari": FieldNagari, "desa": FieldNagari, "desanagari": FieldNagari, "nagaridesa": FieldNagari,
	"kelurahan": FieldNagari, "desakelurahan": FieldNagari, "namanagari": FieldNagari,
	"kodenagari": FieldNagari, "kenagarian": FieldNagari, "nagarikelurahan": FieldNagari,

	"sektor": FieldSector, "sektorusaha": FieldSector, "jenisusaha": FieldSector, "bidangusaha": FieldSector,
	"bidang": FieldSector, "kategoriusaha": FieldSector, "sector": FieldSector,

	"skala": FieldScale, "skalausaha": FieldScale, "kategoriumkm": FieldScale, "scale": FieldScale,
	"klasifikasiusaha": FieldScale,

	"no": fieldIgnored, "nourut": fieldIgnored, "nomor": fieldIgnored, "nomorurut": fieldIgnored,
}

// headerWords splits a header into lower-case words of letters and digits.
func headerWords(h string) []string {
	return strings.FieldsFunc(strings.ToLower(h), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// matchHeader returns the field a header stands for, or "" when none: first
// by its squeezed form, then by the words in it, most specific first, so that
// "NIK Pemilik" is a NIK and "Alamat E-mail" an e-mail address.
func matchHeader(h string) Field {
	words := headerWords(h)
	if len(words) == 0 {
		return ""
	}
	if f, ok := headerAliases[strings.Join(words, "")]; ok {
		return f
	}
	has := func(ws ...string) bool {
		for _, w := range ws {
			if slices.Contains(words, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("email", "surel") || has("e") && has("mail"):
		return FieldEmail
	case has("alamat"):
		return FieldAddress
	case has("nib"):
		return FieldNIB
	case has("nik") || has("ktp") && has("no", "nomor"):
		return FieldNIK
	case has("hp", "telp", "telepon", "tlp", "wa", "whatsapp", "handphone", "ponsel"):
		return FieldPhone
	case has("kecamatan", "kec"):
		return FieldKecamatan
	case has("nagari", "desa", "kelurahan", "kenagarian"):
		return FieldNagari
	case has("skala"):
		return FieldScale
	case has("pemilik", "pengusaha", "pelaku", "penanggung", "owner"):
		return FieldOwnerName
	case has("nama") && has("usaha", "umkm", "ukm", "ikm", "toko", "perusahaan"):
		return FieldBusinessName
	case has("sektor") || has("jenis", "bidang", "kategori") && has("usaha"):
		return FieldSector
	}
	return ""
}

// columnMap is how a file's header row maps to fields.
type columnMap struct {
	headers []string // as in the file, trimmed
	fields  []Field  // per column; "" means the column goes to notes
}

// mapHeader maps a header row. The first column of a field wins; a second
// one (say, another "Alamat") is kept in notes.
func mapHeader(row []string) columnMap {
	m := columnMap{headers: make([]string, len(row)), fields: make([]Field, len(row))}
	seen := map[Field]bool{}
	for i, h := range row {
		h = cleanCell(h)
		m.headers[i] = h
		f := matchHeader(h)
		if f != "" && f != fieldIgnored && seen[f] {
			f = ""
		}
		seen[f] = true
		m.fields[i] = f
	}
	return m
}

// has reports whether the map has a column for f.
func (m columnMap) has(f Field) bool { return slices.Contains(m.fields, f) }

// missing lists the required fields the map lacks.
func (m columnMap) missing() []Field {
	var out []Field
	for _, f := range RequiredFields {
		if !m.has(f) {
			out = append(out, f)
		}
	}
	return out
}

// score is how many distinct fields the map recognises.
func (m columnMap) score() int {
	n := 0
	for _, f := range Fields {
		if m.has(f) {
			n++
		}
	}
	return n
}

// columnName is the name users see for column i (0-based) in a spreadsheet: A, B, ..., Z, AA.
func columnName(i int) string {
	name := ""
	for i >= 0 {
		name = string(rune('A'+i%26)) + name
		i = i/26 - 1
	}
	return name
}

// noteKey is the notes key of column i: its header, or "Kolom X" without one.
func (m columnMap) noteKey(i int) string {
	if i < len(m.headers) && m.headers[i] != "" {
		return m.headers[i]
	}
	return "Kolom " + columnName(i)
}

// Column is one column of an uploaded file and the field it was recognised
// as: "" when it is kept in the notes, "-" for a running number, which is
// ignored (Field.Label says so).
type Column struct {
	Header string
	Field  Field
}

// columns returns the map for a Summary.
func (m columnMap) columns() []Column {
	out := make([]Column, 0, len(m.headers))
	for i := range m.headers {
		if m.headers[i] == "" && m.fields[i] == "" {
			continue
		}
		out = append(out, Column{Header: m.noteKey(i), Field: m.fields[i]})
	}
	return out
}
