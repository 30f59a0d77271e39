// Package units defines the physical quantities used in scenario files and model
// parameters. Every quantity is stored as an exact integer where the engine needs
// exactness (time, CPU, bytes) and as float64 where the quantity is a rate or a power.
//
// Each type implements encoding.TextUnmarshaler so that the scenario decoder can parse
// strings such as "30s", "64 GiB", "2.5 kW", "500m" (millicores) or "10/s".
package units

// Duration is a span of simulated time in integer microseconds (the engine's time unit).
// Text forms: "250us", "10ms", "30s", "5m", "1.5h", "2d", "1w", "4y" (365 d); a bare number is seconds.
type Duration int64

// Common durations in microseconds.
const (
	Microsecond Duration = 1
	Millisecond          = 1000 * Microsecond
	Second               = 1000 * Millisecond
	Minute               = 60 * Second
	Hour                 = 60 * Minute
	Day                  = 24 * Hour
	Week                 = 7 * Day
	Year                 = 365 * Day
)

// Bytes is an amount of memory or storage in bytes.
// Text forms: "512 MiB", "64GiB", "1.5 TB", "4096" (bytes); binary (KiB..PiB) and decimal (kB..PB) prefixes.
type Bytes int64

// Byte multiples.
const (
	KiB Bytes = 1 << 10
	MiB Bytes = 1 << 20
	GiB Bytes = 1 << 30
	TiB Bytes = 1 << 40
)

// Power is electrical power in watts. Text forms: "300 W", "2.5 kW", "1 MW"; a bare number is watts.
type Power float64

// CPU is an amount of CPU in millicores (1000 = one core), as in Kubernetes.
// Text forms: "64" (cores), "0.5" (cores), "500m" (millicores).
type CPU int64

// Rate is an event rate in events per second. Text forms: "10/s", "600/min", "3.5/h", "100/d"; a bare number is per second.
type Rate float64

// Bandwidth is a data rate in bytes per second.
type Bandwidth float64
