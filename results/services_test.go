package results

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestServicesRoundTrip(t *testing.T) {
	rows := []ServiceRow{
		{Service: "web", StartUS: 0, EndUS: 60e6, Arrivals: 6000, Completed: 5990, Dropped: 3, ThroughputPerS: 5990.0 / 60,
			MeanUS: 1234.5, P50US: 900, P95US: 3000, P99US: 5000, MaxUS: 9000, ReplicasUp: 4, MinReplicasUp: 3, InFlight: 7, SLOViolated: true},
		{Service: "llm-ünïcode", StartUS: 60e6, EndUS: 90e6, Arrivals: 5, Dropped: 5, P50US: -1, P95US: -1, P99US: -1, MaxUS: -1, SLOViolated: true},
	}
	path := filepath.Join(t.TempDir(), "services.arrow")
	if err := WriteServices(path, testMeta, rows); err != nil {
		t.Fatal(err)
	}
	got, meta, err := ReadServices(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) || meta.Scenario != testMeta.Scenario {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, rows)
	}
}
