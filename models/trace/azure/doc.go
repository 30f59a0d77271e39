// Package azure reads the Microsoft Azure public traces (https://github.com/Azure/AzurePublicDataset,
// CC BY 4.0):
//
//   - the 2017 VM trace (Azure Public Dataset V1; Cortez et al., "Resource Central", SOSP'17):
//     vmtable.csv with VMReader, and vm_cpu_readings-file-N-of-125.csv with CPUReadingReader;
//   - the 2019 Functions trace (Shahrad et al., "Serverless in the Wild", ATC'20):
//     invocations_per_function_md.anon.dNN.csv with FunctionReader;
//   - the 2023 LLM inference trace (Patel et al., "Splitwise", ISCA'24):
//     AzureLLMInferenceTrace_{code,conv}.csv with LLMReader.
//
// # Common rules
//
// Every reader streams its input line by line with bounded memory (one line at a time, at
// most MaxLineBytes long). Input that starts with the gzip magic bytes (0x1f 0x8b) is
// decompressed transparently (the dataset ships .csv.gz files).
//
//   - Lines end in "\n" or "\r\n"; a final line without a newline is read as usual. Line
//     numbers in errors and in the records' Line fields are 1-based and count every line.
//   - A line longer than MaxLineBytes is an error "NAME:LINE: line longer than 1048576 bytes";
//     a failure of the underlying reader or of gzip decompression is "NAME:LINE: read error: ...".
//   - A blank line (empty or only whitespace) is skipped and counted in Stats.Blank.
//   - Fields are separated by commas, with no quoting (the dataset's hashed ids are base64 or
//     hex and hold no commas); spaces and tabs around a field are trimmed. A record with the
//     wrong number of fields is "NAME:LINE: expected N fields, got M".
//   - A bad field is "NAME:LINE: field K (name): ..." with K 1-based. Numbers are decimal
//     ([+]digits[.digits][e[+-]digits]); "NaN", "Inf", hexadecimal and negative values are
//     rejected ("invalid number", "negative value", "number out of range"). Integer fields take
//     digits only ("invalid integer", "integer out of range").
//
// No record is dropped silently: every line is a header line, a blank line or a returned
// record, or Next returns an error naming it. Errors are sticky: after Next returns an error
// other than io.EOF it returns the same error forever. The readers never panic, whatever the
// input. A reader is not safe for concurrent use.
package azure

import (
	"io"
	"os"
)

// openFile opens path and builds a reader with mk, closing the file on failure.
func openFile[R any](path string, mk func(io.Reader, string) (R, error)) (R, io.Closer, error) {
	var zero R
	f, err := os.Open(path)
	if err != nil {
		return zero, nil, err
	}
	r, err := mk(f, path)
	if err != nil {
		f.Close()
		return zero, nil, err
	}
	return r, f, nil
}
