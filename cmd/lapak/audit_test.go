package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"lapak/internal/postgres/pgtest"
)

// TestRun_AuditVerifyReportsFirstBrokenLink: rows changed or removed
// directly in the database, behind Lapak's back (the guard trigger switched
// off, as a database superuser could), are caught by `lapak audit verify`,
// which names the first broken entry and how many before it still hold,
// even when later entries were tampered with too.
func TestRun_AuditVerifyReportsFirstBrokenLink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper []string // %[1]d, %[2]d, ... are the ids of entries 1 to 5
		broken int      // the entry (1 to 5) reported
		reason string
	}{
		{"a changed row", []string{`UPDATE audit_log SET details = '{"n": 99}' WHERE id = %[3]d`}, 3, "the entry was changed"},
		{"a changed actor, and a later row too", []string{
			`UPDATE audit_log SET actor_name = 'Orang Lain' WHERE id = %[2]d`,
			`UPDATE audit_log SET action = 'user.delete' WHERE id = %[5]d`,
		}, 2, "the entry was changed"},
		{"a removed row", []string{`DELETE FROM audit_log WHERE id = %[4]d`}, 5, "entries were removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url := pgtest.NewURL(t)
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			ids := make([]any, 5)
			for i := range ids {
				var id int64
				err := conn.QueryRow(ctx, `INSERT INTO audit_log (actor_name, action, entity, entity_id, details)
					VALUES ('Admin', 'user.create', 'user', $1, jsonb_build_object('n', $2::int)) RETURNING id`, fmt.Sprint(i+1), i+1).Scan(&id)
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = id
			}
			out, err := lapak(t, url, "audit", "verify")
			if err != nil || !strings.HasPrefix(out, "OK: 5 entries verified") {
				t.Fatalf("before tampering: got %v, %q", err, out)
			}
			if _, err := conn.Exec(ctx, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard"); err != nil {
				t.Fatal(err)
			}
			for _, q := range tt.tamper {
				if _, err := conn.Exec(ctx, fmt.Sprintf(q, ids...)); err != nil {
					t.Fatal(err)
				}
			}
			out, err = lapak(t, url, "audit", "verify")
			want := fmt.Sprintf("BROKEN: audit entry id %d (chain position %d): ", ids[tt.broken-1], tt.broken)
			before := fmt.Sprintf("\n%d entries before it verified\n", tt.broken-1)
			if tt.reason == "entries were removed" {
				before = fmt.Sprintf("\n%d entries before it verified\n", tt.broken-2)
			}
			if err == nil || !strings.HasPrefix(out, want) || !strings.Contains(out, tt.reason) || !strings.Contains(out, before) {
				t.Errorf("got %v, %q; want an error and %q…%q…%q", err, out, want, tt.reason, before)
			}
		})
	}
}
