package main

import "io"

// cmdSweep is a placeholder until the 'sweep' command lands.
func cmdSweep(args []string, stdout, stderr io.Writer) error {
	return usageError{"dcsim sweep: not implemented yet"}
}
