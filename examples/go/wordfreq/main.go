// wordfreq builds words with a strings.Builder and counts them in a map[string]int: string data
// (untyped, pointer-free), map buckets with string keys, and a sorted []string at the end.
// The work is bounded and deterministic (a fixed linear congruential generator), so the
// allocation trace it prints under GODEBUG=allocfreetrace=1 is small and repeatable.
package main

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
)

var syllables = []string{"ka", "lo", "mi", "nu", "pe", "ra", "so", "ti", "vu", "ze", "an", "ber"}

type rng struct{ x uint32 }

func (r *rng) next(n int) int {
	r.x = r.x*1664525 + 1013904223
	return int(r.x>>16) % n
}

func main() {
	r := &rng{x: 7}
	counts := make(map[string]int)
	for round := 0; round < 3; round++ {
		for i := 0; i < 120; i++ {
			var b strings.Builder
			n := 1 + r.next(6)
			for j := 0; j < n; j++ {
				b.WriteString(syllables[r.next(len(syllables))])
			}
			counts[b.String()]++
		}
		runtime.GC()
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	longest := ""
	for _, k := range keys {
		if len(k) > len(longest) {
			longest = k
		}
	}
	fmt.Println(len(keys), "distinct words; longest:", longest)
}
