/** Hand-written allocation-trace snippets in Go 1.19's exact format, for the parser and replay tests. */

/** A typed small allocation (line 0), an untyped tiny block (line 9), a forced GC (line 14), a free (line 26). */
export const basic = [
  'tracealloc(0xc000012030, 0x18, main.node)', // 0
  'goroutine 1 [running]:', // 1
  'runtime.mallocgc(0x18, 0x48fc80, 0x1)', // 2
  '\truntime/malloc.go:1131 +0x7b1 fp=0xc000060c98 sp=0xc000060c20 pc=0x40bd11', // 3
  'runtime.newobject(0x1?)', // 4
  '\truntime/malloc.go:1202 +0x27 fp=0xc000060cc0 sp=0xc000060c98 pc=0x40bf47', // 5
  'main.build(0x4811f1?)', // 6
  '\tgoheap.example/traces/bintree/main.go:18 +0xa5 fp=0xc000060cf8 sp=0xc000060cc0 pc=0x4813a5', // 7
  '', // 8
  'tracealloc(0xc00001a090, 0x10)', // 9
  'goroutine 1 [running]:', // 10
  'runtime.mallocgc(0x4, 0x0, 0x0)', // 11
  '\truntime/malloc.go:1131 +0x7b1 fp=0x7fff67af2540 sp=0x7fff67af24c8 pc=0x40bc91', // 12
  '', // 13
  'tracegc()', // 14
  '', // 15
  'goroutine 10 [garbage collection]:', // 16
  'runtime.gcMarkTermination()', // 17
  '\truntime/mgc.go:943 +0x173 fp=0xc00003b6f0 sp=0xc00003b538 pc=0x4177b3', // 18
  '', // 19
  'goroutine 1 [wait for GC cycle]:', // 20
  'runtime.GC()', // 21
  '\truntime/mgc.go:448 +0x4e fp=0xc000058ee0 sp=0xc000058ea8 pc=0x41650e', // 22
  'end tracegc', // 23
  '', // 24
  'some program output', // 25
  'tracefree(0xc000012030, 0x18)', // 26
  'goroutine 0 [idle]:', // 27
  'runtime.(*sweepLocked).sweep(0x7fff67af24c8?, 0x0)', // 28
  '\truntime/mgcsweep.go:577 +0x97e fp=0x7fff67af2480 sp=0x7fff67af23a8 pc=0x4225de', // 29
  'created by runtime.gcenable', // 30
  '\truntime/mgc.go:178 +0x6b', // 31
  '', // 32
].join('\n');

/** A record's stack lines (a goroutine header and one frame), appended after a header line. */
export const stack = (fn = 'main.main()', file = 'x/main.go:10'): string => `goroutine 1 [running]:\n${fn}\n\t${file} +0x25 fp=0x1 sp=0x2 pc=0x3\n\n`;

/** Records with a one-frame stack: `alloc(0xc000010000, 0x20, '*main.T')`. */
export function alloc(addr: number, size: number, type: string | null = '*main.T', request?: number): string {
  const head = type === null ? `tracealloc(0x${addr.toString(16)}, 0x${size.toString(16)})` : `tracealloc(0x${addr.toString(16)}, 0x${size.toString(16)}, ${type})`;
  const mg = request === undefined ? '' : `runtime.mallocgc(0x${request.toString(16)}, 0x48fc80, 0x1)\n\truntime/malloc.go:1131 +0x7b1\n`;
  return `${head}\ngoroutine 1 [running]:\n${mg}main.main()\n\tx/main.go:10 +0x25\n\n`;
}

export function free(addr: number, size: number): string {
  return `tracefree(0x${addr.toString(16)}, 0x${size.toString(16)})\n${stack('runtime.(*sweepLocked).sweep(0x0?, 0x0)', 'runtime/mgcsweep.go:577')}`;
}

export function gc(forced = false): string {
  return `tracegc()\n\ngoroutine 2 [GC worker (idle)]:\nruntime.gcBgMarkWorker()\n\truntime/mgc.go:1367 +0x345\n${forced ? '\ngoroutine 1 [wait for GC cycle]:\nruntime.GC()\n\truntime/mgc.go:448 +0x4e\n' : ''}end tracegc\n\n`;
}
