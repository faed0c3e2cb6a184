/**
 * Constants of the Go runtime on linux/amd64, shared by every model.
 *
 * Names follow the runtime (`_PageShift`, `_MaxSmallSize`, `pallocChunkPages`, ...), so a runtime
 * engineer can grep for them. Values that differ between eras live in `modelconfig.ts`.
 */

/** log2 of the runtime page size: 8 KiB pages. */
export const _PageShift = 13;
export const _PageSize = 1 << _PageShift;
/** Largest "small" object; anything bigger is a large object with its own span. */
export const _MaxSmallSize = 32768;
/** Tiny allocator block size: noscan objects smaller than this share 16-byte blocks. */
export const _TinySize = 16;
/** Size class of the tiny blocks (the 16-byte class). */
export const tinySizeClass = 2;
/** Number of size classes including class 0 (large objects). */
export const _NumSizeClasses = 67;
/** numSpanClasses = _NumSizeClasses << 1: a scan and a noscan class per size class. */
export const numSpanClasses = _NumSizeClasses << 1;
/** Largest size served by the 8-byte-granular lookup table. */
export const smallSizeMax = 1024;
export const smallSizeDiv = 8;
export const largeSizeDiv = 128;
/** Free lists `free[1.._MaxMHeapList-1]` in go1.5/go1.10; spans of this many pages or more are "large". */
export const _MaxMHeapList = 1 << (20 - _PageShift);
/** go1.5/go1.10: the heap grows by at least this much (1 MiB). */
export const _HeapAllocChunk = 1 << 20;
/** go1.14: pages per page-allocator chunk (4 MiB). */
export const pallocChunkPages = 512;
export const pallocChunkBytes = pallocChunkPages * _PageSize;
/** go1.14: size of one heap arena (64 MiB on linux/amd64). */
export const heapArenaBytes = 64 << 20;
export const pagesPerArena = heapArenaBytes / _PageSize;
/** go1.14: pages held by a per-P page cache (one 64-bit bitmap). */
export const pageCachePages = 64;
/** gcBits arenas are 64 KiB. */
export const gcBitsChunkBytes = 64 << 10;
/** Size of the gcBitsHeader at the start of every gcBits arena (free + next: two words). */
export const gcBitsHeaderBytes = 16;
/** Default memory-profiling rate: one sample per 512 KiB allocated on average. */
export const defaultMemProfileRate = 512 * 1024;
/** Periodic scavenger of go1.5/go1.10: spans unused for 5 minutes are released. */
export const scavengeLimitNs = 5 * 60 * 1e9;
/** Forced GC period (sysmon forcegcperiod): 2 minutes. */
export const forcegcperiodNs = 2 * 60 * 1e9;
/** heapminimum with GOGC=100: the first GC happens at a 4 MiB live heap. */
export const defaultHeapMinimum = 4 << 20;
/** Pointer size on amd64. */
export const ptrSize = 8;
/** Size of the runtime's mspan struct per era (bytes), for mspan_inuse accounting. */
export const ptrBits = 64;
