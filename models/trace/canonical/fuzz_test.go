package canonical

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/dcsim/dcsim/models/trace"
)

// FuzzReader feeds arbitrary bytes to the Reader: it must never panic, its errors (other than
// io.EOF) must wrap trace.ErrBadInput, every job it returns must be valid and in submit order,
// and the Writer must write those jobs back into a file that reads the same. The seed corpus is
// a few small valid files, written here and committed under testdata/fuzz/FuzzReader.
//
//	go test -run '^$' -fuzz FuzzReader -fuzztime 20s -parallel 1 ./models/trace/canonical
func FuzzReader(f *testing.F) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{0, 1, 3} {
		f.Add(writeBytes(f, randJobs(rng, n, 3), map[string]string{"k": "v"}, WithBatchRows(2)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			if !errors.Is(err, trace.ErrBadInput) {
				t.Fatalf("error does not wrap ErrBadInput: %v", err)
			}
			return
		}
		defer r.Close()
		var jobs []trace.Job
		for {
			j, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if !errors.Is(err, trace.ErrBadInput) {
					t.Fatalf("error does not wrap ErrBadInput: %v", err)
				}
				return
			}
			jobs = append(jobs, j)
		}
		checkJobs(t, jobs)
		back, _, err := readBytes(writeBytes(t, jobs, nil, WithBatchRows(3)), "again")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, jobs) {
			t.Fatal("jobs differ after writing them again")
		}
	})
}
