// bufchurn churns byte buffers: []byte of growing sizes from 16 B to 96 KiB (small and large
// spans), a bytes.Buffer that grows by doubling, and a ring that keeps only the last few buffers
// alive. GOGC is lowered in main, so the collections in the trace are the pacer's own, not
// runtime.GC() calls.
package main

import (
	"bytes"
	"fmt"
	"runtime/debug"
)

func main() {
	debug.SetGCPercent(5)
	var ring [6][]byte
	total := 0
	size := 16
	for i := 0; i < 180; i++ {
		b := make([]byte, size)
		b[0] = byte(i)
		ring[i%len(ring)] = b
		total += len(b)
		size = size*3/2 + 8
		if size > 96<<10 {
			size = 16 + i
		}
	}
	var buf bytes.Buffer
	for i := 0; i < 400; i++ {
		buf.WriteString("churn ")
		if buf.Len() > 1500 {
			buf = bytes.Buffer{}
		}
	}
	fmt.Println(total, buf.Len(), len(ring[0]))
}
