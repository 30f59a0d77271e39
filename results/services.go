package results

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// TableServices is the table name of services.arrow.
const TableServices = "services"

// ServiceRow is one row of services.arrow: one service over one statistics window
// [StartUS, EndUS). Latencies are completion − arrival of the requests completed in the window.
type ServiceRow struct {
	Service        string
	StartUS, EndUS int64
	Arrivals       int64
	Completed      int64
	Dropped        int64
	ThroughputPerS float64
	MeanUS         float64 // 0 when nothing completed
	P50US          int64   // -1 when nothing completed (null)
	P95US          int64
	P99US          int64
	MaxUS          int64
	ReplicasUp     int32 // at the window's end
	MinReplicasUp  int32 // fewest up at any instant of the window
	InFlight       int64 // queued or in service at the window's end
	SLOViolated    bool
}

type servicesCols struct {
	svc                               strCol
	start, end, thr, mean             f64Col
	arrivals, completed, dropped, inf i64Col
	p50, p95, p99, maxL               f64Col
	up, minUp                         i32Col
	slo                               boolCol
}

func (c *servicesCols) fields() []field {
	return []field{
		{"service", "", "Service name.", false, &c.svc},
		{"start_s", "s", "Start of the statistics window.", false, &c.start},
		{"end_s", "s", "End of the window (the last window ends at the run's end).", false, &c.end},
		{"arrivals", "1", "Requests that arrived in the window.", false, &c.arrivals},
		{"completed", "1", "Requests completed in the window.", false, &c.completed},
		{"dropped", "1", "Requests dropped in the window (queue full, or no replica up).", false, &c.dropped},
		{"throughput_per_s", "1/s", "Completed requests per second of the window.", false, &c.thr},
		{"mean_latency_s", "s", "Mean latency (completion - arrival) of the requests completed in the window; null if none.", true, &c.mean},
		{"p50_latency_s", "s", "Median latency (nearest rank); null if none completed.", true, &c.p50},
		{"p95_latency_s", "s", "95th percentile latency (nearest rank); null if none completed.", true, &c.p95},
		{"p99_latency_s", "s", "99th percentile latency (nearest rank); null if none completed.", true, &c.p99},
		{"max_latency_s", "s", "Largest latency; null if none completed.", true, &c.maxL},
		{"replicas_up", "1", "Replicas up at the window's end.", false, &c.up},
		{"min_replicas_up", "1", "Fewest replicas up at any instant of the window.", false, &c.minUp},
		{"in_flight", "1", "Requests queued or in service at the window's end.", false, &c.inf},
		{"slo_violated", "1", "p99 latency above the service's slo_p99, or requests dropped and none completed.", false, &c.slo},
	}
}

// ServicesSchema is the Arrow schema of services.arrow for the given metadata.
func ServicesSchema(meta Meta) *arrow.Schema {
	return schemaOf(TableServices, meta, new(servicesCols).fields())
}

// WriteServices atomically writes services.arrow with rows.
func WriteServices(path string, meta Meta, rows []ServiceRow) error {
	sets := [2]*servicesCols{new(servicesCols), new(servicesCols)}
	t, err := newTableWriter(path, TableServices, meta, sets[0].fields(), sets[1].fields())
	if err != nil {
		return err
	}
	c := sets[0]
	for i := range rows {
		r := &rows[i]
		done := r.Completed > 0
		c.svc.add(r.Service)
		c.start.add(seconds(r.StartUS))
		c.end.add(seconds(r.EndUS))
		c.arrivals.add(r.Arrivals)
		c.completed.add(r.Completed)
		c.dropped.add(r.Dropped)
		c.thr.add(r.ThroughputPerS)
		c.mean.addOpt(r.MeanUS/1e6, done)
		c.p50.addOpt(seconds(r.P50US), done)
		c.p95.addOpt(seconds(r.P95US), done)
		c.p99.addOpt(seconds(r.P99US), done)
		c.maxL.addOpt(seconds(r.MaxUS), done)
		c.up.add(r.ReplicasUp)
		c.minUp.add(r.MinReplicasUp)
		c.inf.add(r.InFlight)
		c.slo.add(r.SLOViolated)
		if err := t.rowDone(); err != nil {
			t.abort()
			return err
		}
		c = sets[t.cur]
	}
	return t.close()
}

// ReadServices reads services.arrow back into rows (latencies rounded to µs; nulls become -1,
// and a null mean 0) and the file's metadata.
func ReadServices(path string) ([]ServiceRow, Meta, error) {
	var rows []ServiceRow
	meta, err := readFile(path, TableServices, func(b *batch) {
		svc := col[*array.String](b, "service", false)
		start, end := col[*array.Float64](b, "start_s", false), col[*array.Float64](b, "end_s", false)
		arr, done, drop := col[*array.Int64](b, "arrivals", false), col[*array.Int64](b, "completed", false), col[*array.Int64](b, "dropped", false)
		thr := col[*array.Float64](b, "throughput_per_s", false)
		mean := col[*array.Float64](b, "mean_latency_s", true)
		p50, p95 := col[*array.Float64](b, "p50_latency_s", true), col[*array.Float64](b, "p95_latency_s", true)
		p99, mx := col[*array.Float64](b, "p99_latency_s", true), col[*array.Float64](b, "max_latency_s", true)
		up, minUp := col[*array.Int32](b, "replicas_up", false), col[*array.Int32](b, "min_replicas_up", false)
		inf := col[*array.Int64](b, "in_flight", false)
		slo := col[*array.Boolean](b, "slo_violated", false)
		if b.err != nil {
			return
		}
		for i := 0; i < b.n && b.err == nil; i++ {
			r := ServiceRow{Service: b.str(svc, i), StartUS: b.us(start, i, "start_s"), EndUS: b.us(end, i, "end_s"),
				Arrivals: arr.Value(i), Completed: done.Value(i), Dropped: drop.Value(i), ThroughputPerS: thr.Value(i),
				P50US: b.us(p50, i, "p50_latency_s"), P95US: b.us(p95, i, "p95_latency_s"), P99US: b.us(p99, i, "p99_latency_s"),
				MaxUS: b.us(mx, i, "max_latency_s"), ReplicasUp: up.Value(i), MinReplicasUp: minUp.Value(i),
				InFlight: inf.Value(i), SLOViolated: slo.Value(i)}
			if mean.IsValid(i) {
				r.MeanUS = mean.Value(i) * 1e6
			}
			rows = append(rows, r)
		}
	})
	return rows, meta, err
}
