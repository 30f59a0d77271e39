package results

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// TableProvisioning is the table name of provisioning.arrow.
const TableProvisioning = "provisioning"

// ProvisionRow is one row of provisioning.arrow: one provisioning decision.
type ProvisionRow struct {
	TimeUS           int64
	DemandCores      float64 // allocated + waiting CPU, cores
	AllocatedCores   float64
	WaitingCores     float64
	ForecastCores    float64 // predictive: mean forecast for lead steps ahead; NaN otherwise (null)
	TargetCores      float64 // predictive: the quantile plus headroom provisioned for; NaN otherwise (null)
	TargetHosts      int32
	ProvisionedHosts int32 // on or booting after the decision
}

type provisionCols struct {
	time, demand, alloc, waiting, fc, target f64Col
	targetHosts, hosts                       i32Col
}

func (c *provisionCols) fields() []field {
	return []field{
		{"time_s", "s", "Simulated time of the decision.", false, &c.time},
		{"demand_cores", "cores", "CPU demand: allocated plus waiting.", false, &c.demand},
		{"allocated_cores", "cores", "CPU allocated to running tasks.", false, &c.alloc},
		{"waiting_cores", "cores", "CPU of the waiting tasks.", false, &c.waiting},
		{"forecast_cores", "cores", "Predictive: mean forecast of the demand when hosts booted now would be ready; null otherwise.", true, &c.fc},
		{"target_cores", "cores", "Predictive: the forecast's quantile plus headroom; null otherwise.", true, &c.target},
		{"target_hosts", "1", "Hosts the policy wants provisioned.", false, &c.targetHosts},
		{"provisioned_hosts", "1", "Hosts on or booting after the decision (idle hosts go off only after the idle timeout).", false, &c.hosts},
	}
}

// ProvisioningSchema is the Arrow schema of provisioning.arrow.
func ProvisioningSchema(meta Meta) *arrow.Schema {
	return schemaOf(TableProvisioning, meta, new(provisionCols).fields())
}

// ProvisionWriter streams ProvisionRows to provisioning.arrow; see JobsWriter.
type ProvisionWriter struct {
	t    *tableWriter
	c    *provisionCols
	sets [2]*provisionCols
}

// NewProvisionWriter creates provisioning.arrow at path.
func NewProvisionWriter(path string, meta Meta) (*ProvisionWriter, error) {
	sets := [2]*provisionCols{new(provisionCols), new(provisionCols)}
	t, err := newTableWriter(path, TableProvisioning, meta, sets[0].fields(), sets[1].fields())
	if err != nil {
		return nil, err
	}
	return &ProvisionWriter{t: t, c: sets[0], sets: sets}, nil
}

// Write appends one row.
func (w *ProvisionWriter) Write(r *ProvisionRow) error {
	if err := w.t.check(); err != nil {
		return err
	}
	c := w.c
	c.time.add(seconds(r.TimeUS))
	c.demand.add(r.DemandCores)
	c.alloc.add(r.AllocatedCores)
	c.waiting.add(r.WaitingCores)
	c.fc.addOpt(r.ForecastCores, !math.IsNaN(r.ForecastCores))
	c.target.addOpt(r.TargetCores, !math.IsNaN(r.TargetCores))
	c.targetHosts.add(r.TargetHosts)
	c.hosts.add(r.ProvisionedHosts)
	err := w.t.rowDone()
	w.c = w.sets[w.t.cur]
	return err
}

// Rows, Close and Abort: see JobsWriter.
func (w *ProvisionWriter) Rows() int64  { return w.t.rows }
func (w *ProvisionWriter) Close() error { return w.t.close() }
func (w *ProvisionWriter) Abort()       { w.t.abort() }

// ReadProvisioning reads provisioning.arrow back (nulls become NaN).
func ReadProvisioning(path string) ([]ProvisionRow, Meta, error) {
	var rows []ProvisionRow
	meta, err := readFile(path, TableProvisioning, func(b *batch) {
		f := func(n string, null bool) *array.Float64 { return col[*array.Float64](b, n, null) }
		t, d, a, w, fc, tg := f("time_s", false), f("demand_cores", false), f("allocated_cores", false), f("waiting_cores", false), f("forecast_cores", true), f("target_cores", true)
		th, ph := col[*array.Int32](b, "target_hosts", false), col[*array.Int32](b, "provisioned_hosts", false)
		if b.err != nil {
			return
		}
		opt := func(a *array.Float64, i int) float64 {
			if a.IsNull(i) {
				return math.NaN()
			}
			return a.Value(i)
		}
		for i := 0; i < b.n && b.err == nil; i++ {
			rows = append(rows, ProvisionRow{TimeUS: b.us(t, i, "time_s"), DemandCores: d.Value(i), AllocatedCores: a.Value(i),
				WaitingCores: w.Value(i), ForecastCores: opt(fc, i), TargetCores: opt(tg, i), TargetHosts: th.Value(i), ProvisionedHosts: ph.Value(i)})
		}
	})
	return rows, meta, err
}
