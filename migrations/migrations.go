// Package migrations embeds the SQL migrations applied by postgres.Migrate.
// Files follow golang-migrate's naming: NNNNNN_verb_object.up.sql / .down.sql.
// Never edit a merged migration: add a new one.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
