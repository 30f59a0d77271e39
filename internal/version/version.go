// Package version holds dcsim's version string.
package version

// Version is dcsim's release version; it is written into every result file's metadata.
const Version = "0.1.0"
