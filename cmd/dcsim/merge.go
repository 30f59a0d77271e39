package main

import "io"

// cmdMerge is a placeholder until the 'merge' command lands.
func cmdMerge(args []string, stdout, stderr io.Writer) error {
	return usageError{"dcsim merge: not implemented yet"}
}
