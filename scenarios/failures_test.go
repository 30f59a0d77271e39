package scenarios

import (
	"os"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/models/units"
)

func TestFailureKeys(t *testing.T) {
	ok := edit("      memory: 64 GiB", `      memory: 64 GiB
      failures: {tbf: {dist: weibull, shape: 0.7, mean: 30d}, ttr: {dist: lognormal, median: 4h, sigma: 1}}
  rack_failures: {tbf: {dist: exponential, mean: 1y}, ttr: {dist: constant, value: 2h}}`)
	s, err := Parse("t.yaml", []byte(ok), nil)
	if err != nil {
		t.Fatal(err)
	}
	g := s.Cluster.HostGroups[0].Failures
	if g == nil || g.TBF.Spec().Shape != 0.7 || g.TBF.Spec().MeanS != 30*86400 || g.TTR.Spec().MedianS != 4*3600 ||
		s.Cluster.RackFailures.TTR.Spec().MeanS != 7200 || s.Scheduler.MaxRetries != DefaultMaxRetries {
		t.Errorf("failures %+v, racks %+v, retries %d", g, s.Cluster.RackFailures, s.Scheduler.MaxRetries)
	}
	if s.Cluster.RackFailures.TBF.Mean != units.Duration(365*24*units.Hour) {
		t.Errorf("rack tbf %+v", s.Cluster.RackFailures.TBF)
	}
	if s2, err := Parse("t.yaml", []byte(ok), []string{"scheduler.max_retries=0"}); err != nil || s2.Scheduler.MaxRetries != 0 {
		t.Errorf("max_retries=0: %v, %d", err, s2.Scheduler.MaxRetries)
	}
	for _, tc := range []struct{ yaml, want string }{
		{edit("      memory: 64 GiB", "      memory: 64 GiB\n      failures: {tbf: {dist: weibull, mean: 30d}, ttr: {dist: constant, value: 1h}}"),
			"cluster.host_groups[0].failures.tbf: "},
		{edit("      memory: 64 GiB", "      memory: 64 GiB\n      failures: {tbf: {dist: exponential, mean: 30d}}"),
			"cluster.host_groups[0].failures.ttr: required"},
		{edit("      memory: 64 GiB", "      memory: 64 GiB\n      failures: {tbf: {dist: gamma, mean: 30d}, ttr: {dist: constant, value: 1h}}"),
			"cluster.host_groups[0].failures.tbf: "},
		{edit("      memory: 64 GiB", "      memory: 64 GiB\n  failures_from_trace: true"),
			"cluster.failures_from_trace: needs cluster.from_trace"},
		{valid + "scheduler: {max_retries: -1}\n", "scheduler.max_retries: must be >= 0"},
	} {
		_, err := Parse("t.yaml", []byte(tc.yaml), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want an error containing %q, got %v", tc.want, err)
		}
	}
}

func TestCostSeriesKeys(t *testing.T) {
	dir := t.TempDir()
	good := dir + "/carbon.csv"
	bad := dir + "/price.csv"
	os.WriteFile(good, []byte("timestamp,value\n2023-01-01T00:00:00Z,100\n2023-01-01T01:00:00Z,300\n"), 0o644)
	os.WriteFile(bad, []byte("timestamp,value\n2023-01-01T00:00:00Z,0.1\nnot-a-time,0.2\n"), 0o644)
	base := valid + "cost:\n  carbon_series: " + good + "\n"
	s, err := Parse("t.yaml", []byte(base+"  series_start: 2023-01-01T00:30:00Z\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.DataPath(s.Cost.CarbonSeries) != good {
		t.Errorf("DataPath = %q", s.DataPath(s.Cost.CarbonSeries))
	}
	for _, tc := range []struct{ yaml, want string }{
		{base + "  price_series: " + bad + "\n", "cost.price_series: " + bad + ":3"},
		{base + "  series_start: yesterday\n", "cost.series_start: want an RFC 3339 instant"},
		{base + "  price_series: " + dir + "/none.csv\n", "cost.price_series: "},
	} {
		_, err := Parse("t.yaml", []byte(tc.yaml), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want an error containing %q, got %v", tc.want, err)
		}
	}
}

func TestServiceKeys(t *testing.T) {
	svc := "services:\n  - {name: api, replicas: 2, cpu: 1, service_time: {dist: exponential, mean: 10ms}, arrivals: {rate: 100/s}, slo_p99: 100ms}\n"
	s, err := Parse("t.yaml", []byte(valid+"horizon: 1h\n"+svc), nil)
	if err != nil {
		t.Fatal(err)
	}
	sv := s.Services[0]
	if sv.Concurrency != 1 || sv.Balancer != "round-robin" || sv.Window != units.Minute || sv.Arrivals.Process != "poisson" {
		t.Errorf("defaults: %+v", sv)
	}
	for _, tc := range []struct{ yaml, want string }{
		{valid + svc, "horizon: services run until the horizon"},
		{valid + "horizon: 1h\n" + strings.Replace(svc, "replicas: 2", "replicas: 0", 1), "services[0].replicas: must be > 0"},
		{valid + "horizon: 1h\n" + strings.Replace(svc, "dist: exponential", "dist: llm", 1), "services[0].service_time.dist: llm service times need"},
		{valid + "horizon: 1h\n" + strings.Replace(svc, "{rate: 100/s}", "{process: trace, format: azure-vm, path: x}", 1), "services[0].arrivals.format"},
		{valid + "horizon: 1h\n" + strings.Replace(svc, "round", "round", 1) + "  - {name: api, replicas: 1, cpu: 1, service_time: {dist: constant, mean: 1ms}}\n", "duplicate service name"},
		{"name: t\nhorizon: 1h\ncluster:\n  host_groups: [{count: 1, cpu: 1, memory: 1 GiB}]\n" + svc, ""},
	} {
		_, err := Parse("t.yaml", []byte(tc.yaml), nil)
		if tc.want == "" {
			if err != nil {
				t.Errorf("services without a workload: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want an error containing %q, got %v", tc.want, err)
		}
	}
}

func TestNetworkStorageKeys(t *testing.T) {
	net := "network: {topology: fat-tree, k: 4, bandwidth: 10 Gb/s, latency: 2us}\nstorage:\n  - {capacity: 1 PiB, bandwidth: 20 GB/s, erasure_data: 6, erasure_parity: 3}\n"
	io := strings.Replace(valid, "      runtime_s: {dist: exponential, mean: 60}", "      runtime_s: {dist: exponential, mean: 60}\n      input_gib: {dist: constant, value: 2}", 1)
	s, err := Parse("t.yaml", []byte(io+net), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Network.Bandwidth != units.Bandwidth(1.25e9) || s.Storage[0].Name != "pool0" || s.Storage[0].IOSize != units.MiB ||
		s.Workload.Synthetic[0].Storage != "pool0" || s.Storage[0].Replication != 0 {
		t.Errorf("network %+v storage %+v source storage %q", s.Network, s.Storage, s.Workload.Synthetic[0].Storage)
	}
	for _, tc := range []struct{ yaml, want string }{
		{io, "input_gib and output_gib need a storage pool"},
		{io + strings.Replace(net, "k: 4", "k: 5", 1), "network.k: must be even"},
		{io + strings.Replace(net, "bandwidth: 20 GB/s, ", "", 1), "storage[0].bandwidth: must be > 0"},
		{io + strings.Replace(net, "fat-tree", "torus", 1), "network.topology"},
		{strings.Replace(io, "value: 2}", "value: 2}\n      storage: nope", 1) + net, `no storage pool is named "nope"`},
		{io + net + "fleet: {cells: 2}\n", "network and storage are modelled in a single cluster"},
		{io + "network: {topology: custom, hosts: [a], links: [{a: a, b: a, bandwidth: 1 GB/s}]}\n" + net[strings.Index(net, "storage"):], "network.links[0]: a link joins two different named nodes"},
	} {
		_, err := Parse("t.yaml", []byte(tc.yaml), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want an error containing %q, got %v", tc.want, err)
		}
	}
}
