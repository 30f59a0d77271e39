package power

import "sort"

// SPECpowerPoints is the number of points of a SPECpower_ssj2008 power curve: average active
// power at active idle (0 %) and at target loads 10 %, 20 %, …, 100 %.
const SPECpowerPoints = 11

// specTables holds published SPECpower_ssj2008 results: average active power in watts at active
// idle, 10 %, …, 100 % target load.
//
// Provenance, honestly stated: the numbers below were taken from the CloudSim toolkit's
// PowerModelSpecPower* classes (org.cloudbus.cloudsim.power.models, CloudSim 3.0 and later,
// github.com/Cloudslab/cloudsim), which transcribe the SPEC results at the URLs given, and are
// used in Beloglazov & Buyya, CCPE 2012 (doi:10.1002/cpe.1867). They were not re-checked against
// spec.org for this package (no web access when it was written). The result dates are the dates
// in the SPEC result file names; the hardware descriptions are CloudSim's.
//
// Note that SPECpower's x axis is the target load as a fraction of the calibrated maximum
// throughput (ssj_ops), which the simulator uses as CPU utilization — the same modelling
// choice as CloudSim.
var specTables = map[string][SPECpowerPoints]float64{
	// HP ProLiant ML110 G4, 1 × Intel Xeon 3040 (1860 MHz, 2 cores), 4 GB.
	// CloudSim cites http://www.spec.org/power_ssj2008/results/res2011q1/power_ssj2008-20110127-00342.html
	// (result file dated 2011-01-27). CloudSim cites the very same URL for its ML110 G3
	// (Pentium D930) table, so at least one of the two attributions is wrong; the watts are as
	// CloudSim ships them.
	"hp-proliant-ml110-g4": {86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117},

	// HP ProLiant ML110 G5, 1 × Intel Xeon 3075 (2660 MHz, 2 cores), 4 GB.
	// http://www.spec.org/power_ssj2008/results/res2011q1/power_ssj2008-20110124-00339.html
	// (result file dated 2011-01-24).
	"hp-proliant-ml110-g5": {93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135},

	// IBM server x3250 (CloudSim's wording), 1 × Intel Xeon X3470 (2933 MHz, 4 cores), 8 GB.
	// http://www.spec.org/power_ssj2008/results/res2009q4/power_ssj2008-20091104-00213.html
	// (result file dated 2009-11-04).
	"ibm-x3250-xeon-x3470": {41.6, 46.7, 52.3, 57.9, 65.4, 73, 80.7, 89.5, 99.6, 105, 113},

	// IBM server x3250 (CloudSim's wording), 1 × Intel Xeon X3480 (3067 MHz, 4 cores), 8 GB.
	// http://www.spec.org/power_ssj2008/results/res2010q4/power_ssj2008-20101001-00297.html
	// (result file dated 2010-10-01).
	"ibm-x3250-xeon-x3480": {42.3, 46.7, 49.7, 55.4, 61.8, 69.3, 76.1, 87, 96.1, 106, 113},

	// IBM server x3550 (CloudSim's wording), 2 × Intel Xeon X5670 (2933 MHz, 6 cores), 12 GB.
	// http://www.spec.org/power_ssj2008/results/res2010q2/power_ssj2008-20100315-00239.html
	// (result file dated 2010-03-15).
	"ibm-x3550-xeon-x5670": {66, 107, 120, 131, 143, 156, 173, 191, 211, 229, 247},

	// IBM server x3550 (CloudSim's wording), 2 × Intel Xeon X5675 (3067 MHz, 6 cores), 16 GB.
	// http://www.spec.org/power_ssj2008/results/res2011q2/power_ssj2008-20110406-00368.html
	// (result file dated 2011-04-06).
	"ibm-x3550-xeon-x5675": {58.4, 98, 109, 118, 128, 140, 153, 170, 189, 205, 222},
}

// tableNames is the sorted list of built-in table names, computed once.
var tableNames = func() []string {
	names := make([]string, 0, len(specTables))
	for name := range specTables {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}()

// Tables returns the names of the built-in SPECpower_ssj2008 tables, sorted. The slice is a
// fresh copy.
func Tables() []string {
	return append([]string(nil), tableNames...)
}

// HasTable reports whether name is a built-in SPECpower_ssj2008 table.
func HasTable(name string) bool {
	_, ok := specTables[name]
	return ok
}

// Table returns a copy of the built-in table called name: 11 average active power values in
// watts at 0 %, 10 %, …, 100 % target load.
func Table(name string) ([]float64, bool) {
	t, ok := specTables[name]
	if !ok {
		return nil, false
	}
	return append([]float64(nil), t[:]...), true
}
