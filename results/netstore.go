package results

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Table names of links.arrow and storage.arrow.
const (
	TableLinks   = "links"
	TableStorage = "storage"
)

// LinkRow is one row of links.arrow: one directed network link over one interval.
type LinkRow struct {
	TimeUS, IntervalUS int64
	Link               int32  // directed link index
	From, To           string // node names
	CapacityBps        float64
	Bytes              float64 // carried in the interval
	Utilization        float64 // Bytes / (capacity × interval)
}

// PoolRow is one row of storage.arrow: one storage pool over one interval.
type PoolRow struct {
	TimeUS, IntervalUS int64
	Pool               string
	UsedBytes          float64 // stored at the interval's end (raw, including redundancy)
	CapacityBytes      float64
	ReadBytes          float64 // read by tasks, completed in the interval
	WrittenBytes       float64 // written by tasks (raw), completed in the interval
	IOUtilization      float64 // bytes carried / (bandwidth × interval)
	OverflowBytes      float64 // raw bytes that did not fit, in the interval
}

type linksCols struct {
	time, interval, capBps, bytes, util f64Col
	link                                i32Col
	from, to                            strCol
}

func (c *linksCols) fields() []field {
	return []field{
		{"time_s", "s", "Simulated start time of the interval.", false, &c.time},
		{"interval_s", "s", "Length of the interval.", false, &c.interval},
		{"link", "1", "Directed link index (a full-duplex link is two directed links).", false, &c.link},
		{"from", "", "Node the link leaves (host<i>, leaf<i>, spine<i>, edge/agg/core switch names).", false, &c.from},
		{"to", "", "Node the link enters.", false, &c.to},
		{"capacity_bytes_per_s", "B/s", "Link capacity, one direction.", false, &c.capBps},
		{"bytes", "B", "Bytes carried in the interval (exact integral of the max-min rates).", false, &c.bytes},
		{"utilization", "1", "bytes / (capacity x interval), 0..1.", false, &c.util},
	}
}

type poolCols struct {
	time, interval, used, capB, read, written, util, overflow f64Col
	pool                                                      strCol
}

func (c *poolCols) fields() []field {
	return []field{
		{"time_s", "s", "Simulated start time of the interval.", false, &c.time},
		{"interval_s", "s", "Length of the interval.", false, &c.interval},
		{"pool", "", "Storage pool name.", false, &c.pool},
		{"used_gib", "GiB", "Data stored at the interval's end, raw (replicas and parity included).", false, &c.used},
		{"capacity_gib", "GiB", "Pool capacity, raw.", false, &c.capB},
		{"read_gib", "GiB", "Data read by tasks, reads completed in the interval.", false, &c.read},
		{"written_gib", "GiB", "Data written by tasks, raw, writes completed in the interval.", false, &c.written},
		{"io_utilization", "1", "Bytes moved / (bandwidth x interval), 0..1.", false, &c.util},
		{"overflow_gib", "GiB", "Raw data that did not fit because the pool was full, in the interval.", false, &c.overflow},
	}
}

// LinksSchema and StorageSchema are the schemas of links.arrow and storage.arrow.
func LinksSchema(meta Meta) *arrow.Schema { return schemaOf(TableLinks, meta, new(linksCols).fields()) }
func StorageSchema(meta Meta) *arrow.Schema {
	return schemaOf(TableStorage, meta, new(poolCols).fields())
}

// LinksWriter streams LinkRows to links.arrow; see JobsWriter.
type LinksWriter struct {
	t    *tableWriter
	c    *linksCols
	sets [2]*linksCols
}

// NewLinksWriter creates links.arrow at path (nothing appears there until Close succeeds).
func NewLinksWriter(path string, meta Meta) (*LinksWriter, error) {
	sets := [2]*linksCols{new(linksCols), new(linksCols)}
	t, err := newTableWriter(path, TableLinks, meta, sets[0].fields(), sets[1].fields())
	if err != nil {
		return nil, err
	}
	return &LinksWriter{t: t, c: sets[0], sets: sets}, nil
}

// Write appends one row.
func (w *LinksWriter) Write(r *LinkRow) error {
	if err := w.t.check(); err != nil {
		return err
	}
	c := w.c
	c.time.add(seconds(r.TimeUS))
	c.interval.add(seconds(r.IntervalUS))
	c.link.add(r.Link)
	c.from.add(r.From)
	c.to.add(r.To)
	c.capBps.add(r.CapacityBps)
	c.bytes.add(r.Bytes)
	c.util.add(r.Utilization)
	err := w.t.rowDone()
	w.c = w.sets[w.t.cur]
	return err
}

// Rows, Close and Abort: see JobsWriter.
func (w *LinksWriter) Rows() int64  { return w.t.rows }
func (w *LinksWriter) Close() error { return w.t.close() }
func (w *LinksWriter) Abort()       { w.t.abort() }

// PoolsWriter streams PoolRows to storage.arrow; see JobsWriter.
type PoolsWriter struct {
	t    *tableWriter
	c    *poolCols
	sets [2]*poolCols
}

// NewPoolsWriter creates storage.arrow at path (nothing appears there until Close succeeds).
func NewPoolsWriter(path string, meta Meta) (*PoolsWriter, error) {
	sets := [2]*poolCols{new(poolCols), new(poolCols)}
	t, err := newTableWriter(path, TableStorage, meta, sets[0].fields(), sets[1].fields())
	if err != nil {
		return nil, err
	}
	return &PoolsWriter{t: t, c: sets[0], sets: sets}, nil
}

// Write appends one row.
func (w *PoolsWriter) Write(r *PoolRow) error {
	if err := w.t.check(); err != nil {
		return err
	}
	c := w.c
	c.time.add(seconds(r.TimeUS))
	c.interval.add(seconds(r.IntervalUS))
	c.pool.add(r.Pool)
	c.used.add(r.UsedBytes / gib)
	c.capB.add(r.CapacityBytes / gib)
	c.read.add(r.ReadBytes / gib)
	c.written.add(r.WrittenBytes / gib)
	c.util.add(r.IOUtilization)
	c.overflow.add(r.OverflowBytes / gib)
	err := w.t.rowDone()
	w.c = w.sets[w.t.cur]
	return err
}

// Rows, Close and Abort: see JobsWriter.
func (w *PoolsWriter) Rows() int64  { return w.t.rows }
func (w *PoolsWriter) Close() error { return w.t.close() }
func (w *PoolsWriter) Abort()       { w.t.abort() }

// ReadLinks reads links.arrow back (tests and tools).
func ReadLinks(path string) ([]LinkRow, Meta, error) {
	var rows []LinkRow
	meta, err := readFile(path, TableLinks, func(b *batch) {
		f := func(n string) *array.Float64 { return col[*array.Float64](b, n, false) }
		t, iv, cp, by, ut := f("time_s"), f("interval_s"), f("capacity_bytes_per_s"), f("bytes"), f("utilization")
		link := col[*array.Int32](b, "link", false)
		from, to := col[*array.String](b, "from", false), col[*array.String](b, "to", false)
		if b.err != nil {
			return
		}
		for i := 0; i < b.n && b.err == nil; i++ {
			rows = append(rows, LinkRow{TimeUS: b.us(t, i, "time_s"), IntervalUS: b.us(iv, i, "interval_s"), Link: link.Value(i),
				From: b.str(from, i), To: b.str(to, i), CapacityBps: cp.Value(i), Bytes: by.Value(i), Utilization: ut.Value(i)})
		}
	})
	return rows, meta, err
}

// ReadPools reads storage.arrow back (tests and tools); GiB figures come back as bytes.
func ReadPools(path string) ([]PoolRow, Meta, error) {
	var rows []PoolRow
	meta, err := readFile(path, TableStorage, func(b *batch) {
		f := func(n string) *array.Float64 { return col[*array.Float64](b, n, false) }
		t, iv, used, cp, rd, wr, ut, ov := f("time_s"), f("interval_s"), f("used_gib"), f("capacity_gib"), f("read_gib"), f("written_gib"), f("io_utilization"), f("overflow_gib")
		pool := col[*array.String](b, "pool", false)
		if b.err != nil {
			return
		}
		for i := 0; i < b.n && b.err == nil; i++ {
			rows = append(rows, PoolRow{TimeUS: b.us(t, i, "time_s"), IntervalUS: b.us(iv, i, "interval_s"), Pool: b.str(pool, i),
				UsedBytes: used.Value(i) * gib, CapacityBytes: cp.Value(i) * gib, ReadBytes: rd.Value(i) * gib,
				WrittenBytes: wr.Value(i) * gib, IOUtilization: ut.Value(i), OverflowBytes: ov.Value(i) * gib})
		}
	})
	return rows, meta, err
}
