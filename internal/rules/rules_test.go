package rules_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/rules"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

func TestService_RulesAndHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	svc := rules.NewService(f.db)
	list, err := svc.Rules(as(auth.RoleAuditor))
	if err != nil {
		t.Fatal(err)
	}
	var codes []rules.Code
	for _, r := range list {
		codes = append(codes, r.Code)
		if r.Current.Version != 1 || r.Current.LegalBasis == "" || r.Current.Summary() == "" {
			t.Errorf("%s: current %+v", r.Code, r.Current)
		}
	}
	if strings.Join(codesToStrings(codes), ",") != "ceiling,eligible_supplier,package_budget,split,ssh_ceiling" {
		t.Errorf("rules in order: %v", codes)
	}

	tomorrow := wib.ISODate(time.Now().AddDate(0, 0, 1))
	v, err := svc.AddVersion(as(auth.RoleAdmin), rules.Ceiling, rules.Edit{Values: map[string][]string{"limit": {"150.000.000"}},
		EffectiveFrom: tomorrow, LegalBasis: "Perbup Solok Selatan Nomor 12 Tahun 2027 (uji)", Reason: "Batas diturunkan oleh Perbup baru."})
	if err != nil {
		t.Fatal(err)
	}
	if v.Summary() != "Batas Rp150.000.000 per pesanan, termasuk PPN." {
		t.Errorf("summary %q", v.Summary())
	}
	r, history, err := svc.Rule(as(auth.RoleAdmin), rules.Ceiling)
	if err != nil {
		t.Fatal(err)
	}
	if r.Current.Version != 1 || len(r.Scheduled) != 1 || r.Scheduled[0].ID != v.ID {
		t.Errorf("current v%d, scheduled %+v", r.Current.Version, r.Scheduled)
	}
	if len(history) != 2 || history[0].Version != 2 || history[1].Version != 1 {
		t.Errorf("history %+v", history)
	}
	var n int
	if err := f.db.QueryRow(context.Background(), "SELECT count(*) FROM audit_log WHERE action = 'rule.version' AND entity_id = 'ceiling'").Scan(&n); err != nil || n != 1 {
		t.Errorf("audit entries: %d, %v", n, err)
	}
	// Tomorrow the new limit applies.
	c := f.candidate(150_000_001)
	c.At = time.Now().AddDate(0, 0, 1)
	if r := result(t, f.check(t, c), rules.Ceiling); r.Verdict != rules.Refuse || r.Version != 2 {
		t.Errorf("tomorrow: %s under version %d", r.Verdict, r.Version)
	}
	// The history cannot be rewritten, even in SQL.
	if _, err := f.db.Exec(context.Background(), "UPDATE rule_versions SET params = '{\"limit\": 1}' WHERE id = $1", v.ID); err == nil {
		t.Error("UPDATE of rule_versions succeeded")
	}
	if _, err := f.db.Exec(context.Background(), "DELETE FROM rule_versions WHERE id = $1", v.ID); err == nil {
		t.Error("DELETE of rule_versions succeeded")
	}
}

func codesToStrings(cs []rules.Code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func TestService_Permissions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	svc := rules.NewService(f.db)
	edit := rules.Edit{Values: map[string][]string{"limit": {"100000000"}}, EffectiveFrom: wib.ISODate(time.Now()),
		LegalBasis: "Perbup (uji)", Reason: "Perubahan untuk pengujian."}
	for _, role := range []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleSupplier, auth.RoleKoperindag} {
		if _, err := svc.Rules(as(role)); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("Rules as %s: got %v, want Forbidden", role, err)
		}
	}
	for _, role := range []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleSupplier, auth.RoleKoperindag, auth.RoleAuditor} {
		if _, err := svc.AddVersion(as(role), rules.Ceiling, edit); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("AddVersion as %s: got %v, want Forbidden", role, err)
		}
	}
	if _, err := svc.AddVersion(as(auth.RoleAdmin), "tidak_ada", edit); !errors.Is(err, apperr.NotFound) {
		t.Errorf("AddVersion of an unknown rule: got %v, want NotFound", err)
	}
	if _, _, err := svc.Rule(as(auth.RoleAuditor), "tidak_ada"); !errors.Is(err, apperr.NotFound) {
		t.Errorf("Rule unknown: got %v, want NotFound", err)
	}
}

func TestService_AddVersionValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	svc := rules.NewService(f.db)
	today := wib.ISODate(time.Now())
	yesterday := wib.ISODate(time.Now().AddDate(0, 0, -1))
	tests := []struct {
		name   string
		code   rules.Code
		values map[string][]string
		from   string
		reason string
		field  string
	}{
		{"batas bukan angka", rules.Ceiling, map[string][]string{"limit": {"dua ratus juta"}}, today, "Alasan yang cukup panjang.", "limit"},
		{"berlaku mundur", rules.Ceiling, map[string][]string{"limit": {"100000000"}}, yesterday, "Alasan yang cukup panjang.", "effective_from"},
		{"tanpa alasan", rules.Ceiling, map[string][]string{"limit": {"100000000"}}, today, "", "reason"},
		{"tanpa skala", rules.EligibleSupplier, map[string][]string{"regency_code": {"13.11"}, "regency_name": {"Kab. Solok Selatan"}}, today, "Alasan yang cukup panjang.", "scales"},
		{"kode wilayah salah", rules.EligibleSupplier, map[string][]string{"scales": {"mikro"}, "regency_code": {"1311"}, "regency_name": {"Kab. Solok Selatan"}}, today, "Alasan yang cukup panjang.", "regency_code"},
		{"jangka nol hari", rules.Split, map[string][]string{"window_days": {"0"}, "band_edges": {"10.000.000"}, "margin_percent": {"5"}, "cluster_min_orders": {"2"}}, today, "Alasan yang cukup panjang.", "window_days"},
		{"jenjang bukan rupiah", rules.Split, map[string][]string{"window_days": {"30"}, "band_edges": {"10 juta"}, "margin_percent": {"5"}, "cluster_min_orders": {"2"}}, today, "Alasan yang cukup panjang.", "band_edges"},
		{"toleransi negatif", rules.SSHCeiling, map[string][]string{"tolerance_percent": {"-1"}}, today, "Alasan yang cukup panjang.", "tolerance_percent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.AddVersion(as(auth.RoleAdmin), tt.code, rules.Edit{Values: tt.values, EffectiveFrom: tt.from, LegalBasis: "Perbup (uji)", Reason: tt.reason})
			fields, ok := validate.AsErrors(err)
			if !ok || fields[tt.field] == "" {
				t.Errorf("got %v, want a message on %q", err, tt.field)
			}
		})
	}
}

// TestParams_FormRoundTrip: every rule's seeded params survive the admin
// form unchanged.
func TestParams_FormRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	versions, err := rules.InForce(context.Background(), f.db, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range rules.Codes {
		v := versions[code]
		values, err := rules.FormValues(code, v.Params)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		back, err := rules.ParseParams(code, values)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if rules.Summary(code, back) != v.Summary() {
			t.Errorf("%s: %q became %q", code, v.Summary(), rules.Summary(code, back))
		}
		if len(rules.Fields(code)) == 0 {
			t.Errorf("%s has no fields", code)
		}
	}
}
