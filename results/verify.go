package results

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// verifyIPCFile checks the flatbuffer metadata of an Arrow IPC file (the footer with its schema,
// and the metadata of every dictionary and record batch message) before arrow-go parses it.
//
// Why: arrow-go trusts flatbuffer vector lengths. It preallocates slices sized by them (schema
// fields, field children, custom metadata), so a few corrupt bytes can make it request tens of
// gigabytes, which kills the process with a fatal (unrecoverable) out-of-memory error; and
// nested fields are followed recursively without a bound. This verifier checks that every
// vector arrow-go sizes an allocation by lies inside its buffer, limits the nesting depth and
// the number of tables, and otherwise leaves the checking (and the recoverable panics) to
// arrow-go. It follows the Arrow format flatbuffers schemas File.fbs, Message.fbs and
// Schema.fbs (format version 5).
func verifyIPCFile(r io.ReaderAt, size int64) error {
	const magic = "ARROW1"
	const tail = 4 + len(magic) // footer length + magic
	if size < int64(2*len(magic)+4) {
		return errors.New("not an Arrow IPC file: too short")
	}
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-int64(tail)); err != nil {
		return err
	}
	if string(buf[4:]) != magic {
		return errors.New("not an Arrow IPC file: no trailing magic bytes")
	}
	flen := int64(int32(binary.LittleEndian.Uint32(buf)))
	if flen <= 0 || flen+int64(2*len(magic)+4) > size {
		return errors.New("not an Arrow IPC file: bad footer length")
	}
	footer := make([]byte, flen)
	if _, err := r.ReadAt(footer, size-int64(tail)-flen); err != nil {
		return err
	}
	fb := &flatbuf{b: footer, budget: 1 << 16}
	root, err := fb.root()
	if err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	// table Footer { version: short; schema: Schema; dictionaries: [Block];
	//                recordBatches: [Block]; custom_metadata: [KeyValue]; }
	if s, ok, err := root.table(1); err != nil {
		return fmt.Errorf("footer: %w", err)
	} else if ok {
		if err := verifySchema(s); err != nil {
			return fmt.Errorf("footer schema: %w", err)
		}
	}
	if err := root.keyValues(4); err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	// Blocks must lie inside the file and must not overlap: then reading all of them costs time
	// and memory linear in the file size (a footer that lists one batch a million times would
	// otherwise make a small file decode into a huge table).
	const blockSize = 24 // struct Block { offset: long; metaDataLength: int; bodyLength: long; }
	type span struct{ beg, end int64 }
	var spans []span
	for _, slot := range []int{2, 3} {
		start, n, err := root.vector(slot, blockSize)
		if err != nil {
			return fmt.Errorf("footer: %w", err)
		}
		for i := range n {
			blk := footer[start+i*blockSize:]
			off := int64(binary.LittleEndian.Uint64(blk))
			meta := int64(int32(binary.LittleEndian.Uint32(blk[8:])))
			body := int64(binary.LittleEndian.Uint64(blk[16:]))
			if off < 0 || meta < 8 || body < 0 || off > size || meta > size-off || body > size-off-meta {
				return fmt.Errorf("footer: block %d out of the file", i)
			}
			spans = append(spans, span{off, off + meta + body})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.beg, b.beg) })
	for i := 1; i < len(spans); i++ {
		if spans[i].beg < spans[i-1].end {
			return errors.New("footer: blocks overlap")
		}
	}
	for _, slot := range []int{2, 3} {
		start, n, _ := root.vector(slot, blockSize)
		for i := range n {
			blk := footer[start+i*blockSize:]
			off := int64(binary.LittleEndian.Uint64(blk))
			meta := int64(int32(binary.LittleEndian.Uint32(blk[8:])))
			if err := verifyMessage(r, off, meta, slot == 2); err != nil {
				return fmt.Errorf("block %d: %w", i, err)
			}
		}
	}
	return nil
}

// verifyMessage checks an encapsulated IPC message's flatbuffer metadata (after its optional
// 0xFFFFFFFF continuation marker and its length prefix, as arrow-go strips them).
func verifyMessage(r io.ReaderAt, off, meta int64, dict bool) error {
	buf := make([]byte, meta)
	if _, err := r.ReadAt(buf, off); err != nil {
		return err
	}
	prefix := 4
	if binary.LittleEndian.Uint32(buf) == 0xFFFFFFFF {
		prefix = 8
	}
	fb := &flatbuf{b: buf[prefix:], budget: 1 << 16}
	msg, err := fb.root()
	if err != nil {
		return err
	}
	// table Message { version: short; header: MessageHeader (slots 1 type, 2 value);
	//                 bodyLength: long; custom_metadata: [KeyValue]; }
	if err := msg.keyValues(4); err != nil {
		return err
	}
	const (
		headerDictionaryBatch = 2
		headerRecordBatch     = 3
	)
	htype := msg.u8(1)
	hdr, ok, err := msg.table(2)
	switch {
	case err != nil:
		return err
	case !ok:
		return errors.New("message without header")
	case dict && htype == headerDictionaryBatch:
		// table DictionaryBatch { id: long; data: RecordBatch; isDelta: bool; }
		rb, ok, err := hdr.table(1)
		if err != nil || !ok {
			return errors.New("dictionary batch without data")
		}
		return verifyRecordBatch(rb)
	case !dict && htype == headerRecordBatch:
		return verifyRecordBatch(hdr)
	}
	return fmt.Errorf("unexpected message header type %d", htype)
}

// verifyRecordBatch checks table RecordBatch { length: long; nodes: [FieldNode];
// buffers: [Buffer]; compression: BodyCompression; variadicBufferCounts: [long]; }.
func verifyRecordBatch(rb fbTable) error {
	for _, v := range []struct{ slot, size int }{{1, 16}, {2, 16}, {4, 8}} {
		if _, _, err := rb.vector(v.slot, v.size); err != nil {
			return err
		}
	}
	_, _, err := rb.table(3)
	return err
}

// verifySchema checks table Schema { endianness: short; fields: [Field];
// custom_metadata: [KeyValue]; features: [long]; }.
func verifySchema(s fbTable) error {
	if err := s.keyValues(2); err != nil {
		return err
	}
	if _, _, err := s.vector(3, 8); err != nil {
		return err
	}
	return s.tables(1, func(f fbTable) error { return verifyField(f, 0) })
}

const maxFieldDepth = 32

// verifyField checks table Field { name: string; nullable: bool; type: Type (slots 2 type,
// 3 value); dictionary: DictionaryEncoding; children: [Field]; custom_metadata: [KeyValue]; }.
func verifyField(f fbTable, depth int) error {
	if depth > maxFieldDepth {
		return errors.New("fields nested too deeply")
	}
	if err := f.str(0); err != nil {
		return err
	}
	if err := f.keyValues(6); err != nil {
		return err
	}
	typ, ok, err := f.table(3)
	if err != nil {
		return err
	}
	if ok {
		const (
			typeTimestamp = 10 // table Timestamp { unit: TimeUnit; timezone: string; }
			typeUnion     = 14 // table Union { mode: UnionMode; typeIds: [int]; }
		)
		switch f.u8(2) {
		case typeTimestamp:
			err = typ.str(1)
		case typeUnion:
			_, _, err = typ.vector(1, 4)
		}
		if err != nil {
			return err
		}
	}
	// table DictionaryEncoding { id: long; indexType: Int; isOrdered: bool; dictionaryKind: short; }
	if d, ok, err := f.table(4); err != nil {
		return err
	} else if ok {
		if _, _, err := d.table(1); err != nil {
			return err
		}
	}
	return f.tables(5, func(c fbTable) error { return verifyField(c, depth+1) })
}

// flatbuf is a flatbuffer being verified; budget bounds the number of tables visited (shared
// subtables could otherwise make the walk exponential).
type flatbuf struct {
	b      []byte
	budget int
}

var errFlatbuf = errors.New("corrupt flatbuffer metadata")

// u32 reads the uint32 at p, checking bounds.
func (f *flatbuf) u32(p int64) (int64, error) {
	if p < 0 || p+4 > int64(len(f.b)) {
		return 0, errFlatbuf
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
		return fbTable{}, errFlatbuf
	}
	vtsize := int64(binary.LittleEndian.Uint16(f.b[vt:]))
	if vtsize < 4 || vt+vtsize > int64(len(f.b)) {
		return fbTable{}, errFlatbuf
	}
	return fbTable{f: f, pos: pos, vt: vt, vtsize: vtsize}, nil
}

type fbTable struct {
	f               *flatbuf
	pos, vt, vtsize int64
}

// field returns the position of field slot, or 0 when the field is absent.
func (t fbTable) field(slot int) int64 {
	voff := int64(4 + 2*slot)
	if voff+2 > t.vtsize {
		return 0
	}
	fo := int64(binary.LittleEndian.Uint16(t.f.b[t.vt+voff:]))
	if fo == 0 {
		return 0
	}
	return t.pos + fo
}

func (t fbTable) u8(slot int) byte {
	p := t.field(slot)
	if p == 0 || p >= int64(len(t.f.b)) {
		return 0
	}
	return t.f.b[p]
}

// ref follows the offset stored in field slot.
func (t fbTable) ref(slot int) (int64, bool, error) {
	p := t.field(slot)
	if p == 0 {
		return 0, false, nil
	}
	off, err := t.f.u32(p)
	if err != nil {
		return 0, false, err
	}
	return p + off, true, nil
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
func (t fbTable) vector(slot, elem int) (start, n int, err error) {
	p, ok, err := t.ref(slot)
	if !ok || err != nil {
		return 0, 0, err
	}
	n64, err := t.f.u32(p)
	if err != nil {
		return 0, 0, err
	}
	if p+4+n64*int64(elem) > int64(len(t.f.b)) {
		return 0, 0, errFlatbuf
	}
	return int(p + 4), int(n64), nil
}

// str checks the string in field slot (a byte vector plus a terminating zero).
func (t fbTable) str(slot int) error {
	_, _, err := t.vector(slot, 1)
	return err
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
		if err := kv.str(0); err != nil {
			return err
		}
		return kv.str(1)
	})
}
