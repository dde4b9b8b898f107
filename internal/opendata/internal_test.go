package opendata

// SetMaxXLSXRows lowers the XLSX row limit until the returned function
// restores it. Only tests that do not run in parallel may call it.
func SetMaxXLSXRows(n int64) (restore func()) {
	old := maxXLSXRows
	maxXLSXRows = n
	return func() { maxXLSXRows = old }
}
