package results

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/dcsim/dcsim/internal/flatbuf"
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
	fb := &flatbuf.Buffer{B: footer, Budget: 1 << 16}
	root, err := fb.Root()
	if err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	// table Footer { version: short; schema: Schema; dictionaries: [Block];
	//                recordBatches: [Block]; custom_metadata: [KeyValue]; }
	if s, ok, err := root.Table(1); err != nil {
		return fmt.Errorf("footer: %w", err)
	} else if ok {
		if err := verifySchema(s); err != nil {
			return fmt.Errorf("footer schema: %w", err)
		}
	}
	if err := root.KeyValues(4); err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	// Blocks must lie inside the file and must not overlap: then reading all of them costs time
	// and memory linear in the file size (a footer that lists one batch a million times would
	// otherwise make a small file decode into a huge table).
	const blockSize = 24 // struct Block { offset: long; metaDataLength: int; bodyLength: long; }
	type span struct{ beg, end int64 }
	var spans []span
	for _, slot := range []int{2, 3} {
		start, n, err := root.Vector(slot, blockSize)
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
		start, n, _ := root.Vector(slot, blockSize)
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
	fb := &flatbuf.Buffer{B: buf[prefix:], Budget: 1 << 16}
	msg, err := fb.Root()
	if err != nil {
		return err
	}
	// table Message { version: short; header: MessageHeader (slots 1 type, 2 value);
	//                 bodyLength: long; custom_metadata: [KeyValue]; }
	if err := msg.KeyValues(4); err != nil {
		return err
	}
	const (
		headerDictionaryBatch = 2
		headerRecordBatch     = 3
	)
	htype, err := msg.U8(1)
	if err != nil {
		return err
	}
	hdr, ok, err := msg.Table(2)
	switch {
	case err != nil:
		return err
	case !ok:
		return errors.New("message without header")
	case dict && htype == headerDictionaryBatch:
		// table DictionaryBatch { id: long; data: RecordBatch; isDelta: bool; }
		rb, ok, err := hdr.Table(1)
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
func verifyRecordBatch(rb flatbuf.Table) error {
	for _, v := range []struct {
		slot int
		size int64
	}{{1, 16}, {2, 16}, {4, 8}} {
		if _, _, err := rb.Vector(v.slot, v.size); err != nil {
			return err
		}
	}
	_, _, err := rb.Table(3)
	return err
}

// verifySchema checks table Schema { endianness: short; fields: [Field];
// custom_metadata: [KeyValue]; features: [long]; }.
func verifySchema(s flatbuf.Table) error {
	if err := s.KeyValues(2); err != nil {
		return err
	}
	if _, _, err := s.Vector(3, 8); err != nil {
		return err
	}
	return s.Tables(1, func(f flatbuf.Table) error { return verifyField(f, 0) })
}

const maxFieldDepth = 32

// verifyField checks table Field { name: string; nullable: bool; type: Type (slots 2 type,
// 3 value); dictionary: DictionaryEncoding; children: [Field]; custom_metadata: [KeyValue]; }.
func verifyField(f flatbuf.Table, depth int) error {
	if depth > maxFieldDepth {
		return errors.New("fields nested too deeply")
	}
	if _, err := f.Str(0); err != nil {
		return err
	}
	if err := f.KeyValues(6); err != nil {
		return err
	}
	typ, ok, err := f.Table(3)
	if err != nil {
		return err
	}
	if ok {
		const (
			typeTimestamp = 10 // table Timestamp { unit: TimeUnit; timezone: string; }
			typeUnion     = 14 // table Union { mode: UnionMode; typeIds: [int]; }
		)
		var tt byte
		if tt, err = f.U8(2); err != nil {
			return err
		}
		switch tt {
		case typeTimestamp:
			_, err = typ.Str(1)
		case typeUnion:
			_, _, err = typ.Vector(1, 4)
		}
		if err != nil {
			return err
		}
	}
	// table DictionaryEncoding { id: long; indexType: Int; isOrdered: bool; dictionaryKind: short; }
	if d, ok, err := f.Table(4); err != nil {
		return err
	} else if ok {
		if _, _, err := d.Table(1); err != nil {
			return err
		}
	}
	return f.Tables(5, func(c flatbuf.Table) error { return verifyField(c, depth+1) })
}
