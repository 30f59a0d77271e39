package main

import "io"

// cmdReport is a placeholder until the 'report' command lands.
func cmdReport(args []string, stdout, stderr io.Writer) error {
	return usageError{"dcsim report: not implemented yet"}
}
