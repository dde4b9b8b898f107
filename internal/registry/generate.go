package registry

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

//go:embed data/kecamatan_nagari.csv
var dataFS embed.FS

// GenerateOptions says what registry Generate makes.
type GenerateOptions struct {
	Count    int    // data rows, mistakes included
	Seed     uint64 // the same seed gives the same rows
	Mistakes int    // rows with one deliberate mistake each, spread evenly
}

// Mistake kinds Generate can put in a row.
const (
	MistakeNIK       = "nik"       // a NIK of 15 digits
	MistakeKecamatan = "kecamatan" // a kecamatan of another regency
	MistakeNagari    = "nagari"    // a nagari of another kecamatan
	MistakeDuplicate = "duplicate" // an earlier row again, in capitals
	MistakePhone     = "phone"     // a number too short
	MistakeName      = "name"      // no business name
)

var mistakeKinds = []string{MistakeNIK, MistakeKecamatan, MistakeNagari, MistakeDuplicate, MistakePhone, MistakeName}

// Sheet is a spreadsheet of text cells: a header row and data rows.
type Sheet struct {
	Header   []string
	Rows     [][]string
	Mistakes map[int]string // row number (header = row 1) → mistake kind
}

// GeneratedHeader is the header Generate writes, in the words a dinas's list
// uses; the last two columns end up in the notes.
var GeneratedHeader = []string{"No", "Nama Usaha", "Nama Pemilik", "NIK", "NIB", "No. HP/WA", "E-mail", "Alamat",
	"Kecamatan", "Nagari", "Jenis Usaha", "Skala Usaha", "Tahun Berdiri", "Tenaga Kerja"}

// Shares of rows with each identifier. NIB: 7.130 of 11.113 UMKM counted in
// the regency had one (shared/data README, local_products.csv context). The
// others are estimates for a dinas list.
const (
	shareNIB   = 7130.0 / 11113.0
	shareNIK   = 0.82
	sharePhone = 0.85
	shareEmail = 0.12
)

// genPlace is a nagari of the embedded region list with its kecamatan.
type genPlace struct {
	kecCode, kecName, nagCode, nagName string
}

// kecamatanWeight is a rough share of UMKM per kecamatan (the market towns
// Padang Aro and Muara Labuh weigh most); not a statistic.
var kecamatanWeight = map[string]int{
	"13.11.01": 30, "13.11.02": 22, "13.11.03": 15, "13.11.04": 9, "13.11.05": 9, "13.11.06": 8, "13.11.07": 7,
}

// loadGenPlaces reads the nagari of the embedded region list.
func loadGenPlaces() (map[string][]genPlace, []string, error) {
	f, err := dataFS.Open("data/kecamatan_nagari.csv")
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("registry: region list: %w", err)
	}
	byKec := map[string][]genPlace{}
	var kecs []string
	for _, r := range recs[1:] {
		switch r[0] {
		case "kecamatan":
			kecs = append(kecs, r[1])
		case "nagari":
			byKec[r[3]] = append(byKec[r[3]], genPlace{kecCode: r[3], kecName: r[4], nagCode: r[1], nagName: r[2]})
		}
	}
	return byKec, kecs, nil
}

// Generate makes a synthetic registry of realistic Solok Selatan businesses:
// real kecamatan and nagari (written the ways lists write them), Minang owner
// names, NIKs of the regency (13 11 ...), NIB and phone numbers for the usual
// shares of rows, and, when asked, rows with mistakes for testing the checks.
// Without mistakes every row imports cleanly. The same options give the same rows.
func Generate(o GenerateOptions) Sheet {
	byKec, kecs, err := loadGenPlaces()
	if err != nil {
		panic(err) // the embedded file is part of the binary
	}
	g := &generator{rnd: rand.New(rand.NewPCG(o.Seed, 0x4c6170616b)), byKec: byKec, kecs: kecs,
		niks: map[string]bool{}, nibs: map[string]bool{}, names: map[string]bool{}}
	sh := Sheet{Header: GeneratedHeader, Mistakes: map[int]string{}}
	every := 0
	if o.Mistakes > 0 {
		every = max(1, o.Count/o.Mistakes)
	}
	made := 0
	for i := range o.Count {
		row := g.row()
		if every > 0 && made < o.Mistakes && i%every == every-1 && i > 0 {
			kind := mistakeKinds[made%len(mistakeKinds)]
			row = g.spoil(row, kind, sh.Rows)
			sh.Mistakes[i+2] = kind
			made++
		}
		row[0] = strconv.Itoa(i + 1)
		sh.Rows = append(sh.Rows, row)
	}
	return sh
}

type generator struct {
	rnd   *rand.Rand
	byKec map[string][]genPlace
	kecs  []string
	niks  map[string]bool
	nibs  map[string]bool
	names map[string]bool // MatchName + place of every row, so no two rows look alike
}

func (g *generator) pick(list []string) string { return list[g.rnd.IntN(len(list))] }
func (g *generator) chance(p float64) bool     { return g.rnd.Float64() < p }

func (g *generator) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rnd.IntN(10))
	}
	return string(b)
}

func (g *generator) place() genPlace {
	total := 0
	for _, k := range g.kecs {
		total += kecamatanWeight[k]
	}
	n := g.rnd.IntN(total)
	for _, k := range g.kecs {
		if n -= kecamatanWeight[k]; n < 0 {
			ps := g.byKec[k]
			return ps[g.rnd.IntN(len(ps))]
		}
	}
	ps := g.byKec[g.kecs[0]]
	return ps[0]
}

// person is a business owner.
type person struct {
	name, first string
	female      bool
	birthYear   int
}

func (g *generator) person() person {
	p := person{female: g.chance(0.46), birthYear: 1958 + g.rnd.IntN(46)}
	if p.female {
		p.first = g.pick(femaleNames)
		p.name = p.first
		if g.chance(0.55) {
			p.name += " " + g.pick(femaleSecond)
		}
		if g.chance(0.05) {
			p.name = "Hj. " + p.name
		}
		return p
	}
	p.first = g.pick(maleNames)
	p.name = p.first
	if g.chance(0.5) {
		p.name += " " + g.pick(maleSecond)
	}
	switch {
	case g.chance(0.05):
		p.name = "H. " + p.name
	case g.chance(0.06):
		p.name += " " + g.pick(adatTitles)
	}
	return p
}

// nickname is how a village calls the owner: "Uni Yen", "Ajo Rizal".
func (g *generator) nickname(p person) string {
	short := p.first
	if len(short) > 5 && g.chance(0.35) {
		switch {
		case strings.HasSuffix(short, "rizal"):
			short = "Rizal"
		case strings.HasSuffix(short, "hendri"):
			short = "Hen"
		default:
			short = short[:3]
		}
	}
	if p.female {
		return g.pick([]string{"Uni", "Bu", "Mak", "Etek", "Ni"}) + " " + short
	}
	return g.pick([]string{"Ajo", "Pak", "Uda", "Pak"}) + " " + short
}

func (g *generator) nik(kecCode string, p person) string {
	for {
		day := 1 + g.rnd.IntN(28)
		if p.female {
			day += 40
		}
		n := fmt.Sprintf("1311%s%02d%02d%02d%s", kecCode[6:8], day, 1+g.rnd.IntN(12), p.birthYear%100, "0"+g.digits(3))
		if !g.niks[n] {
			g.niks[n] = true
			return n
		}
	}
}

func (g *generator) nib() string {
	for {
		n := g.pick([]string{"9120", "8120", "0220", "1240", "2206"}) + g.digits(9)
		if !g.nibs[n] {
			g.nibs[n] = true
			return n
		}
	}
}

func (g *generator) phone() string {
	p := g.pick(phonePrefixes)
	rest := g.digits(7 + g.rnd.IntN(2))
	switch g.rnd.IntN(6) {
	case 0:
		return p + "-" + rest[:4] + "-" + rest[4:]
	case 1:
		return "+62 " + p[1:] + " " + rest[:4] + " " + rest[4:]
	case 2:
		return "62" + p[1:] + rest
	case 3:
		return p + " " + rest[:4] + " " + rest[4:]
	}
	return p + rest
}

// business returns a business name and its sector.
func (g *generator) business(p person, pl genPlace) (string, string) {
	t := businessTemplates[g.rnd.IntN(len(businessTemplates))]
	name := t.pattern
	name = strings.ReplaceAll(name, "{nick}", g.nickname(p))
	name = strings.ReplaceAll(name, "{brand}", g.pick(brands))
	name = strings.ReplaceAll(name, "{nagari}", pl.nagName)
	if len(t.products) > 0 {
		name = strings.ReplaceAll(name, "{product}", g.pick(t.products))
	}
	return name, t.sector
}

func (g *generator) row() []string {
	pl := g.place()
	p := g.person()
	name, sector := g.business(p, pl)
	for try := 0; g.names[MatchName(name)+"|"+pl.nagCode]; try++ {
		switch {
		case try < 3:
			name += " " + g.pick(jorongs)
		default:
			name += " " + strconv.Itoa(try)
		}
	}
	g.names[MatchName(name)+"|"+pl.nagCode] = true

	r := make([]string, len(GeneratedHeader))
	r[1] = name
	r[2] = p.name
	if g.chance(shareNIK) {
		r[3] = g.nik(pl.kecCode, p)
	}
	if g.chance(shareNIB) {
		r[4] = g.nib()
	}
	if g.chance(sharePhone) {
		r[5] = g.phone()
	}
	if g.chance(shareEmail) {
		r[6] = strings.ToLower(strings.ReplaceAll(p.first, " ", "")) + strconv.Itoa(10+g.rnd.IntN(90)) + "@" + g.pick([]string{"gmail.com", "gmail.com", "yahoo.co.id", "yahoo.com"})
	}
	switch jorong := g.pick(jorongs); g.rnd.IntN(10) {
	case 0, 1, 2, 3:
		r[7] = "Jorong " + jorong + ", Nagari " + pl.nagName
	case 4, 5, 6, 7:
		r[7] = g.pick(streets) + " No. " + strconv.Itoa(1+g.rnd.IntN(120)) + ", Jorong " + jorong
	default:
		r[7] = "Jorong " + jorong
	}
	r[8] = g.kecamatanCell(pl)
	if g.chance(0.93) {
		switch n := g.rnd.IntN(20); {
		case n < 3:
			r[9] = strings.ToUpper(pl.nagName)
		case n < 4:
			r[9] = "Nagari " + pl.nagName
		default:
			r[9] = pl.nagName
		}
	}
	r[10] = sector
	scale := "mikro"
	switch n := g.rnd.IntN(100); {
	case n < 3:
		scale = "menengah"
	case n < 14:
		scale = "kecil"
	}
	if g.chance(0.95) {
		r[11] = g.pick([]string{"Usaha " + strings.ToUpper(scale[:1]) + scale[1:], strings.ToUpper(scale),
			strings.ToUpper(scale[:1]) + scale[1:], scale})
	}
	r[12] = strconv.Itoa(1990 + g.rnd.IntN(36))
	workers := map[string][2]int{"mikro": {1, 4}, "kecil": {5, 19}, "menengah": {20, 99}}[scale]
	r[13] = strconv.Itoa(workers[0] + g.rnd.IntN(workers[1]-workers[0]+1))
	return r
}

// kecamatanCell writes a kecamatan the ways lists do: its name, in capitals,
// with "Kec.", as a code, or as people abbreviate or spell it.
func (g *generator) kecamatanCell(pl genPlace) string {
	switch n := g.rnd.IntN(100); {
	case n < 15:
		return strings.ToUpper(pl.kecName)
	case n < 27:
		return "Kec. " + pl.kecName
	case n < 31:
		return pl.kecCode
	case n < 40 && pl.kecName == "Pauh Duo":
		return "PAUAH DUO"
	case n < 40 && pl.kecName == "Koto Parik Gadang Diateh":
		return "KPGD"
	}
	return pl.kecName
}

// spoil puts one mistake of kind in row; earlier rows feed duplicates.
func (g *generator) spoil(row []string, kind string, earlier [][]string) []string {
	switch kind {
	case MistakeNIK:
		row[3] = "1311" + g.digits(11)
	case MistakeKecamatan:
		row[8], row[9] = "Lembah Gumanti", ""
	case MistakeNagari:
		row[8], row[9] = "Sangir", "Abai" // Abai lies in Sangir Batang Hari
	case MistakeDuplicate:
		if len(earlier) > 0 {
			dup := append([]string(nil), earlier[g.rnd.IntN(len(earlier))]...)
			dup[1] = strings.ToUpper(dup[1])
			return dup
		}
		row[1] = ""
	case MistakePhone:
		row[5] = "0812-34"
	case MistakeName:
		row[1] = ""
	}
	return row
}

// WriteCSV writes the sheet as UTF-8 CSV with a byte order mark (so Excel
// shows accents right) and the given delimiter.
func (s Sheet) WriteCSV(w io.Writer, comma rune) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = comma
	cw.UseCRLF = true
	if err := cw.Write(s.Header); err != nil {
		return err
	}
	if err := cw.WriteAll(s.Rows); err != nil {
		return err
	}
	return cw.Error()
}

// WriteXLSX writes the sheet as an XLSX workbook with one sheet, "Data UMKM",
// every cell as text so that NIKs keep their 16 digits.
func (s Sheet) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const name = "Data UMKM"
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 3, 32); err != nil {
		return err
	}
	if err := sw.SetColWidth(4, 8, 20); err != nil {
		return err
	}
	cells := func(row []string, style int) []any {
		out := make([]any, len(row))
		for i, v := range row {
			out[i] = excelize.Cell{StyleID: style, Value: v}
		}
		return out
	}
	if err := sw.SetRow("A1", cells(s.Header, bold)); err != nil {
		return err
	}
	for i, r := range s.Rows {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), cells(r, 0)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// Vocabulary of the generator. Products and places come from
// shared/data/local_products.csv (ids in comments) and categories.csv.
var (
	maleNames = []string{"Afrizal", "Syafrizal", "Yusrizal", "Zulkifli", "Hendri", "Jasrial", "Nasrul", "Syamsul",
		"Asril", "Erizal", "Firdaus", "Irwan", "Joni", "Masril", "Novrizal", "Rahmat", "Zainal", "Darmawan",
		"Efendi", "Fadli", "Gusrizal", "Harmen", "Iskandar", "Khairul", "Mardanis", "Nofrizal", "Rudi", "Suardi",
		"Taufik", "Wendi", "Yuhendri", "Zulhendri", "Dedi", "Elfiandri", "Feri", "Hidayat", "Indra", "Jufri",
		"Alfian", "Azwar", "Bakhtiar", "Defri", "Edison", "Fauzan", "Hasbullah", "Ilham", "Marlis", "Nurdin",
		"Riswan", "Syahrial", "Yulisman", "Zulfahmi", "Arman", "Datuak", "Epi", "Refki", "Budi", "Andri"}
	maleSecond = []string{"Putra", "Saputra", "Effendi", "Syahputra", "Rahman", "Hidayat", "Kurniawan", "Amri",
		"Yunus", "Nasution", "Harun", "Idris", "Malin", "Anwar", "Sutan", "Ilyas", "Chaniago", "Piliang", "Tanjung"}
	adatTitles = []string{"Dt. Rajo Mudo", "Dt. Bandaro", "Dt. Sinaro", "Dt. Rangkayo Basa", "St. Marajo",
		"St. Mangkuto", "Malin Sati", "Dt. Tan Marajo"}
	femaleNames = []string{"Yenni", "Desi", "Elvi", "Fitri", "Gusnawati", "Hasnah", "Irma", "Jusna", "Kasmawati",
		"Lisnawati", "Mardiana", "Nurhayati", "Rosmaniar", "Syafni", "Wati", "Yusnimar", "Zurmaini", "Afni",
		"Deswita", "Erni", "Yusmaniar", "Nelmawati", "Rahmi", "Sri", "Yuliarni", "Efrida", "Nurhasanah", "Nofita",
		"Asmidar", "Darmawati", "Elfi", "Fatimah", "Helmi", "Ismarni", "Lusi", "Mesra", "Nilawati", "Rosna",
		"Sasmita", "Titin", "Upik", "Yanti", "Zaitun", "Rina", "Marlina", "Yusnita", "Yelni", "Delfi"}
	femaleSecond = []string{"Wati", "Yanti", "Sari", "Putri", "Handayani", "Marlina", "Susanti", "Fitriani",
		"Rahmawati", "Hayati", "Yusra", "Zahara", "Novita", "Asmara"}
	brands = []string{"Saiyo", "Sakato", "Saiyo Sakato", "Barokah", "Amanah", "Berkah", "Sepakat", "Sinar Jaya",
		"Maju Jaya", "Harapan Baru", "Sumber Rezeki", "Bundo Kanduang", "Rang Mudo", "Salero Bundo", "Minang Saiyo",
		"Karya Mandiri", "Rezeki Baru", "Cahaya", "Sederhana", "Putra Solsel", "Mandiri", "Sejahtera", "Surya",
		"Tigo Sapilin", "Ranah Minang", "Sarantau Sasurambi", "Camintoran", "Batang Sangir", "Saribu Rumah Gadang",
		"Ampek Jurai", "Kabun Tuo", "Lereng Kerinci", "Tuah Sakato"}
	jorongs = []string{"Kampung Tangah", "Koto Tuo", "Simpang Tigo", "Pasar Baru", "Taratak", "Batang Sangir",
		"Lubuk Jaya", "Koto Gadang", "Sungai Sungkai", "Kampung Palak", "Bariang", "Pekan Selasa", "Sungai Lambai",
		"Pulau Mutiara", "Camintoran", "Pekonina", "Liki", "Padang Aro", "Balai Janggo", "Tanah Galo", "Koto Baru",
		"Kapalo Koto", "Ujung Tanjung", "Durian Tigo Capang", "Sapan Salak"}
	streets = []string{"Jl. Lintas Sumatera", "Jl. Raya Padang Aro", "Jl. Pasar", "Jl. Sudirman", "Jl. M. Yamin",
		"Jl. Imam Bonjol", "Jl. Lintas Muara Labuh", "Jl. Pahlawan", "Jl. Ahmad Yani", "Jl. Bypass Muara Labuh",
		"Jl. Lubuk Gadang", "Jl. Kampung Baru"}
	phonePrefixes = []string{"0811", "0812", "0812", "0813", "0813", "0821", "0822", "0823", "0852", "0852", "0853",
		"0857", "0858", "0817", "0818", "0819", "0877", "0878", "0895", "0896", "0831", "0838"}
)

// businessTemplate is a kind of business: a name pattern ({nick}, {brand},
// {nagari}, {product}) and its sector.
type businessTemplate struct {
	pattern  string
	sector   string
	products []string
}

var businessTemplates = []businessTemplate{
	{"Rumah Makan {brand}", "Kuliner", nil},
	{"Lapau {nick}", "Kuliner", nil},
	{"Kedai Kopi {nick}", "Kuliner", nil},
	{"Warung Nasi {nick}", "Kuliner", nil},
	{"Lontong Pical {nick}", "Kuliner", nil},
	{"Sate Padang {nick}", "Kuliner", nil},
	{"Katering {brand}", "Kuliner", nil},             // KAT-12 makan dan minum rapat
	{"Kerupuk Nasi {nick}", "Industri Makanan", nil}, // LP-023
	{"Keripik {product} {nick}", "Industri Makanan", []string{"Daun Singkong", "Balado", "Pisang", "Ubi"}}, // LP-024
	{"Kipang Pulut {nick}", "Industri Makanan", nil},                                                       // LP-025
	{"{product} Durian {nagari}", "Industri Makanan", []string{"Dodol", "Permen", "Lempok"}},               // LP-013
	{"Kopi Bubuk {brand}", "Industri Makanan", nil},                                                        // LP-004, LP-005
	{"Kopi {nagari}", "Pertanian", nil},                                                                    // LP-004
	{"Teh Olahan {brand}", "Industri Makanan", nil},                                                        // LP-001, LP-008
	{"Rendang {brand}", "Industri Makanan", nil},
	{"Gula Enau {nick}", "Industri Makanan", nil}, // LP-020
	{"Kue Bawang {nick}", "Industri Makanan", nil},
	{"Toko {brand}", "Perdagangan", nil},
	{"Toko Sembako {nick}", "Perdagangan", nil},
	{"Toko Bangunan {brand}", "Perdagangan", nil}, // KAT-05
	{"Toko ATK {brand}", "Perdagangan", nil},      // KAT-01
	{"Toko Elektronik {brand}", "Perdagangan", nil},
	{"UD {brand}", "Perdagangan", nil},
	{"Kios Pupuk {brand}", "Perdagangan", nil},
	{"Toko Pakaian {brand}", "Perdagangan", nil},
	{"CV {brand}", "Perdagangan", nil},
	{"Percetakan {brand}", "Jasa", nil}, // KAT-07
	{"Fotokopi {brand}", "Jasa", nil},
	{"Bengkel {brand} Motor", "Jasa", nil}, // KAT-15
	{"Sewa Tenda {brand}", "Jasa", nil},    // KAT-10, KAT-16
	{"Sound System {brand}", "Jasa", nil},  // KAT-16
	{"Salon {nick}", "Jasa", nil},
	{"Penjahit {nick}", "Fesyen", nil},
	{"Konveksi {brand}", "Fesyen", nil},
	{"Bordir {brand}", "Fesyen", nil},
	{"Kerajinan Kayu {brand}", "Kerajinan", nil}, // LP-027
	{"Batu Akik {brand}", "Kerajinan", nil},      // LP-026
	{"Anyaman Pandan {nick}", "Kerajinan", nil},
	{"Kebun {product} {nick}", "Pertanian", []string{"Kulit Manis", "Kapulaga", "Pinang", "Kakao"}}, // LP-014..020
	{"Durian {nagari}", "Pertanian", nil},                                                           // LP-012
	{"Kelompok Tani {brand}", "Pertanian", nil},                                                     // LP-021
	{"Budidaya Ikan {nick}", "Perikanan", nil},
	{"Benih Ikan Gariang {brand}", "Perikanan", nil}, // LP-022
	{"Ternak {product} {nick}", "Peternakan", []string{"Sapi", "Itik", "Ayam Kampung", "Kambing"}},
	{"Madu Galo-Galo {nick}", "Peternakan", nil},
}
