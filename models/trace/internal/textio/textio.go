// Package textio holds the plumbing shared by the trace readers: transparent gzip
// decompression, a bounded line scanner and strict number parsers.
package textio

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

// BufSize is the size of the read buffers.
const BufSize = 64 << 10

// gzipMagic are the first two bytes of a gzip stream (RFC 1952).
var gzipMagic = [2]byte{0x1f, 0x8b}

type reader struct {
	io.Reader
	gz *gzip.Reader
}

func (r *reader) Close() error {
	if r.gz != nil {
		return r.gz.Close()
	}
	return nil
}

// NewReader returns a buffered reader of r's content, decompressed when r starts with the
// gzip magic bytes (0x1f 0x8b). Close closes the gzip stream, never r.
//
// When the gzip header is bad, NewReader returns nil and an error "gzip: ...". When
// peeking at the first bytes fails with an error other than io.EOF, NewReader returns a
// usable reader of r as plain text together with that error, so callers may either
// report it at once or leave it to the first read.
func NewReader(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(r, BufSize)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return &reader{Reader: br}, err
	}
	if len(magic) == 2 && magic[0] == gzipMagic[0] && magic[1] == gzipMagic[1] {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return &reader{Reader: bufio.NewReaderSize(gz, BufSize), gz: gz}, nil
	}
	return &reader{Reader: br}, nil
}

type file struct {
	io.ReadCloser
	f *os.File
}

func (f *file) Close() error {
	err := f.ReadCloser.Close()
	if e := f.f.Close(); err == nil {
		err = e
	}
	return err
}

// Open opens the file at path, plain or gzip (recognised by its magic bytes). An error
// from os.Open is returned as is; an error from NewReader is returned as "PATH: ERR".
// Close closes the gzip stream and the file and returns the first error.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	rc, err := NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &file{ReadCloser: rc, f: f}, nil
}
