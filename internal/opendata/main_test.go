package opendata_test

import (
	"testing"

	"lapak/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
