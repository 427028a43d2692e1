package scope

import "fmt"

// PerimeterError is a perimeter that cannot be scanned as declared (too
// large, names without a resolver): the user has to change it.
type PerimeterError struct{ Msg string }

func (e *PerimeterError) Error() string { return e.Msg }

func perimeterErrorf(format string, a ...any) error {
	return &PerimeterError{Msg: fmt.Sprintf(format, a...)}
}
