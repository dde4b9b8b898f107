package supplier_test

import (
	"testing"

	"lapak/internal/postgres/pgtest"
)

// TestMain gives the package's tests (profile and documents alike) a database server.
func TestMain(m *testing.M) { pgtest.Main(m) }
