//go:build unix

package httpapi

import (
	"syscall"
	"testing"
)

// cpuPerOp reports, when the returned func runs, the process's CPU time
// (user and system, every thread: getrusage) per iteration since the call
// as cpu-µs/op. On a machine shared with other work the wall time of a
// benchmark grows with the others' load; its CPU time hardly does.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/1e3/float64(b.N), "cpu-µs/op")
		}
	}
}

func cpuTime() int64 {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return u.Utime.Nano() + u.Stime.Nano()
}
