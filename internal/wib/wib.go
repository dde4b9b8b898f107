// Package wib owns how Lapak shows dates and times: always in WIB
// (Asia/Jakarta, UTC+7) with Indonesian day and month names, plus Roman
// month numerals for letter numbers and parsing of HTML date inputs.
//
// The time zone database is embedded, so the package works on hosts
// without system tzdata.
package wib

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Jakarta must load on hosts without tzdata.
)

// Location is Asia/Jakarta, the zone every displayed time is converted to.
var Location = mustLoad()

func mustLoad() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic("wib: load Asia/Jakarta: " + err.Error())
	}
	return loc
}

// Error is an error whose text is a complete Indonesian sentence that is
// safe to show to users.
type Error string

// Error returns the message.
func (e Error) Error() string { return string(e) }

// ErrInvalidDate is returned by ParseDate for text that is not a date.
const ErrInvalidDate Error = "Tanggal tidak valid."

var months = [...]string{
	"Januari", "Februari", "Maret", "April", "Mei", "Juni",
	"Juli", "Agustus", "September", "Oktober", "November", "Desember",
}

var shortMonths = [...]string{
	"Jan", "Feb", "Mar", "Apr", "Mei", "Jun",
	"Jul", "Agu", "Sep", "Okt", "Nov", "Des",
}

var romanMonths = [...]string{
	"I", "II", "III", "IV", "V", "VI",
	"VII", "VIII", "IX", "X", "XI", "XII",
}

var weekdays = [...]string{
	"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu",
}

// Month returns the Indonesian name of m, such as "November", or "" when m
// is not 1..12.
func Month(m time.Month) string {
	if m < time.January || m > time.December {
		return ""
	}
	return months[m-1]
}

// Weekday returns the Indonesian name of d, such as "Kamis", or "" when d
// is out of range.
func Weekday(d time.Weekday) string {
	if d < time.Sunday || d > time.Saturday {
		return ""
	}
	return weekdays[d]
}

// RomanMonth returns m in Roman numerals, such as "XI", as used in letter
// numbers like 027/SP/DINKES/XI/2026, or "" when m is not 1..12.
func RomanMonth(m time.Month) string {
	if m < time.January || m > time.December {
		return ""
	}
	return romanMonths[m-1]
}

// Date returns t in WIB as "Kamis, 26 November 2026", or "" for the zero
// time.
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Location)
	return fmt.Sprintf("%s, %d %s %d", Weekday(t.Weekday()), t.Day(), Month(t.Month()), t.Year())
}

// ShortDate returns t in WIB as "26 Nov 2026", or "" for the zero time.
func ShortDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Location)
	return fmt.Sprintf("%d %s %d", t.Day(), shortMonths[t.Month()-1], t.Year())
}

// DateTime returns t in WIB as "Kamis, 26 November 2026 14.05 WIB", or ""
// for the zero time.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Date(t) + " " + Time(t) + " WIB"
}

// Time returns the WIB clock time of t as "14.05", Indonesian style with a
// dot, or "" for the zero time.
func Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Location).Format("15.04")
}

// ISODate returns the WIB calendar date of t as "2026-11-26", the format of
// HTML date inputs, or "" for the zero time.
func ISODate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Location).Format(time.DateOnly)
}

// ParseDate reads "2026-11-26", as sent by an HTML date input, as midnight
// WIB at the start of that day. Surrounding space is ignored; any other
// text gives ErrInvalidDate.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), Location)
	if err != nil {
		return time.Time{}, ErrInvalidDate
	}
	return t, nil
}
