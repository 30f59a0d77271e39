package main

import "io"

// cmdPlan is a placeholder until the 'plan' command lands.
func cmdPlan(args []string, stdout, stderr io.Writer) error {
	return usageError{"dcsim plan: not implemented yet"}
}
