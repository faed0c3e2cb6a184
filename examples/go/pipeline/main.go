// pipeline passes pointer-holding messages through a chain of goroutines and channels: each
// stage wraps the message in a new struct, so goroutine structs, channel buffers, closures and
// short-lived pointer-holding objects show up in the trace, with a runtime.GC() between batches.
package main

import (
	"fmt"
	"runtime"
)

type msg struct {
	id   int
	body []int64
	prev *msg
}

func stage(in <-chan *msg, out chan<- *msg, k int64) {
	for m := range in {
		body := make([]int64, len(m.body)+1)
		copy(body, m.body)
		body[len(m.body)] = k
		out <- &msg{id: m.id, body: body, prev: m}
	}
	close(out)
}

func main() {
	for batch := 0; batch < 3; batch++ {
		src := make(chan *msg, 4)
		var in <-chan *msg = src
		for k := int64(1); k <= 3; k++ {
			out := make(chan *msg, 4)
			go stage(in, out, k)
			in = out
		}
		go func() {
			for i := 0; i < 12; i++ {
				src <- &msg{id: i, body: make([]int64, i%5)}
			}
			close(src)
		}()
		total := int64(0)
		for m := range in {
			for _, v := range m.body {
				total += v
			}
		}
		fmt.Println("batch", batch, total)
		runtime.GC()
	}
}
