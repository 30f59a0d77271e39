package scenarios

import (
	"errors"
	"fmt"
)

// ErrInput is matched by every error this package returns for bad user input (a scenario
// file, a --set override, an unknown built-in name): errors.Is(err, ErrInput) is true, and the
// CLI maps such errors to exit code 2. errors.As(err, &*InputError) gives the first problem.
var ErrInput = errors.New("invalid scenario input")

// InputError is one problem with user input. Functions that find several problems return
// them all, combined with errors.Join, one per line.
type InputError struct {
	Pos  string // "file:line:col", "file", "--set key=value", or "" when unknown
	Path string // dotted key path, e.g. "cluster.host_groups[0].count"; "" for the whole input
	Msg  string // what is wrong and what was expected; names Path where relevant
}

func (e *InputError) Error() string {
	if e.Pos == "" {
		return e.Msg
	}
	return e.Pos + ": " + e.Msg
}

// Is makes errors.Is(err, ErrInput) true for every *InputError.
func (e *InputError) Is(target error) bool { return target == ErrInput }

// inputErr builds an *InputError whose message is prefixed by the key path, if any.
func inputErr(pos, path, format string, args ...any) *InputError {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	return &InputError{Pos: pos, Path: path, Msg: msg}
}

// joinErrs combines problems into one error (nil if none), keeping at most maxErrs of them.
func joinErrs(errs []error) error {
	const maxErrs = 50
	if len(errs) > maxErrs {
		n := len(errs) - maxErrs
		errs = append(errs[:maxErrs:maxErrs], &InputError{Msg: fmt.Sprintf("... and %d more problems", n)})
	}
	return errors.Join(errs...)
}
