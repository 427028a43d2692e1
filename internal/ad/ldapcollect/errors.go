package ldapcollect

import (
	"errors"
	"fmt"
)

// Kind classifies a collection failure so that the command line can choose
// its exit code and advice.
type Kind int

// Failure kinds. KindAuth, KindUnreachable, KindTLS, KindReferral and
// KindConfig are errors of the user's input (exit code 2).
const (
	KindOther       Kind = iota // anything else (exit code 1)
	KindAuth                    // wrong credentials or refused authentication
	KindUnreachable             // the DC does not answer
	KindTLS                     // the TLS handshake or certificate check failed
	KindReferral                // the DC sends us elsewhere, or in a loop
	KindConfig                  // inconsistent options
)

// Error is a collection failure with a French message for the user.
type Error struct {
	Kind Kind
	Msg  string // French, complete sentence without the cause
	Err  error  // underlying cause, may be nil
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg
	}
	return fmt.Sprintf("%s (%v)", e.Msg, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// IsInput reports whether err is a collection failure caused by the user's
// input: credentials, address, TLS settings, options, referrals.
func IsInput(err error) bool {
	var ce *Error
	return errors.As(err, &ce) && ce.Kind != KindOther
}

func newErr(k Kind, err error, format string, a ...any) error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, a...), Err: err}
}
