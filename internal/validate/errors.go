// Package validate owns form and field validation for Lapak: the Errors
// collection that handlers fill and templates render, and normalising
// checks for Indonesian identifiers (NIK, NIB, NPWP, NIP), phone numbers,
// e-mail addresses, passwords and free text.
//
// Every error returned by a field helper carries a complete sentence in
// Bahasa Indonesia that is safe to show to users as is.
package validate

import (
	"errors"
	"sort"
	"strings"
)

// Errors maps a form field name to the Indonesian message shown next to it.
// Use a non-nil map (Errors{} or make(Errors)) before calling Add or Check.
type Errors map[string]string

// Error implements error with a stable text: fields sorted by name,
// formatted as "validate: field: msg; field: msg".
func (e Errors) Error() string {
	if len(e) == 0 {
		return "validate: no errors"
	}
	fields := make([]string, 0, len(e))
	for f := range e {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var b strings.Builder
	b.WriteString("validate: ")
	for i, f := range fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f)
		b.WriteString(": ")
		b.WriteString(e[f])
	}
	return b.String()
}

// Add records msg for field unless the field already has a message, so the
// first problem found for a field is the one users see.
func (e Errors) Add(field, msg string) {
	if _, ok := e[field]; ok {
		return
	}
	e[field] = msg
}

// Check records err.Error() for field when err is not nil.
func (e Errors) Check(field string, err error) {
	if err != nil {
		e.Add(field, err.Error())
	}
}

// Err returns nil when there are no errors and the Errors value otherwise.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Has reports whether field has a message.
func (e Errors) Has(field string) bool {
	_, ok := e[field]
	return ok
}

// AsErrors finds an Errors value in err's chain, including through
// fmt.Errorf("%w") wrapping.
func AsErrors(err error) (Errors, bool) {
	var e Errors
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// message is an error whose text is a complete Indonesian sentence that is
// safe to show to users.
type message string

func (m message) Error() string { return string(m) }
