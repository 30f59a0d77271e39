// Package flatbuf verifies flatbuffers before a library that trusts them reads them: every
// offset, vtable, field and vector is checked to lie inside the buffer, and a budget bounds the
// tables visited. The Arrow IPC readers of results and models/trace/canonical use it to check an
// Arrow file's metadata before arrow-go parses it (arrow-go preallocates by flatbuffer vector
// lengths and trusts offsets, so a few corrupt bytes could otherwise exhaust memory or panic).
package flatbuf

import (
	"encoding/binary"
	"errors"
)

// ErrCorrupt marks flatbuffer data that is not well formed.
var ErrCorrupt = errors.New("corrupt flatbuffer metadata")

// Buffer is a flatbuffer being verified; Budget bounds the number of tables visited (shared
// subtables could otherwise make a walk exponential).
type Buffer struct {
	B      []byte
	Budget int // Tables that may still be visited
}

// U32 reads the uint32 at p, checking bounds.
func (f *Buffer) U32(p int64) (int64, error) {
	if p < 0 || p+4 > int64(len(f.B)) {
		return 0, ErrCorrupt
	}
	return int64(binary.LittleEndian.Uint32(f.B[p:])), nil
}

func (f *Buffer) Root() (Table, error) {
	off, err := f.U32(0)
	if err != nil {
		return Table{}, err
	}
	return f.TableAt(off)
}

// TableAt checks the table at pos: its vtable and its inline data lie inside the buffer.
func (f *Buffer) TableAt(pos int64) (Table, error) {
	if f.Budget--; f.Budget < 0 {
		return Table{}, errors.New("flatbuffer metadata too complex")
	}
	soff, err := f.U32(pos)
	if err != nil {
		return Table{}, err
	}
	vt := pos - int64(int32(uint32(soff)))
	if vt < 0 || vt+4 > int64(len(f.B)) {
		return Table{}, ErrCorrupt
	}
	vtsize := int64(binary.LittleEndian.Uint16(f.B[vt:]))
	tsize := int64(binary.LittleEndian.Uint16(f.B[vt+2:]))
	// An odd vtable size would let flatbuffers read an entry (voff < vtsize) whose second
	// byte lies past the vtable.
	if vtsize < 4 || vtsize%2 != 0 || vt+vtsize > int64(len(f.B)) || tsize < 4 || pos+tsize > int64(len(f.B)) {
		return Table{}, ErrCorrupt
	}
	return Table{f: f, pos: pos, vt: vt, vtsize: vtsize, tsize: tsize}, nil
}

// Table is a table whose vtable and inline data were checked to lie inside the buffer.
type Table struct {
	f                      *Buffer
	pos, vt, vtsize, tsize int64
}

// Field returns the position of field slot, a value of width bytes, or 0 when the field is
// absent; the value must lie inside the table's inline data.
func (t Table) Field(slot int, width int64) (int64, error) {
	voff := int64(4 + 2*slot)
	if voff+2 > t.vtsize {
		return 0, nil
	}
	fo := int64(binary.LittleEndian.Uint16(t.f.B[t.vt+voff:]))
	if fo == 0 {
		return 0, nil
	}
	if fo < 4 || fo+width > t.tsize {
		return 0, ErrCorrupt
	}
	return t.pos + fo, nil
}

func (t Table) U8(slot int) (byte, error) {
	p, err := t.Field(slot, 1)
	if p == 0 || err != nil {
		return 0, err
	}
	return t.f.B[p], nil
}

func (t Table) I16(slot int) (int16, error) {
	p, err := t.Field(slot, 2)
	if p == 0 || err != nil {
		return 0, err
	}
	return int16(binary.LittleEndian.Uint16(t.f.B[p:])), nil
}

func (t Table) I32(slot int) (int32, error) {
	p, err := t.Field(slot, 4)
	if p == 0 || err != nil {
		return 0, err
	}
	return int32(binary.LittleEndian.Uint32(t.f.B[p:])), nil
}

func (t Table) I64(slot int) (int64, error) {
	p, err := t.Field(slot, 8)
	if p == 0 || err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint64(t.f.B[p:])), nil
}

// Ref follows the offset stored in field slot.
func (t Table) Ref(slot int) (int64, bool, error) {
	p, err := t.Field(slot, 4)
	if p == 0 || err != nil {
		return 0, false, err
	}
	off, err := t.f.U32(p)
	if err != nil {
		return 0, false, err
	}
	return p + off, true, nil
}

// Present reports whether the table in field slot is there, checking it if so.
func (t Table) Present(slot int) (bool, error) {
	_, ok, err := t.Table(slot)
	return ok, err
}

func (t Table) Table(slot int) (Table, bool, error) {
	p, ok, err := t.Ref(slot)
	if !ok || err != nil {
		return Table{}, false, err
	}
	sub, err := t.f.TableAt(p)
	return sub, err == nil, err
}

// Vector returns the start and length of the vector in field slot (absent: length 0) after
// checking that its n elements of elem bytes lie inside the buffer.
func (t Table) Vector(slot int, elem int64) (start, n int, err error) {
	p, ok, err := t.Ref(slot)
	if !ok || err != nil {
		return 0, 0, err
	}
	n64, err := t.f.U32(p)
	if err != nil {
		return 0, 0, err
	}
	if n64 > (int64(len(t.f.B))-p-4)/elem {
		return 0, 0, ErrCorrupt
	}
	return int(p + 4), int(n64), nil
}

// Str returns the string in field slot ("" when absent).
func (t Table) Str(slot int) (string, error) {
	start, n, err := t.Vector(slot, 1)
	if err != nil {
		return "", err
	}
	return string(t.f.B[start : start+n]), nil
}

// Tables checks the vector of tables in field slot and calls check on each.
func (t Table) Tables(slot int, check func(Table) error) error {
	start, n, err := t.Vector(slot, 4)
	if err != nil {
		return err
	}
	for i := range n {
		e := int64(start + 4*i)
		off, _ := t.f.U32(e)
		sub, err := t.f.TableAt(e + off)
		if err != nil {
			return err
		}
		if err := check(sub); err != nil {
			return err
		}
	}
	return nil
}

// KeyValues checks the vector of table KeyValue { key: string; value: string; } in slot.
func (t Table) KeyValues(slot int) error {
	return t.Tables(slot, func(kv Table) error {
		if _, err := kv.Str(0); err != nil {
			return err
		}
		_, err := kv.Str(1)
		return err
	})
}
