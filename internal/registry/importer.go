package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
)

// Action is what an import does with one row.
type Action string

// The actions of an import.
const (
	ActionCreate    Action = "create"    // a business not yet in the registry
	ActionUpdate    Action = "update"    // a known business whose data changed
	ActionUnchanged Action = "unchanged" // a known business, nothing new
)

// Label is the action's name for users.
func (a Action) Label() string {
	switch a {
	case ActionCreate:
		return "Baru"
	case ActionUpdate:
		return "Diperbarui"
	case ActionUnchanged:
		return "Tidak berubah"
	}
	return string(a)
}

// Planned is one row of a file as it will be stored.
type Planned struct {
	Row    int
	Action Action
	Entry  Entry // ID is 0 for a new business
}

// Summary says what an import of a file does (Preview) or did (Import).
type Summary struct {
	ImportID  int64 // the registry_imports row; 0 for a preview
	Filename  string
	SHA256    string // hex; Import must be given this value back
	Format    string // "CSV" or "XLSX"
	Details   string // encoding and delimiter, or the sheet read
	HeaderRow int
	Columns   []Column

	Total     int // data rows, blank rows not counted
	Created   int
	Updated   int
	Unchanged int
	Skipped   int // rows with problems

	Problems []Problem // in row order; a row may have several
	Sample   []Planned // the first SampleSize rows that will be stored
}

// Written is how many rows the import writes.
func (s *Summary) Written() int { return s.Created + s.Updated }

// importLock serialises imports, so two cannot match rows against each
// other's half-written state.
const importLock = 727011

// Preview reads a file and reports what importing it would do, writing
// nothing. Koperindag staff and admins may preview. A file that cannot be
// read as a registry gives an apperr.Invalid error with a message for users
// (see the Err* causes); problems with single rows are in the Summary.
func (s *Service) Preview(ctx context.Context, filename string, data []byte) (*Summary, error) {
	if !canImport(auth.UserFrom(ctx)) {
		return nil, errImportForbidden
	}
	sum, cands, p, err := s.read(ctx, filename, data)
	if err != nil {
		return nil, err
	}
	if _, err := s.plan(ctx, s.db, sum, cands, p); err != nil {
		return nil, err
	}
	return sum, nil
}

// Import applies a file that was previewed: sha is the SHA256 its preview
// returned, so what is imported is exactly what the user saw. In one
// transaction it creates new businesses, updates known ones (matched by NIB,
// else NIK, else MatchName and nagari) whose data changed, leaves identical
// ones untouched, skips rows with problems, and records the import and one
// audit entry. Empty cells never erase what is stored.
// Koperindag staff and admins may import. A file that differs from sha gives
// apperr.Conflict (cause ErrChanged).
func (s *Service) Import(ctx context.Context, filename string, data []byte, sha string) (*Summary, error) {
	u := auth.UserFrom(ctx)
	if !canImport(u) {
		return nil, errImportForbidden
	}
	if !strings.EqualFold(checksum(data), strings.TrimSpace(sha)) {
		return nil, apperr.Wrap(apperr.Conflict, "Berkas yang dikirim berbeda dari yang dipratinjau. Unggah berkasnya lagi dan periksa pratinjaunya sebelum mengimpor.", ErrChanged)
	}
	sum, cands, p, err := s.read(ctx, filename, data)
	if err != nil {
		return nil, err
	}
	var importedBy *int64
	if u != nil && !u.System && u.ID != 0 {
		importedBy = &u.ID
	}
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", importLock); err != nil {
			return err
		}
		w, err := s.plan(ctx, tx, sum, cands, p)
		if err != nil {
			return err
		}
		if err := w.write(ctx, tx); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO registry_imports (filename, sha256, total_rows, created, updated, unchanged, skipped, imported_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			sum.Filename, sum.SHA256, sum.Total, sum.Created, sum.Updated, sum.Unchanged, sum.Skipped, importedBy).Scan(&sum.ImportID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "registry.import", Entity: "registry_import",
			EntityID: strconv.FormatInt(sum.ImportID, 10), Details: map[string]any{
				"filename": sum.Filename, "sha256": sum.SHA256, "total": sum.Total, "created": sum.Created,
				"updated": sum.Updated, "unchanged": sum.Unchanged, "skipped": sum.Skipped}})
	})
	if errors.Is(err, apperr.Conflict) && apperr.Message(err) == "" {
		return nil, apperr.Wrap(apperr.Conflict, "Impor dibatalkan karena dua data UMKM akan memakai NIB atau NIK yang sama; tidak ada data yang disimpan. Periksa NIB dan NIK yang berulang di berkas, lalu coba lagi.", err)
	}
	if err != nil {
		return nil, fmt.Errorf("registry: import %q: %w", filename, err)
	}
	return sum, nil
}

// checksum is the hex SHA-256 of data.
func checksum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// read parses and checks a file: everything that needs no registry rows.
func (s *Service) read(ctx context.Context, filename string, data []byte) (*Summary, []candidate, *places, error) {
	t, err := readTable(data)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := loadPlaces(ctx, s.db)
	if err != nil {
		return nil, nil, nil, err
	}
	cands, problems := t.check(p)
	sum := &Summary{Filename: cleanFilename(filename), SHA256: checksum(data), Format: t.format, Details: t.details,
		HeaderRow: t.headerRow, Columns: t.cols.columns(), Total: len(t.rows), Problems: problems}
	cands, dups := duplicates(cands)
	sum.Problems = mergeProblems(sum.Problems, dups)
	return sum, cands, p, nil
}

// cleanFilename keeps a file's base name, at most 200 characters, for the history.
func cleanFilename(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	for utf8.RuneCountInString(name) > 200 {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	if name == "" {
		name = "berkas tanpa nama"
	}
	return name
}

// fileKey is how rows of one file are told apart: by NIB, else NIK, else
// name and place (the nagari, or the kecamatan when the nagari is not given).
func (c candidate) fileKey() (key, why string) {
	switch {
	case c.entry.NIB != "":
		return "nib:" + c.entry.NIB, "NIB sama"
	case c.entry.NIK != "":
		return "nik:" + c.entry.NIK, "NIK sama, tanpa NIB"
	}
	return "name:" + c.match + "|" + c.place(), "nama usaha dan nagari sama, tanpa NIB dan NIK"
}

// place is the nagari code, or the kecamatan code when there is no nagari.
func (c candidate) place() string {
	if c.entry.NagariCode != "" {
		return c.entry.NagariCode
	}
	return c.entry.KecamatanCode
}

// duplicates drops the rows that repeat an earlier row of the same file.
func duplicates(cands []candidate) ([]candidate, []Problem) {
	first := make(map[string]int, len(cands))
	out := cands[:0]
	var ps []Problem
	for _, c := range cands {
		key, why := c.fileKey()
		if row, ok := first[key]; ok {
			ps = append(ps, Problem{Row: c.row, Value: c.entry.BusinessName,
				Message: fmt.Sprintf("Baris ini sama dengan baris %d (%s), jadi dilewati.", row, why)})
			continue
		}
		first[key] = c.row
		out = append(out, c)
	}
	return out, ps
}

// mergeProblems merges two row-ordered lists.
func mergeProblems(a, b []Problem) []Problem {
	if len(b) == 0 {
		return a
	}
	out := make([]Problem, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].Row < a[0].Row {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// stored is a registry row as matching needs it.
type stored struct {
	Entry
	match   string
	claimed int // row of the file that matched it, 0 when none
}

// writes are the rows an import will write.
type writes struct {
	creates []Entry
	updates []Entry // with ID
}

// plan matches the candidates against the registry, fills the counts,
// problems and sample of sum, and returns the rows to write.
func (s *Service) plan(ctx context.Context, db postgres.DBTX, sum *Summary, cands []candidate, p *places) (*writes, error) {
	ex, err := loadMatches(ctx, db, cands)
	if err != nil {
		return nil, err
	}
	byNIB := map[string]*stored{}
	byNIK := map[string]*stored{}          // entries without NIB: NIK is unique among them
	byNIKWithNIB := map[string][]*stored{} // entries with a NIB: one owner may have several
	byName := map[string][]*stored{}
	for _, e := range ex {
		if e.NIB != "" {
			byNIB[e.NIB] = e
			if e.NIK != "" {
				byNIKWithNIB[e.NIK] = append(byNIKWithNIB[e.NIK], e)
			}
		} else if e.NIK != "" {
			byNIK[e.NIK] = e
		}
		key := e.match + "|" + placeOf(e.Entry)
		byName[key] = append(byName[key], e)
	}
	w := &writes{}
	var dups []Problem
	for _, c := range cands {
		in := c.entry
		var e *stored
		if in.NIB != "" {
			e = byNIB[in.NIB]
		}
		if e == nil && in.NIK != "" {
			e = byNIK[in.NIK]
			if l := byNIKWithNIB[in.NIK]; e == nil && in.NIB == "" && len(l) == 1 {
				e = l[0]
			}
		}
		if e == nil {
			e = byNameMatch(byName[c.match+"|"+c.place()], in)
		}
		var planned Planned
		switch {
		case e != nil && e.claimed != 0:
			dups = append(dups, Problem{Row: c.row, Value: in.BusinessName,
				Message: fmt.Sprintf("Baris ini dan baris %d merujuk ke UMKM yang sama di registri, jadi baris ini dilewati. Periksa NIB dan NIK kedua baris.", e.claimed)})
			continue
		case e == nil:
			sum.Created++
			in.Status = StatusNotInvited
			w.creates = append(w.creates, in)
			planned = Planned{Row: c.row, Action: ActionCreate, Entry: in}
		default:
			e.claimed = c.row
			merged := merge(e.Entry, in, p)
			if equal(e.Entry, merged) && e.match == c.match {
				sum.Unchanged++
				planned = Planned{Row: c.row, Action: ActionUnchanged, Entry: merged}
			} else {
				sum.Updated++
				w.updates = append(w.updates, merged)
				planned = Planned{Row: c.row, Action: ActionUpdate, Entry: merged}
			}
		}
		if len(sum.Sample) < SampleSize {
			sum.Sample = append(sum.Sample, planned)
		}
	}
	sum.Problems = mergeProblems(sum.Problems, dups)
	sum.Skipped = countRows(sum.Problems)
	return w, nil
}

// byNameMatch picks, among entries with the same name and place as in, one
// whose NIB and NIK do not contradict in's, preferring one whose identifiers
// are the same (both unknown counting as the same): a business without NIB
// must not take over its namesake that has one.
func byNameMatch(candidates []*stored, in Entry) *stored {
	var best *stored
	bestScore := -1
	for _, x := range candidates {
		if x.NIB != "" && in.NIB != "" || x.NIK != "" && in.NIK != "" && x.NIK != in.NIK {
			continue
		}
		score := 0
		if x.NIB == in.NIB {
			score++
		}
		if x.NIK == in.NIK {
			score++
		}
		if x.claimed != 0 {
			score -= 3
		}
		if score > bestScore {
			best, bestScore = x, score
		}
	}
	return best
}

// placeOf is an entry's nagari code, or its kecamatan code without one.
func placeOf(e Entry) string {
	if e.NagariCode != "" {
		return e.NagariCode
	}
	return e.KecamatanCode
}

// countRows counts the distinct rows of a row-ordered problem list.
func countRows(ps []Problem) int {
	n, last := 0, -1
	for _, p := range ps {
		if p.Row != last {
			n++
			last = p.Row
		}
	}
	return n
}

// merge returns stored updated with what the file says: a filled cell
// replaces the stored value, an empty cell keeps it. A new kecamatan without
// a nagari clears the old nagari, which lies in the old kecamatan.
func merge(old, in Entry, p *places) Entry {
	m := old
	m.Notes = maps.Clone(old.Notes)
	if m.Notes == nil {
		m.Notes = map[string]string{}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&m.BusinessName, in.BusinessName)
	set(&m.OwnerName, in.OwnerName)
	set(&m.NIK, in.NIK)
	set(&m.NIB, in.NIB)
	set(&m.Phone, in.Phone)
	set(&m.Email, in.Email)
	set(&m.Address, in.Address)
	set(&m.Sector, in.Sector)
	if in.Scale != "" {
		m.Scale = in.Scale
	}
	if in.KecamatanCode != old.KecamatanCode && in.NagariCode == "" {
		m.NagariCode, m.NagariName = "", ""
	}
	m.KecamatanCode, m.KecamatanName = in.KecamatanCode, in.KecamatanName
	if in.NagariCode != "" {
		m.NagariCode, m.NagariName = in.NagariCode, in.NagariName
	} else if n := p.nagari[m.NagariCode]; n != nil {
		m.NagariName = n.name
	}
	maps.Copy(m.Notes, in.Notes)
	return m
}

// equal reports whether two entries store the same values.
func equal(a, b Entry) bool {
	return a.BusinessName == b.BusinessName && a.OwnerName == b.OwnerName && a.NIK == b.NIK && a.NIB == b.NIB &&
		a.Phone == b.Phone && a.Email == b.Email && a.Address == b.Address && a.KecamatanCode == b.KecamatanCode &&
		a.NagariCode == b.NagariCode && a.Sector == b.Sector && a.Scale == b.Scale && maps.Equal(a.Notes, b.Notes)
}

// loadMatches reads the registry rows that candidates could match.
func loadMatches(ctx context.Context, db postgres.DBTX, cands []candidate) ([]*stored, error) {
	var nibs, niks, names []string
	for _, c := range cands {
		if c.entry.NIB != "" {
			nibs = append(nibs, c.entry.NIB)
		}
		if c.entry.NIK != "" {
			niks = append(niks, c.entry.NIK)
		}
		names = append(names, c.match)
	}
	rows, err := db.Query(ctx, `SELECT `+entryColumns+`, e.match_name FROM registry_entries e
		WHERE e.nib = ANY($1) OR e.nik = ANY($2) OR e.match_name = ANY($3)
		ORDER BY e.id`, nibs, niks, names)
	if err != nil {
		return nil, fmt.Errorf("registry: load matches: %w", postgres.Classify(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*stored, error) {
		var s stored
		err := scanEntry(row, &s.Entry, &s.match)
		return &s, err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: load matches: %w", postgres.Classify(err))
	}
	return out, nil
}

// entryColumns are the columns scanEntry reads, from registry_entries e.
const entryColumns = `e.id, e.business_name, e.owner_name, coalesce(e.nik, ''), coalesce(e.nib, ''), coalesce(e.phone, ''),
	coalesce(e.email, ''), e.address, coalesce(e.kecamatan_code, ''), coalesce(e.nagari_code, ''), e.sector, e.scale,
	e.notes, coalesce(e.supplier_id, 0), e.created_at, e.updated_at`

// scanEntry scans entryColumns and then extra into e.
func scanEntry(row pgx.Row, e *Entry, extra ...any) error {
	var notes []byte
	dest := []any{&e.ID, &e.BusinessName, &e.OwnerName, &e.NIK, &e.NIB, &e.Phone, &e.Email, &e.Address,
		&e.KecamatanCode, &e.NagariCode, &e.Sector, &e.Scale, &notes, &e.SupplierID, &e.CreatedAt, &e.UpdatedAt}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return err
	}
	var raw map[string]any
	if err := json.Unmarshal(notes, &raw); err != nil {
		return fmt.Errorf("registry: notes of entry %d: %w", e.ID, err)
	}
	e.Notes = make(map[string]string, len(raw))
	for k, v := range raw {
		if s, ok := v.(string); ok {
			e.Notes[k] = s
		} else {
			b, _ := json.Marshal(v)
			e.Notes[k] = string(b)
		}
	}
	return nil
}

// writeColumns are the registry_entries columns an import writes.
var writeColumns = []string{"business_name", "owner_name", "nik", "nib", "phone", "email", "address",
	"kecamatan_code", "nagari_code", "sector", "scale", "notes", "match_name"}

// values returns e's writeColumns values, NULL for unknown identifiers and places.
func values(e Entry) []any {
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	return []any{e.BusinessName, e.OwnerName, null(e.NIK), null(e.NIB), null(e.Phone), null(e.Email), e.Address,
		null(e.KecamatanCode), null(e.NagariCode), e.Sector, string(e.Scale), e.Notes, MatchName(e.BusinessName)}
}

// write stores the planned rows with COPY: new rows straight into the
// table, changed rows through a temporary table and one UPDATE.
func (w *writes) write(ctx context.Context, tx pgx.Tx) error {
	if len(w.creates) > 0 {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"registry_entries"}, writeColumns,
			pgx.CopyFromSlice(len(w.creates), func(i int) ([]any, error) { return values(w.creates[i]), nil }))
		if err != nil {
			return fmt.Errorf("copy new entries: %w", postgres.Classify(err))
		}
	}
	if len(w.updates) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `CREATE TEMP TABLE registry_import_updates (
		id bigint PRIMARY KEY, business_name text, owner_name text, nik text, nib text, phone text, email text,
		address text, kecamatan_code text, nagari_code text, sector text, scale text, notes jsonb, match_name text
	) ON COMMIT DROP`)
	if err != nil {
		return err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"registry_import_updates"}, append([]string{"id"}, writeColumns...),
		pgx.CopyFromSlice(len(w.updates), func(i int) ([]any, error) {
			return append([]any{w.updates[i].ID}, values(w.updates[i])...), nil
		}))
	if err != nil {
		return fmt.Errorf("copy changed entries: %w", postgres.Classify(err))
	}
	_, err = tx.Exec(ctx, `UPDATE registry_entries e SET
		business_name = u.business_name, owner_name = u.owner_name, nik = u.nik, nib = u.nib, phone = u.phone,
		email = u.email, address = u.address, kecamatan_code = u.kecamatan_code, nagari_code = u.nagari_code,
		sector = u.sector, scale = u.scale, notes = u.notes, match_name = u.match_name, updated_at = now()
		FROM registry_import_updates u WHERE e.id = u.id`)
	if err != nil {
		return fmt.Errorf("update changed entries: %w", postgres.Classify(err))
	}
	return nil
}
