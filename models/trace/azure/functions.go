package azure

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/models/trace/internal/textio"
)

// functionKeys are the leading columns of invocations_per_function_md.anon.dNN.csv.
var functionKeys = [4]string{"HashOwner", "HashApp", "HashFunction", "Trigger"}

// Function is one row of an invocations_per_function_md.anon.dNN.csv file (Azure Functions
// 2019). The file starts with a header "HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440";
// the minute columns must be numbered 1, 2, ... in order, and their number (1440 in the
// released files) sets len(PerMinute) for every row. Every row must have exactly 4 + minutes
// fields. PerMinute[i] is the number of invocations in minute i+1 of the day, a non-negative
// integer that fits in int32. Trigger is passed through as written (the dataset uses http,
// timer, queue, event, storage, orchestration and others). Each PerMinute slice is newly
// allocated and belongs to the caller.
type Function struct {
	Owner, App, Name, Trigger string
	PerMinute                 []int32
	Line                      int // 1-based line number
}

// FunctionReader streams Function rows.
type FunctionReader struct {
	lr      *lineReader
	minutes int
	fields  []string
}

// NewFunctionReader returns a FunctionReader for r (plain or gzip). name is used in error
// messages. It reads the header; an error in it is returned by the first Next.
func NewFunctionReader(r io.Reader, name string) (*FunctionReader, error) {
	lr, err := newLineReader(r, name)
	if err != nil {
		return nil, err
	}
	fr := &FunctionReader{lr: lr}
	fr.readHeader()
	return fr, nil
}

// OpenFunctions opens an invocations_per_function file (plain or gzip). The caller must Close
// the io.Closer.
func OpenFunctions(path string) (*FunctionReader, io.Closer, error) {
	return openFile(path, NewFunctionReader)
}

// Minutes returns the number of minute columns given by the header (0 if the header was
// missing or bad).
func (r *FunctionReader) Minutes() int { return r.minutes }

// Stats returns the counts so far.
func (r *FunctionReader) Stats() Stats { return r.lr.stats }

func (r *FunctionReader) readHeader() {
	line, ok := r.lr.nextNonBlank()
	if !ok {
		if r.lr.err == io.EOF {
			r.lr.err = fmt.Errorf("%s: missing header %q", r.lr.name, strings.Join(functionKeys[:], ",")+",1,2,...")
		}
		return
	}
	ln := r.lr.stats.Lines
	h := strings.Split(line, ",")
	for k, want := range functionKeys {
		if k >= len(h) || strings.Trim(h[k], " \t") != want {
			r.lr.fail(r.lr.errorf(ln, "header field %d: expected %q", k+1, want))
			return
		}
	}
	if len(h) == len(functionKeys) {
		r.lr.fail(r.lr.errorf(ln, "header has no minute columns"))
		return
	}
	for k := len(functionKeys); k < len(h); k++ {
		want := strconv.Itoa(k - len(functionKeys) + 1)
		if got := strings.Trim(h[k], " \t"); got != want {
			r.lr.fail(r.lr.errorf(ln, "header field %d: expected minute column %q, got %q", k+1, want, got))
			return
		}
	}
	r.lr.stats.Header++
	r.minutes = len(h) - len(functionKeys)
	r.fields = make([]string, len(h))
}

// Next returns the next function row, or io.EOF at the end of the input.
func (r *FunctionReader) Next() (Function, error) {
	line, ok := r.lr.nextNonBlank()
	if !ok {
		return Function{}, r.lr.err
	}
	ln := r.lr.stats.Lines
	want := len(r.fields)
	if n := splitFields(line, r.fields); n != want {
		return Function{}, r.lr.fail(r.lr.errorf(ln, "expected %d fields, got %d", want, n))
	}
	f := r.fields
	for k := range functionKeys {
		if f[k] == "" {
			return Function{}, r.lr.fail(r.lr.errorf(ln, "field %d (%s): empty", k+1, functionKeys[k]))
		}
	}
	fn := Function{Owner: f[0], App: f[1], Name: f[2], Trigger: f[3], Line: int(ln),
		PerMinute: make([]int32, r.minutes)}
	for i := range fn.PerMinute {
		k := len(functionKeys) + i
		n, err := textio.ParseUint(f[k], 64)
		if err == nil && n > math.MaxInt32 {
			err = fmt.Errorf("integer out of range %q", f[k])
		}
		if err != nil {
			return Function{}, r.lr.fail(r.lr.errorf(ln, "field %d (minute %d): %v", k+1, i+1, err))
		}
		fn.PerMinute[i] = int32(n)
	}
	r.lr.stats.Records++
	return fn, nil
}
