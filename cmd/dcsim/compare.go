package main

import "io"

// cmdCompare is a placeholder until the 'compare' command lands.
func cmdCompare(args []string, stdout, stderr io.Writer) error {
	return usageError{"dcsim compare: not implemented yet"}
}
