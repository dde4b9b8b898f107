// Package rules owns the procurement rules of DESIGN.md section 3 (ceiling,
// eligible supplier, package budget, split detection, SSH ceiling) as data:
// each rule has versions of its parameters with the date they take effect,
// their legal basis and the reason for the change, kept forever in
// rule_versions. Admins add versions; admins and auditors read the history.
//
// The Engine checks an order Candidate against the versions in force and
// returns an Outcome: per rule pass, needs justification, or refuse, with a
// message saying what to do instead, and the ids of the versions used, which
// the ordering code stores with the order. The engine reads orders only
// through the Ledger interface that the ordering code implements (see
// docs/rules.md). It knows nothing of HTTP or HTML.
package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// Version is one version of a rule's parameters.
type Version struct {
	ID            int64
	Rule          Code
	Version       int
	Params        json.RawMessage
	EffectiveFrom time.Time // midnight WIB of the first day it applies
	LegalBasis    string
	Reason        string
	CreatedByName string
	CreatedAt     time.Time
}

// Summary describes the version's parameters in one Indonesian line.
func (v Version) Summary() string { return Summary(v.Rule, v.Params) }

// Rule is a rule with the version in force and those scheduled.
type Rule struct {
	Code        Code
	Name        string
	Description string
	Current     Version   // in force today
	Scheduled   []Version // taking effect after today, earliest first
}

// Edit is what an admin enters to make a new version of a rule.
type Edit struct {
	Values        map[string][]string // the rule's parameters, as Fields names them
	EffectiveFrom string              // "2026-12-01"; today or later
	LegalBasis    string
	Reason        string
}

// Service reads rules and adds versions.
type Service struct {
	db  *pgxpool.Pool
	now func() time.Time
}

// NewService returns a Service.
func NewService(db *pgxpool.Pool) *Service { return &Service{db: db, now: time.Now} }

const versionColumns = `v.id, v.rule_code, v.version, v.params, v.effective_from, v.legal_basis, v.reason, v.created_by_name, v.created_at`

func scanVersion(row pgx.CollectableRow) (Version, error) {
	var v Version
	var d time.Time
	err := row.Scan(&v.ID, &v.Rule, &v.Version, &v.Params, &d, &v.LegalBasis, &v.Reason, &v.CreatedByName, &v.CreatedAt)
	v.EffectiveFrom = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, wib.Location)
	return v, err
}

func canRead(ctx context.Context) error {
	if !audit.ActorFrom(ctx).HasRole("admin", "auditor") {
		return apperr.E(apperr.Forbidden, "Hanya admin dan auditor yang dapat melihat aturan pengadaan.")
	}
	return nil
}

// InForce returns the version of every rule in force on the WIB date of at,
// read with db (the caller's transaction when it checks under locks). It
// fails when a rule has no version in force on that date.
func InForce(ctx context.Context, db postgres.DBTX, at time.Time) (map[Code]Version, error) {
	rows, err := db.Query(ctx, inForceQuery, wib.ISODate(at))
	if err != nil {
		return nil, fmt.Errorf("rules: versions in force: %w", postgres.Classify(err))
	}
	return collectInForce(rows, at)
}

// inForceQuery reads the version of each rule in force on day $1.
const inForceQuery = `SELECT DISTINCT ON (v.rule_code) ` + versionColumns + ` FROM rule_versions v
	WHERE v.effective_from <= $1::date ORDER BY v.rule_code, v.effective_from DESC, v.version DESC`

// collectInForce reads the rows of inForceQuery for day at and closes them.
func collectInForce(rows pgx.Rows, at time.Time) (map[Code]Version, error) {
	list, err := pgx.CollectRows(rows, scanVersion)
	if err != nil {
		return nil, fmt.Errorf("rules: versions in force: %w", postgres.Classify(err))
	}
	out := map[Code]Version{}
	for _, v := range list {
		out[v.Rule] = v
	}
	for _, c := range Codes {
		if _, ok := out[c]; !ok {
			return nil, fmt.Errorf("rules: no version of rule %s in force on %s", c, wib.ISODate(at))
		}
	}
	return out, nil
}

// Versions returns the versions with the given ids, as an order stored
// them, in id order. It checks no permission: whoever may see the order may
// see the rules it was checked against.
func Versions(ctx context.Context, db postgres.DBTX, ids []int64) ([]Version, error) {
	rows, err := db.Query(ctx, "SELECT "+versionColumns+" FROM rule_versions v WHERE v.id = ANY($1) ORDER BY v.id", ids)
	if err != nil {
		return nil, fmt.Errorf("rules: versions: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, scanVersion)
	if err != nil {
		return nil, fmt.Errorf("rules: versions: %w", postgres.Classify(err))
	}
	return list, nil
}

type ruleRow struct {
	Code        Code
	Name        string
	Description string
}

// Rules lists every rule with its version in force today and those
// scheduled. Admins and auditors may.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	if err := canRead(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT code, name, description FROM rules ORDER BY position")
	if err != nil {
		return nil, fmt.Errorf("rules: list: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ruleRow])
	if err != nil {
		return nil, fmt.Errorf("rules: list: %w", postgres.Classify(err))
	}
	current, err := InForce(ctx, s.db, s.now())
	if err != nil {
		return nil, err
	}
	vrows, err := s.db.Query(ctx, "SELECT "+versionColumns+" FROM rule_versions v WHERE v.effective_from > $1::date ORDER BY v.effective_from, v.version",
		wib.ISODate(s.now()))
	if err != nil {
		return nil, fmt.Errorf("rules: scheduled: %w", postgres.Classify(err))
	}
	scheduled, err := pgx.CollectRows(vrows, scanVersion)
	if err != nil {
		return nil, fmt.Errorf("rules: scheduled: %w", postgres.Classify(err))
	}
	out := make([]Rule, len(list))
	for i, r := range list {
		out[i] = Rule{Code: r.Code, Name: r.Name, Description: r.Description, Current: current[r.Code]}
		for _, v := range scheduled {
			if v.Rule == r.Code {
				out[i].Scheduled = append(out[i].Scheduled, v)
			}
		}
	}
	return out, nil
}

// Rule returns one rule and its full history, newest version first.
// Admins and auditors may.
func (s *Service) Rule(ctx context.Context, code Code) (Rule, []Version, error) {
	if err := canRead(ctx); err != nil {
		return Rule{}, nil, err
	}
	all, err := s.Rules(ctx)
	if err != nil {
		return Rule{}, nil, err
	}
	for _, r := range all {
		if r.Code != code {
			continue
		}
		rows, err := s.db.Query(ctx, "SELECT "+versionColumns+" FROM rule_versions v WHERE v.rule_code = $1 ORDER BY v.version DESC", code)
		if err != nil {
			return Rule{}, nil, fmt.Errorf("rules: history: %w", postgres.Classify(err))
		}
		history, err := pgx.CollectRows(rows, scanVersion)
		if err != nil {
			return Rule{}, nil, fmt.Errorf("rules: history: %w", postgres.Classify(err))
		}
		return r, history, nil
	}
	return Rule{}, nil, apperr.E(apperr.NotFound, "Aturan tidak ditemukan.")
}

// AddVersion records a new version of rule code from an admin's edit: new
// parameters, the date they take effect (today or later, so no order already
// checked changes its rule), the legal basis and the reason. Earlier
// versions stay as they are. Only admins may.
func (s *Service) AddVersion(ctx context.Context, code Code, e Edit) (Version, error) {
	actor := audit.ActorFrom(ctx)
	if !actor.HasRole("admin") {
		return Version{}, apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengubah aturan pengadaan.")
	}
	known := false
	for _, c := range Codes {
		known = known || c == code
	}
	if !known {
		return Version{}, apperr.E(apperr.NotFound, "Aturan tidak ditemukan.")
	}
	errs := validate.Errors{}
	params, err := ParseParams(code, e.Values)
	if fields, ok := validate.AsErrors(err); ok {
		for k, v := range fields {
			errs.Add(k, v)
		}
	} else if err != nil {
		return Version{}, err
	}
	today := wib.ISODate(s.now())
	from, err := wib.ParseDate(e.EffectiveFrom)
	switch {
	case err != nil:
		errs.Add("effective_from", "Tanggal mulai berlaku wajib diisi dengan tanggal yang valid.")
	case wib.ISODate(from) < today:
		errs.Add("effective_from", "Tanggal mulai berlaku paling awal hari ini: pesanan yang sudah diperiksa tetap memakai aturan lamanya.")
	}
	legal := strings.TrimSpace(e.LegalBasis)
	if n := len([]rune(legal)); n < 3 || n > 500 {
		errs.Add("legal_basis", "Dasar hukum wajib diisi, misalnya nomor Perbup.")
	}
	reason := strings.TrimSpace(e.Reason)
	if n := len([]rune(reason)); n < 10 || n > 1000 {
		errs.Add("reason", "Tulis alasan perubahan (10–1000 huruf); auditor membacanya.")
	}
	if err := errs.Err(); err != nil {
		return Version{}, err
	}
	var actorID *int64
	if actor.ID != 0 {
		actorID = &actor.ID
	}
	var id int64
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		// The rule row lock makes concurrent edits take turns for the next version number.
		if _, err := tx.Exec(ctx, "SELECT 1 FROM rules WHERE code = $1 FOR UPDATE", code); err != nil {
			return err
		}
		var next int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) + 1 FROM rule_versions WHERE rule_code = $1", code).Scan(&next); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO rule_versions (rule_code, version, params, effective_from, legal_basis, reason, created_by, created_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			code, next, params, wib.ISODate(from), legal, reason, actorID, actor.Name).Scan(&id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "rule.version", Entity: "rule", EntityID: string(code),
			Details: map[string]any{"version_id": id, "version": next, "params": params, "effective_from": wib.ISODate(from),
				"legal_basis": legal, "reason": reason}})
	})
	if err != nil {
		return Version{}, fmt.Errorf("rules: add version of %s: %w", code, postgres.Classify(err))
	}
	list, err := Versions(ctx, s.db, []int64{id})
	if err != nil {
		return Version{}, err
	}
	if len(list) != 1 {
		return Version{}, fmt.Errorf("rules: version %s not found after insert", strconv.FormatInt(id, 10))
	}
	return list[0], nil
}
