package canonical

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/dcsim/dcsim/internal/flatbuf"
)

// This file checks an Arrow IPC file's metadata before arrow-go reads it.
//
// arrow-go trusts the flatbuffer metadata of a file: a few corrupt bytes can make it index
// out of range or allocate gigabytes, and some of those panics (schema parsing, dictionaries)
// happen outside its own recover. Instead of recovering, this package only hands arrow-go
// files it has checked: every flatbuffer table, vector, string and scalar that arrow-go reads
// lies inside its buffer; the schema is exactly the canonical one (so no type arrow-go parses
// can be unusual); there are no dictionary batches and no compression; and every record
// batch's field nodes and buffers match the canonical columns, lie inside the batch body and
// are large enough for the batch's row count. What remains to check once the arrays exist
// (offsets inside their data, valid UTF-8) the reader checks per batch. It follows the Arrow
// format's File.fbs, Message.fbs and Schema.fbs (metadata version 5; version 4 reads the same
// for these types).

const (
	arrowMagic = "ARROW1"
	// maxMetaBytes bounds a message's metadata (a canonical batch's is well under 1 KiB).
	maxMetaBytes = 1 << 24
	// maxFieldDepth bounds the nesting followed when naming a field's type in an error.
	maxFieldDepth = 8
)

// Arrow flatbuffer Type union members (Schema.fbs).
const (
	fbTypeInt  = 2
	fbTypeUtf8 = 5
	fbTypeBool = 6
	fbTypeList = 12
)

var fbTypeNames = [...]string{"none", "null", "int", "float", "binary", "utf8", "bool", "decimal",
	"date", "time", "timestamp", "interval", "list", "struct", "union", "fixed_size_binary",
	"fixed_size_list", "map", "duration", "large_binary", "large_utf8", "large_list",
	"run_end_encoded", "binary_view", "utf8_view", "list_view", "large_list_view"}

// block is a record batch's place in the file, from the footer.
type block struct {
	offset int64
	meta   int64 // metadata length, including the length prefix
	body   int64
}

// flatbuf.ErrCorrupt marks flatbuffer metadata that is not well formed.

// corruptError is a structural problem of the file (as opposed to a schema mismatch).
type corruptError struct{ err error }

func (e corruptError) Error() string { return "corrupt Arrow file: " + e.err.Error() }
func (e corruptError) Unwrap() error { return e.err }

func corrupt(format string, args ...any) error {
	return corruptError{fmt.Errorf(format, args...)}
}

// ioError is a failure to read the file (as opposed to a problem of its content).
type ioError struct{ err error }

func (e ioError) Error() string { return e.err.Error() }
func (e ioError) Unwrap() error { return e.err }

// readAt fills buf from r at off; the caller has checked that the bytes lie inside the file.
func readAt(r io.ReaderAt, buf []byte, off int64) error {
	if _, err := r.ReadAt(buf, off); err != nil {
		return ioError{err}
	}
	return nil
}

// verifyFile checks the file's magic bytes, footer and schema and returns its record batch
// blocks. A read failure gives an ioError; a structural problem a corruptError; a schema that
// is not the canonical one an error naming the column.
func verifyFile(r io.ReaderAt, size int64) ([]block, error) {
	const tail = 4 + len(arrowMagic) // footer length + magic
	if size < int64(8+tail) {
		return nil, errors.New("not an Arrow IPC file: too short")
	}
	head := make([]byte, 8)
	if err := readAt(r, head, 0); err != nil {
		return nil, err
	}
	buf := make([]byte, tail)
	if err := readAt(r, buf, size-int64(tail)); err != nil {
		return nil, err
	}
	if string(head[:6]) != arrowMagic || string(buf[4:]) != arrowMagic {
		return nil, errors.New("not an Arrow IPC file (no ARROW1 magic bytes at both ends; truncated?)")
	}
	flen := int64(int32(binary.LittleEndian.Uint32(buf)))
	footerAt := size - int64(tail) - flen
	if flen <= 0 || footerAt < 8 {
		return nil, corrupt("bad footer length %d", flen)
	}
	footer := make([]byte, flen)
	if err := readAt(r, footer, footerAt); err != nil {
		return nil, err
	}
	fb := &flatbuf.Buffer{B: footer, Budget: 1 << 16}
	// table Footer { version: short; schema: Schema; dictionaries: [Block];
	//                recordBatches: [Block]; custom_metadata: [KeyValue]; }
	root, err := fb.Root()
	if err != nil {
		return nil, corrupt("footer: %w", err)
	}
	if _, err := root.I16(0); err != nil {
		return nil, corrupt("footer: %w", err)
	}
	if err := root.KeyValues(4); err != nil {
		return nil, corrupt("footer: %w", err)
	}
	s, ok, err := root.Table(1)
	if err != nil {
		return nil, corrupt("footer: %w", err)
	}
	if !ok {
		return nil, corrupt("footer without schema")
	}
	if err := verifySchema(s); err != nil {
		return nil, err
	}
	const blockSize = 24 // struct Block { offset: long; metaDataLength: int; pad; bodyLength: long; }
	_, nd, err := root.Vector(2, blockSize)
	if err != nil {
		return nil, corrupt("footer: %w", err)
	}
	if nd != 0 {
		return nil, corrupt("%d dictionary batches, want none", nd)
	}
	start, n, err := root.Vector(3, blockSize)
	if err != nil {
		return nil, corrupt("footer: %w", err)
	}
	blocks := make([]block, n)
	for i := range blocks {
		b := footer[start+i*blockSize:]
		blk := block{
			offset: int64(binary.LittleEndian.Uint64(b)),
			meta:   int64(int32(binary.LittleEndian.Uint32(b[8:]))),
			body:   int64(binary.LittleEndian.Uint64(b[16:])),
		}
		// Blocks lie between the leading magic and the footer, are 8-byte aligned (arrow-go
		// requires it) and do not overlap, so reading all of them costs time and memory
		// linear in the file size.
		if blk.offset < 8 || blk.meta < 8 || blk.meta > maxMetaBytes || blk.body < 0 ||
			blk.offset > footerAt || blk.meta > footerAt-blk.offset || blk.body > footerAt-blk.offset-blk.meta {
			return nil, corrupt("record batch %d: block out of the file", i)
		}
		if blk.offset%8 != 0 || blk.meta%8 != 0 || blk.body%8 != 0 {
			return nil, corrupt("record batch %d: block not 8-byte aligned", i)
		}
		blocks[i] = blk
	}
	sorted := slices.Clone(blocks)
	slices.SortFunc(sorted, func(a, b block) int { return cmp.Compare(a.offset, b.offset) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].offset < sorted[i-1].offset+sorted[i-1].meta+sorted[i-1].body {
			return nil, corrupt("record batch blocks overlap")
		}
	}
	return blocks, nil
}

// verifySchema checks table Schema { endianness: short; fields: [Field];
// custom_metadata: [KeyValue]; features: [long]; } and that its fields are the canonical
// columns.
func verifySchema(s flatbuf.Table) error {
	end, err := s.I16(0)
	if err != nil {
		return corrupt("schema: %w", err)
	}
	if end != 0 {
		return errors.New("big-endian Arrow files are not supported")
	}
	if err := s.KeyValues(2); err != nil {
		return corrupt("schema metadata: %w", err)
	}
	if _, _, err := s.Vector(3, 8); err != nil {
		return corrupt("schema: %w", err)
	}
	var fields []fbField
	err = s.Tables(1, func(t flatbuf.Table) error {
		f, err := readField(t)
		if err != nil {
			return corrupt("schema field %d: %w", len(fields), err)
		}
		fields = append(fields, f)
		return nil
	})
	if err != nil {
		return err
	}
	// Names first: a missing, extra, repeated or misplaced column.
	pos := make(map[string]int, len(fields))
	for i, f := range fields {
		if _, dup := pos[f.name]; dup {
			return fmt.Errorf("column %q appears more than once", f.name)
		}
		pos[f.name] = i
	}
	for _, c := range columns {
		if _, ok := pos[c.name]; !ok {
			return fmt.Errorf("missing column %q", c.name)
		}
	}
	for _, f := range fields {
		if !slices.ContainsFunc(columns[:], func(c column) bool { return c.name == f.name }) {
			return fmt.Errorf("unexpected column %q", f.name)
		}
	}
	for i, c := range columns {
		if p := pos[c.name]; p != i {
			return fmt.Errorf("column %q is column %d, want column %d (the columns are %s)", c.name, p, i, columnList())
		}
	}
	for i, c := range columns {
		if err := fields[i].match(c.kind); err != nil {
			return fmt.Errorf("column %q: %w", c.name, err)
		}
	}
	return nil
}

func columnList() string {
	s := ""
	for i, c := range columns {
		if i > 0 {
			s += ", "
		}
		s += c.name
	}
	return s
}

// fbField is a schema field read from the flatbuffer: table Field { name: string;
// nullable: bool; type: Type (slots 2 type, 3 value); dictionary: DictionaryEncoding;
// children: [Field]; custom_metadata: [KeyValue]; }.
type fbField struct {
	t    flatbuf.Table
	name string
	typ  byte
	tt   flatbuf.Table // the type table
	dict bool
	kids int
}

func readField(t flatbuf.Table) (fbField, error) {
	f := fbField{t: t}
	var err error
	if f.name, err = t.Str(0); err != nil {
		return f, err
	}
	if _, err = t.U8(1); err != nil {
		return f, err
	}
	if f.typ, err = t.U8(2); err != nil {
		return f, err
	}
	var ok bool
	if f.tt, ok, err = t.Table(3); err != nil {
		return f, err
	} else if !ok {
		return f, errors.New("field without type")
	}
	if f.dict, err = t.Present(4); err != nil {
		return f, err
	}
	if _, f.kids, err = t.Vector(5, 4); err != nil {
		return f, err
	}
	return f, t.KeyValues(6)
}

// match checks that f is of kind k, reading everything arrow-go will read of it.
func (f fbField) match(k kind) error {
	want := k.String()
	got, err := f.typeName(0)
	if err != nil {
		return corrupt("%w", err)
	}
	if f.dict {
		return fmt.Errorf("dictionary-encoded %s, want plain %s", got, want)
	}
	ok := false
	switch k {
	case kUTF8:
		ok = f.typ == fbTypeUtf8 && f.kids == 0
	case kBool:
		ok = f.typ == fbTypeBool && f.kids == 0
	case kInt32:
		ok = f.isInt(32)
	case kInt64:
		ok = f.isInt(64)
	case kListInt32:
		if f.typ == fbTypeList && f.kids == 1 {
			c, err := f.child(0)
			if err != nil {
				return corrupt("%w", err)
			}
			ok = c.isInt(32) && !c.dict
		}
	}
	if !ok {
		return fmt.Errorf("type %s, want %s", got, want)
	}
	return nil
}

// isInt reports whether f is a plain signed integer of the given bit width.
func (f fbField) isInt(bits int32) bool {
	if f.typ != fbTypeInt || f.kids != 0 {
		return false
	}
	bw, err1 := f.tt.I32(0)
	signed, err2 := f.tt.U8(1)
	return err1 == nil && err2 == nil && bw == bits && signed != 0
}

func (f fbField) child(i int) (fbField, error) {
	var c fbField
	err := f.t.Tables(5, func(t flatbuf.Table) error {
		if i == 0 {
			var err error
			c, err = readField(t)
			i = -1
			return err
		}
		i--
		return nil
	})
	return c, err
}

// typeName names f's type for an error message ("int64", "float", "list<utf8>").
func (f fbField) typeName(depth int) (string, error) {
	if int(f.typ) >= len(fbTypeNames) {
		return fmt.Sprintf("type #%d", f.typ), nil
	}
	name := fbTypeNames[f.typ]
	switch f.typ {
	case fbTypeInt:
		bw, err := f.tt.I32(0)
		if err != nil {
			return "", err
		}
		signed, err := f.tt.U8(1)
		if err != nil {
			return "", err
		}
		if signed == 0 {
			name = "u" + name
		}
		name += fmt.Sprint(bw)
	case 3: // FloatingPoint { precision: short (HALF, SINGLE, DOUBLE) }
		p, err := f.tt.I16(0)
		if err != nil {
			return "", err
		}
		if p >= 0 && p <= 2 {
			name += fmt.Sprint(16 << p)
		}
	}
	if f.kids > 0 {
		var kids []string
		if depth >= maxFieldDepth {
			kids = []string{"..."}
		} else {
			err := f.t.Tables(5, func(t flatbuf.Table) error {
				c, err := readField(t)
				if err != nil {
					return err
				}
				s, err := c.typeName(depth + 1)
				kids = append(kids, s)
				return err
			})
			if err != nil {
				return "", err
			}
		}
		name += "<"
		for i, k := range kids {
			if i > 0 {
				name += ", "
			}
			name += k
		}
		name += ">"
	}
	return name, nil
}

// verifyBatch reads and checks the metadata of record batch blk and returns its row count:
// the message is a record batch with no compression whose field nodes and buffers are those
// of the canonical columns (no nulls), inside the body and large enough for the rows.
func verifyBatch(r io.ReaderAt, blk block) (int64, error) {
	buf := make([]byte, blk.meta)
	if err := readAt(r, buf, blk.offset); err != nil {
		return 0, err
	}
	prefix := int64(4)
	switch binary.LittleEndian.Uint32(buf) {
	case 0xFFFFFFFF:
		prefix = 8
	case 0:
		return 0, corrupt("end-of-stream marker instead of a message")
	}
	if int64(binary.LittleEndian.Uint32(buf[prefix-4:])) != blk.meta-prefix {
		return 0, corrupt("message length prefix differs from the footer's")
	}
	fb := &flatbuf.Buffer{B: buf[prefix:], Budget: 1 << 10}
	// table Message { version: short; header: MessageHeader (slots 1 type, 2 value);
	//                 bodyLength: long; custom_metadata: [KeyValue]; }
	msg, err := fb.Root()
	if err != nil {
		return 0, corrupt("%w", err)
	}
	if _, err := msg.I16(0); err != nil {
		return 0, corrupt("%w", err)
	}
	if err := msg.KeyValues(4); err != nil {
		return 0, corrupt("%w", err)
	}
	htype, err := msg.U8(1)
	if err != nil {
		return 0, corrupt("%w", err)
	}
	const headerRecordBatch = 3
	if htype != headerRecordBatch {
		return 0, corrupt("message of type %d, want a record batch", htype)
	}
	bodyLen, err := msg.I64(3)
	if err != nil {
		return 0, corrupt("%w", err)
	}
	if bodyLen != blk.body {
		return 0, corrupt("message body length %d differs from the footer's %d", bodyLen, blk.body)
	}
	// table RecordBatch { length: long; nodes: [FieldNode]; buffers: [Buffer];
	//                     compression: BodyCompression; variadicBufferCounts: [long]; }
	rb, ok, err := msg.Table(2)
	if err != nil {
		return 0, corrupt("%w", err)
	}
	if !ok {
		return 0, corrupt("message without header")
	}
	rows, err := rb.I64(0)
	if err != nil {
		return 0, corrupt("%w", err)
	}
	if comp, err := rb.Present(3); err != nil {
		return 0, corrupt("%w", err)
	} else if comp {
		return 0, errors.New("compressed record batches are not supported")
	}
	if _, _, err := rb.Vector(4, 8); err != nil {
		return 0, corrupt("%w", err)
	}
	nodeAt, nnodes, err := rb.Vector(1, 16) // struct FieldNode { length: long; null_count: long; }
	if err != nil {
		return 0, corrupt("%w", err)
	}
	bufAt, nbufs, err := rb.Vector(2, 16) // struct Buffer { offset: long; length: long; }
	if err != nil {
		return 0, corrupt("%w", err)
	}
	const wantNodes, wantBufs = numCols + 1, 3*3 + 10*2 + 2 + 2
	if nnodes != wantNodes || nbufs != wantBufs {
		return 0, corrupt("%d field nodes and %d buffers, want %d and %d", nnodes, nbufs, wantNodes, wantBufs)
	}
	b := fb.B
	body := blk.body
	if rows < 0 || rows > body/8 { // every row takes 8 bytes in each int64 column
		return 0, corrupt("%d rows in a body of %d bytes", rows, body)
	}
	ni, bi := 0, 0
	node := func(name string) (int64, error) {
		p := nodeAt + 16*ni
		ni++
		length := int64(binary.LittleEndian.Uint64(b[p:]))
		nulls := int64(binary.LittleEndian.Uint64(b[p+8:]))
		if nulls != 0 {
			return 0, fmt.Errorf("column %q: %d nulls, want none", name, nulls)
		}
		return length, nil
	}
	// buffer checks the next buffer lies in the body and holds at least min bytes.
	buffer := func(name string, min int64) error {
		p := bufAt + 16*bi
		bi++
		off := int64(binary.LittleEndian.Uint64(b[p:]))
		n := int64(binary.LittleEndian.Uint64(b[p+8:]))
		if off < 0 || n < 0 || off > body || n > body-off {
			return corrupt("column %q: buffer out of the batch body", name)
		}
		if n < min {
			return corrupt("column %q: buffer of %d bytes, want at least %d", name, n, min)
		}
		return nil
	}
	offsets := func(n int64) int64 { // bytes of int32 offsets for n values (none when n = 0)
		if n == 0 {
			return 0
		}
		return 4 * (n + 1)
	}
	for _, c := range columns {
		n, err := node(c.name)
		if err != nil {
			return 0, err
		}
		if n != rows {
			return 0, corrupt("column %q: %d rows, the batch has %d", c.name, n, rows)
		}
		if err := buffer(c.name, 0); err != nil { // validity (unused: no nulls)
			return 0, err
		}
		switch c.kind {
		case kUTF8:
			err = errors.Join(buffer(c.name, offsets(rows)), buffer(c.name, 0))
		case kInt32:
			err = buffer(c.name, 4*rows)
		case kInt64:
			err = buffer(c.name, 8*rows)
		case kBool:
			err = buffer(c.name, (rows+7)/8)
		case kListInt32:
			if err = buffer(c.name, offsets(rows)); err != nil {
				break
			}
			var m int64
			if m, err = node(c.name); err != nil {
				break
			}
			if m < 0 || m > body/4 {
				return 0, corrupt("column %q: %d list values in a body of %d bytes", c.name, m, body)
			}
			err = errors.Join(buffer(c.name, 0), buffer(c.name, 4*m))
		}
		if err != nil {
			return 0, err
		}
	}
	return rows, nil
}
