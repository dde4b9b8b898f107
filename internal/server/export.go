package server

import (
	"encoding/csv"
	"fmt"
	"net/http"

	"github.com/xuri/excelize/v2"
)

// writeTable sends a table as a CSV or XLSX download named name.csv / name.xlsx.
func writeTable(w http.ResponseWriter, format, name string, header []string, rows [][]any) error {
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
		// A byte-order mark lets Excel open the UTF-8 file with the right characters.
		_, _ = w.Write([]byte("\ufeff"))
		cw := csv.NewWriter(w)
		_ = cw.Write(header)
		for _, r := range rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = fmt.Sprint(v)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		sheet := "Sheet1"
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		head := make([]any, len(header))
		for i, h := range header {
			head[i] = h
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, r); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
		_, err = f.WriteTo(w)
		return err
	}
	return fmt.Errorf("server: unknown table format %q", format)
}
