package web

import (
	"slices"
	"time"

	"lapak/internal/opd"
	"lapak/internal/rup"
	"lapak/internal/wib"
	"lapak/internal/workday"
)

// RUPListView is what the RUP package list shows.
type RUPListView struct {
	Packages []rup.Listed
	Filter   Form      // opd_id, year, q
	OPDs     []opd.OPD // choices of the OPD filter; empty for officials of one OPD
	CanEdit  bool      // the user may add and import packages
	EditAll  bool      // the user may edit every OPD's packages (admins)
	EditOPDs []int64   // otherwise, the OPDs whose packages the user may edit
}

// CanEditOPD reports whether the user may edit packages of OPD id.
func (v RUPListView) CanEditOPD(id int64) bool { return v.EditAll || slices.Contains(v.EditOPDs, id) }

// RUPFormChoices are the choices of the RUP package form.
type RUPFormChoices struct {
	OPDs    []opd.OPD // for admins adding a package: which OPD
	OPDName string    // the package's OPD, when editing
	PPKs    []rup.PPK // officials who may be the package's PPK
}

func rupOPDOptions(list []opd.OPD, first string) []Option {
	out := []Option{{"", first}}
	for _, o := range list {
		out = append(out, Option{i64(o.ID), o.Name})
	}
	return out
}

func rupFundingOptions() []Option {
	out := []Option{{"", "— pilih sumber dana —"}}
	for _, f := range rup.FundingSources {
		out = append(out, Option{string(f), f.Label()})
	}
	return out
}

func rupPPKOptions(list []rup.PPK) []Option {
	out := []Option{{"", "— belum ditentukan —"}}
	for _, p := range list {
		label := p.Name
		if p.NIP != "" {
			label += " (NIP " + p.NIP + ")"
		}
		out = append(out, Option{i64(p.UserID), label})
	}
	return out
}

func holidayKindOptions() []Option {
	out := []Option{{"", "— pilih jenis —"}}
	for _, k := range workday.Kinds {
		out = append(out, Option{string(k), k.Label()})
	}
	return out
}

func holidayYearComplete(years []workday.Year, year int) bool {
	for _, y := range years {
		if y.Year == year {
			return y.Complete()
		}
	}
	return false
}

func longDate(t time.Time) string { return wib.Date(t) }
