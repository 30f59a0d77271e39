package results

import (
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The column types below are the writers' builders. They are plain Go slices that are appended
// to on the hot path (no per-row allocation, no interface call) and wrapped zero-copy into Arrow
// arrays only when a record batch is flushed. After the batch has been serialized the slices are
// truncated to length 0 and reused, so a writer's memory is bounded by its two column sets (one
// being filled, one being written; see tableWriter).
//
// Validity and boolean bitmaps are built from bytes that are appended as zero and only ever have
// bits OR-ed in, so bits past the last row are always zero and the serialized bytes depend only
// on the rows written (a requirement for byte-identical output).

// column is the flush-time view of a column builder.
type column interface {
	dataType() arrow.DataType
	// array wraps the first n rows (all rows appended since the last reset) as an Arrow array.
	// The array references the builder's memory: it must be released before reset.
	array(n int) arrow.Array
	reset()
}

// validity is an Arrow validity bitmap under construction (bit set = value present).
type validity struct {
	bits  []byte
	nulls int
}

// push appends one validity bit for row i (the number of rows before this one).
func (v *validity) push(i int, ok bool) {
	if i&7 == 0 {
		v.bits = append(v.bits, 0)
	}
	if ok {
		v.bits[i>>3] |= 1 << uint(i&7)
	} else {
		v.nulls++
	}
}

// buffer returns the bitmap buffer, or nil when no row is null (Arrow's "all valid").
func (v *validity) buffer() *memory.Buffer {
	if v.nulls == 0 {
		return nil
	}
	return memory.NewBufferBytes(v.bits)
}

func (v *validity) reset() {
	v.bits = v.bits[:0]
	v.nulls = 0
}

type f64Col struct {
	vals []float64
	v    validity
}

func (c *f64Col) add(x float64) { c.vals = append(c.vals, x) }

// addOpt appends x, or a null when ok is false. Only nullable columns use it.
func (c *f64Col) addOpt(x float64, ok bool) {
	if !ok {
		x = 0 // null slots hold zero so that the bytes do not depend on garbage
	}
	c.v.push(len(c.vals), ok)
	c.vals = append(c.vals, x)
}

func (c *f64Col) dataType() arrow.DataType { return arrow.PrimitiveTypes.Float64 }
func (c *f64Col) reset()                   { c.vals = c.vals[:0]; c.v.reset() }
func (c *f64Col) array(n int) arrow.Array {
	return primitive(c.dataType(), n, c.v, arrow.Float64Traits.CastToBytes(c.vals[:n]))
}

type i64Col struct {
	vals []int64
	v    validity
}

func (c *i64Col) add(x int64)              { c.vals = append(c.vals, x) }
func (c *i64Col) dataType() arrow.DataType { return arrow.PrimitiveTypes.Int64 }
func (c *i64Col) reset()                   { c.vals = c.vals[:0]; c.v.reset() }
func (c *i64Col) array(n int) arrow.Array {
	return primitive(c.dataType(), n, c.v, arrow.Int64Traits.CastToBytes(c.vals[:n]))
}

type u64Col struct {
	vals []uint64
	v    validity
}

func (c *u64Col) add(x uint64)             { c.vals = append(c.vals, x) }
func (c *u64Col) dataType() arrow.DataType { return arrow.PrimitiveTypes.Uint64 }
func (c *u64Col) reset()                   { c.vals = c.vals[:0]; c.v.reset() }
func (c *u64Col) array(n int) arrow.Array {
	return primitive(c.dataType(), n, c.v, arrow.Uint64Traits.CastToBytes(c.vals[:n]))
}

type i32Col struct {
	vals []int32
	v    validity
}

func (c *i32Col) add(x int32) { c.vals = append(c.vals, x) }

// addOpt appends x, or a null when ok is false.
func (c *i32Col) addOpt(x int32, ok bool) {
	if !ok {
		x = 0
	}
	c.v.push(len(c.vals), ok)
	c.vals = append(c.vals, x)
}

func (c *i32Col) dataType() arrow.DataType { return arrow.PrimitiveTypes.Int32 }
func (c *i32Col) reset()                   { c.vals = c.vals[:0]; c.v.reset() }
func (c *i32Col) array(n int) arrow.Array {
	return primitive(c.dataType(), n, c.v, arrow.Int32Traits.CastToBytes(c.vals[:n]))
}

// boolCol is a non-nullable boolean column (values bit-packed, LSB first).
type boolCol struct {
	bits []byte
	n    int
}

func (c *boolCol) add(b bool) {
	if c.n&7 == 0 {
		c.bits = append(c.bits, 0)
	}
	if b {
		c.bits[c.n>>3] |= 1 << uint(c.n&7)
	}
	c.n++
}

func (c *boolCol) dataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (c *boolCol) reset()                   { c.bits = c.bits[:0]; c.n = 0 }
func (c *boolCol) array(n int) arrow.Array {
	return makeArray(array.NewData(c.dataType(), n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(c.bits)}, nil, 0, 0))
}

// strCol is a non-nullable utf8 column (int32 offsets). Strings that are not valid UTF-8 (which
// Arrow's utf8 type forbids and polars rejects) are stored with each invalid byte replaced by
// U+FFFD. Validity is checked once per batch over all bytes (fast), not per string.
type strCol struct {
	offs []int32 // len = rows+1 once started; offs[0] = 0
	data []byte
}

func (c *strCol) add(s string) {
	if len(c.offs) == 0 {
		c.offs = append(c.offs, 0)
	}
	c.data = append(c.data, s...)
	c.offs = append(c.offs, int32(len(c.data)))
}

// sanitize replaces invalid UTF-8 in the first n strings (it is called at flush, before the
// column is wrapped).
func (c *strCol) sanitize(n int) {
	if c.valid(n) {
		return
	}
	old := c.data
	c.data = make([]byte, 0, len(old)+len(old)/2)
	beg := c.offs[0]
	for i := range n {
		end := c.offs[i+1]
		s := old[beg:end]
		beg = end
		if utf8.Valid(s) {
			c.data = append(c.data, s...)
		} else {
			c.data = appendValidUTF8(c.data, string(s))
		}
		c.offs[i+1] = int32(len(c.data))
	}
}

// valid reports whether all n strings are valid UTF-8: their concatenation is valid and no
// string starts with a continuation byte (so no character straddles two strings). This is one
// fast pass over the bytes instead of a call per string.
func (c *strCol) valid(n int) bool {
	if !utf8.Valid(c.data) {
		return false
	}
	for i := 1; i < n; i++ {
		if o := int(c.offs[i]); o < len(c.data) && c.data[o]&0xC0 == 0x80 {
			return false
		}
	}
	return true
}

// appendValidUTF8 appends s with each invalid byte replaced by U+FFFD (ranging over a string
// yields utf8.RuneError for every invalid byte).
func appendValidUTF8(dst []byte, s string) []byte {
	for _, r := range s {
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

func (c *strCol) bytes() int               { return len(c.data) }
func (c *strCol) dataType() arrow.DataType { return arrow.BinaryTypes.String }
func (c *strCol) reset()                   { c.offs = c.offs[:0]; c.data = c.data[:0] }
func (c *strCol) array(n int) arrow.Array {
	if len(c.offs) == 0 {
		c.offs = append(c.offs, 0)
	}
	c.sanitize(n)
	return makeArray(array.NewData(c.dataType(), n, []*memory.Buffer{
		nil,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offs[:n+1])),
		memory.NewBufferBytes(c.data),
	}, nil, 0, 0))
}

// optStrCol is a nullable utf8 column.
type optStrCol struct {
	strCol
	v validity
}

// addOpt appends s, or a null (an empty slot) when ok is false.
func (c *optStrCol) addOpt(s string, ok bool) {
	if !ok {
		s = ""
	}
	c.v.push(max(len(c.offs)-1, 0), ok)
	c.add(s)
}

func (c *optStrCol) reset() { c.strCol.reset(); c.v.reset() }
func (c *optStrCol) array(n int) arrow.Array {
	if len(c.offs) == 0 {
		c.offs = append(c.offs, 0)
	}
	c.sanitize(n)
	return makeArray(array.NewData(c.dataType(), n, []*memory.Buffer{
		c.v.buffer(),
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offs[:n+1])),
		memory.NewBufferBytes(c.data),
	}, nil, c.v.nulls, 0))
}

func primitive(dt arrow.DataType, n int, v validity, vals []byte) arrow.Array {
	return makeArray(array.NewData(dt, n,
		[]*memory.Buffer{v.buffer(), memory.NewBufferBytes(vals)}, nil, v.nulls, 0))
}

// makeArray wraps d as an array and drops the caller's reference to d (the array holds its own).
func makeArray(d *array.Data) arrow.Array {
	a := array.MakeFromData(d)
	d.Release()
	return a
}
