// Package apperr defines the kinds of error that domain packages return, so that
// the HTTP layer can choose a status and a message without knowing the domain.
// An error without a kind is internal: its text is logged, never shown to users.
package apperr

import (
	"errors"
)

// Kind classifies an error. Compare with errors.Is(err, apperr.NotFound).
type Kind struct{ name string }

func (k *Kind) Error() string { return k.name }

// The kinds of error a domain may return.
var (
	NotFound        = &Kind{"not found"}
	Invalid         = &Kind{"invalid"}
	Conflict        = &Kind{"conflict"}
	Forbidden       = &Kind{"forbidden"}
	Unauthenticated = &Kind{"unauthenticated"}
	TooMany         = &Kind{"too many requests"}
	Unavailable     = &Kind{"unavailable"}
)

// Error is an error of a kind with a message that is safe to show to users.
type Error struct {
	Kind    *Kind
	Message string // a full Indonesian sentence for users; may be empty
	Err     error  // the underlying cause, for logs; may be nil
}

func (e *Error) Error() string {
	s := e.Kind.name
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is reports whether target is this error's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// E returns an error of kind k with a message for users.
func E(k *Kind, message string) error { return &Error{Kind: k, Message: message} }

// Wrap returns an error of kind k with a message for users and a cause for logs.
func Wrap(k *Kind, message string, cause error) error {
	return &Error{Kind: k, Message: message, Err: cause}
}

// KindOf returns the kind of err, or nil when err is internal.
func KindOf(err error) *Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	for _, k := range []*Kind{NotFound, Invalid, Conflict, Forbidden, Unauthenticated, TooMany, Unavailable} {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}

// Message returns the user-safe message carried by err, or "" when it has none.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}
