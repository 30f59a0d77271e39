//go:build unix

package external

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the policy in a process group of its own, so that killing it also kills
// what it started (a shell wrapper's child, say).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killProcess kills the policy's process group.
func killProcess(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		cmd.Process.Kill()
	}
}
