package canonical

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
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

// errCorrupt marks flatbuffer metadata that is not well formed.
var errCorrupt = errors.New("corrupt flatbuffer metadata")

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
	fb := &flatbuf{b: footer, budget: 1 << 16}
	// table Footer { version: short; schema: Schema; dictionaries: [Block];
	//                recordBatches: [Block]; custom_metadata: [KeyValue]; }
	root, err := fb.root()
	if err != nil {
		return nil, corrupt("footer: %w", err)
	}
	if _, err := root.i16(0); err != nil {
		return nil, corrupt("footer: %w", err)
	}
	if err := root.keyValues(4); err != nil {
		return nil, corrupt("footer: %w", err)
	}
	s, ok, err := root.table(1)
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
	_, nd, err := root.vector(2, blockSize)
	if err != nil {
		return nil, corrupt("footer: %w", err)
	}
	if nd != 0 {
		return nil, corrupt("%d dictionary batches, want none", nd)
	}
	start, n, err := root.vector(3, blockSize)
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
func verifySchema(s fbTable) error {
	end, err := s.i16(0)
	if err != nil {
		return corrupt("schema: %w", err)
	}
	if end != 0 {
		return errors.New("big-endian Arrow files are not supported")
	}
	if err := s.keyValues(2); err != nil {
		return corrupt("schema metadata: %w", err)
	}
	if _, _, err := s.vector(3, 8); err != nil {
		return corrupt("schema: %w", err)
	}
	var fields []fbField
	err = s.tables(1, func(t fbTable) error {
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
	t    fbTable
	name string
	typ  byte
	tt   fbTable // the type table
	dict bool
	kids int
}

func readField(t fbTable) (fbField, error) {
	f := fbField{t: t}
	var err error
	if f.name, err = t.str(0); err != nil {
		return f, err
	}
	if _, err = t.u8(1); err != nil {
		return f, err
	}
	if f.typ, err = t.u8(2); err != nil {
		return f, err
	}
	var ok bool
	if f.tt, ok, err = t.table(3); err != nil {
		return f, err
	} else if !ok {
		return f, errors.New("field without type")
	}
	if f.dict, err = t.present(4); err != nil {
		return f, err
	}
	if _, f.kids, err = t.vector(5, 4); err != nil {
		return f, err
	}
	return f, t.keyValues(6)
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
	bw, err1 := f.tt.i32(0)
	signed, err2 := f.tt.u8(1)
	return err1 == nil && err2 == nil && bw == bits && signed != 0
}

func (f fbField) child(i int) (fbField, error) {
	var c fbField
	err := f.t.tables(5, func(t fbTable) error {
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
		bw, err := f.tt.i32(0)
		if err != nil {
			return "", err
		}
		signed, err := f.tt.u8(1)
		if err != nil {
			return "", err
		}
		if signed == 0 {
			name = "u" + name
		}
		name += fmt.Sprint(bw)
	case 3: // FloatingPoint { precision: short (HALF, SINGLE, DOUBLE) }
		p, err := f.tt.i16(0)
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
			err := f.t.tables(5, func(t fbTable) error {
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
	fb := &flatbuf{b: buf[prefix:], budget: 1 << 10}
	// table Message { version: short; header: MessageHeader (slots 1 type, 2 value);
	//                 bodyLength: long; custom_metadata: [KeyValue]; }
	msg, err := fb.root()
	if err != nil {
		return 0, corrupt("%w", err)
	}
	if _, err := msg.i16(0); err != nil {
		return 0, corrupt("%w", err)
	}
	if err := msg.keyValues(4); err != nil {
		return 0, corrupt("%w", err)
	}
	htype, err := msg.u8(1)
	if err != nil {
		return 0, corrupt("%w", err)
	}
	const headerRecordBatch = 3
	if htype != headerRecordBatch {
		return 0, corrupt("message of type %d, want a record batch", htype)
	}
	bodyLen, err := msg.i64(3)
	if err != nil {
		return 0, corrupt("%w", err)
	}
	if bodyLen != blk.body {
		return 0, corrupt("message body length %d differs from the footer's %d", bodyLen, blk.body)
	}
	// table RecordBatch { length: long; nodes: [FieldNode]; buffers: [Buffer];
	//                     compression: BodyCompression; variadicBufferCounts: [long]; }
	rb, ok, err := msg.table(2)
	if err != nil {
		return 0, corrupt("%w", err)
	}
	if !ok {
		return 0, corrupt("message without header")
	}
	rows, err := rb.i64(0)
	if err != nil {
		return 0, corrupt("%w", err)
	}
	if comp, err := rb.present(3); err != nil {
		return 0, corrupt("%w", err)
	} else if comp {
		return 0, errors.New("compressed record batches are not supported")
	}
	if _, _, err := rb.vector(4, 8); err != nil {
		return 0, corrupt("%w", err)
	}
	nodeAt, nnodes, err := rb.vector(1, 16) // struct FieldNode { length: long; null_count: long; }
	if err != nil {
		return 0, corrupt("%w", err)
	}
	bufAt, nbufs, err := rb.vector(2, 16) // struct Buffer { offset: long; length: long; }
	if err != nil {
		return 0, corrupt("%w", err)
	}
	const wantNodes, wantBufs = numCols + 1, 3*3 + 10*2 + 2 + 2
	if nnodes != wantNodes || nbufs != wantBufs {
		return 0, corrupt("%d field nodes and %d buffers, want %d and %d", nnodes, nbufs, wantNodes, wantBufs)
	}
	b := fb.b
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

// flatbuf is a flatbuffer being verified; budget bounds the number of tables visited.
type flatbuf struct {
	b      []byte
	budget int
}

// u32 reads the uint32 at p, checking bounds.
func (f *flatbuf) u32(p int64) (int64, error) {
	if p < 0 || p+4 > int64(len(f.b)) {
		return 0, errCorrupt
	}
	return int64(binary.LittleEndian.Uint32(f.b[p:])), nil
}

func (f *flatbuf) root() (fbTable, error) {
	off, err := f.u32(0)
	if err != nil {
		return fbTable{}, err
	}
	return f.tableAt(off)
}

// tableAt checks the table at pos: its vtable and its inline data lie inside the buffer.
func (f *flatbuf) tableAt(pos int64) (fbTable, error) {
	if f.budget--; f.budget < 0 {
		return fbTable{}, errors.New("flatbuffer metadata too complex")
	}
	soff, err := f.u32(pos)
	if err != nil {
		return fbTable{}, err
	}
	vt := pos - int64(int32(uint32(soff)))
	if vt < 0 || vt+4 > int64(len(f.b)) {
		return fbTable{}, errCorrupt
	}
	vtsize := int64(binary.LittleEndian.Uint16(f.b[vt:]))
	tsize := int64(binary.LittleEndian.Uint16(f.b[vt+2:]))
	// An odd vtable size would let flatbuffers read an entry (voff < vtsize) whose second
	// byte lies past the vtable.
	if vtsize < 4 || vtsize%2 != 0 || vt+vtsize > int64(len(f.b)) || tsize < 4 || pos+tsize > int64(len(f.b)) {
		return fbTable{}, errCorrupt
	}
	return fbTable{f: f, pos: pos, vt: vt, vtsize: vtsize, tsize: tsize}, nil
}

type fbTable struct {
	f                      *flatbuf
	pos, vt, vtsize, tsize int64
}

// field returns the position of field slot, a value of width bytes, or 0 when the field is
// absent; the value must lie inside the table's inline data.
func (t fbTable) field(slot int, width int64) (int64, error) {
	voff := int64(4 + 2*slot)
	if voff+2 > t.vtsize {
		return 0, nil
	}
	fo := int64(binary.LittleEndian.Uint16(t.f.b[t.vt+voff:]))
	if fo == 0 {
		return 0, nil
	}
	if fo < 4 || fo+width > t.tsize {
		return 0, errCorrupt
	}
	return t.pos + fo, nil
}

func (t fbTable) u8(slot int) (byte, error) {
	p, err := t.field(slot, 1)
	if p == 0 || err != nil {
		return 0, err
	}
	return t.f.b[p], nil
}

func (t fbTable) i16(slot int) (int16, error) {
	p, err := t.field(slot, 2)
	if p == 0 || err != nil {
		return 0, err
	}
	return int16(binary.LittleEndian.Uint16(t.f.b[p:])), nil
}

func (t fbTable) i32(slot int) (int32, error) {
	p, err := t.field(slot, 4)
	if p == 0 || err != nil {
		return 0, err
	}
	return int32(binary.LittleEndian.Uint32(t.f.b[p:])), nil
}

func (t fbTable) i64(slot int) (int64, error) {
	p, err := t.field(slot, 8)
	if p == 0 || err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint64(t.f.b[p:])), nil
}

// ref follows the offset stored in field slot.
func (t fbTable) ref(slot int) (int64, bool, error) {
	p, err := t.field(slot, 4)
	if p == 0 || err != nil {
		return 0, false, err
	}
	off, err := t.f.u32(p)
	if err != nil {
		return 0, false, err
	}
	return p + off, true, nil
}

// present reports whether the table in field slot is there, checking it if so.
func (t fbTable) present(slot int) (bool, error) {
	_, ok, err := t.table(slot)
	return ok, err
}

func (t fbTable) table(slot int) (fbTable, bool, error) {
	p, ok, err := t.ref(slot)
	if !ok || err != nil {
		return fbTable{}, false, err
	}
	sub, err := t.f.tableAt(p)
	return sub, err == nil, err
}

// vector returns the start and length of the vector in field slot (absent: length 0) after
// checking that its n elements of elem bytes lie inside the buffer.
func (t fbTable) vector(slot int, elem int64) (start, n int, err error) {
	p, ok, err := t.ref(slot)
	if !ok || err != nil {
		return 0, 0, err
	}
	n64, err := t.f.u32(p)
	if err != nil {
		return 0, 0, err
	}
	if n64 > (int64(len(t.f.b))-p-4)/elem {
		return 0, 0, errCorrupt
	}
	return int(p + 4), int(n64), nil
}

// str returns the string in field slot ("" when absent).
func (t fbTable) str(slot int) (string, error) {
	start, n, err := t.vector(slot, 1)
	if err != nil {
		return "", err
	}
	return string(t.f.b[start : start+n]), nil
}

// tables checks the vector of tables in field slot and calls check on each.
func (t fbTable) tables(slot int, check func(fbTable) error) error {
	start, n, err := t.vector(slot, 4)
	if err != nil {
		return err
	}
	for i := range n {
		e := int64(start + 4*i)
		off, _ := t.f.u32(e)
		sub, err := t.f.tableAt(e + off)
		if err != nil {
			return err
		}
		if err := check(sub); err != nil {
			return err
		}
	}
	return nil
}

// keyValues checks the vector of table KeyValue { key: string; value: string; } in slot.
func (t fbTable) keyValues(slot int) error {
	return t.tables(slot, func(kv fbTable) error {
		if _, err := kv.str(0); err != nil {
			return err
		}
		_, err := kv.str(1)
		return err
	})
}
