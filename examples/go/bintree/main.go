// bintree builds binary trees of pointer-holding structs (40-byte nodes in the 48-byte class,
// which every Go version has and nothing else here uses much), keeps one long-lived tree and
// drops the others, with a runtime.GC() after each round: the trace shows whole trees being
// freed and their slots reused by the next tree.
package main

import (
	"fmt"
	"runtime"
)

type node struct {
	left, right *node
	val, depth  int32
	weight, id  int64
}

var nextID int64

func build(depth int32) *node {
	if depth == 0 {
		nextID++
		return &node{val: 1, weight: 1, id: nextID}
	}
	l, r := build(depth-1), build(depth-1)
	nextID++
	return &node{left: l, right: r, val: depth, depth: depth, weight: l.weight + r.weight, id: nextID}
}

func (n *node) check() int32 {
	if n.left == nil {
		return n.val
	}
	return n.val + n.left.check() - n.right.check()
}

func main() {
	longLived := build(6)
	sum := int32(0)
	for round := 0; round < 6; round++ {
		t := build(int32(3 + round%3))
		sum += t.check()
		runtime.GC()
	}
	paths := make([][]*node, 0, 4)
	for i := 0; i < 4; i++ {
		p := make([]*node, 0, 2)
		for n := longLived; n != nil; n = n.left {
			p = append(p, n)
		}
		paths = append(paths, p)
	}
	runtime.GC()
	fmt.Println(sum, longLived.check(), len(paths))
}
