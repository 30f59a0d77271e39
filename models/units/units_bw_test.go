package units

import "testing"

func TestParseBandwidth(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{{"25 Gb/s", 25e9 / 8}, {"3.2 GB/s", 3.2e9}, {"100 MiB/s", 100 << 20}, {"10 Gbps", 1.25e9}, {"1e9", 1e9}, {"0", 0}, {"8 b/s", 1}} {
		got, err := ParseBandwidth(tc.in)
		if err != nil || float64(got) != tc.want {
			t.Errorf("ParseBandwidth(%q) = %v, %v; want %v", tc.in, float64(got), err, tc.want)
		}
	}
	for _, in := range []string{"", "-1 GB/s", "10 GB", "fast", "1e400 GB/s"} {
		if _, err := ParseBandwidth(in); err == nil {
			t.Errorf("ParseBandwidth(%q) succeeded", in)
		}
	}
	if s := Bandwidth(25e9).String(); s != "25 GB/s" {
		t.Errorf("String = %q", s)
	}
}

func FuzzParseBandwidth(f *testing.F) {
	for _, s := range append(seeds, "25 Gb/s", "3.2 GB/s", "1 KiB/s", "0.001 b/s") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { roundTrip(t, ParseBandwidth, s) })
}
