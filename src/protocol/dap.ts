/**
 * What crosses the Debug Adapter Protocol boundary for the `goheap` debug type, beyond the
 * standard protocol: the launch configuration and the ids of the exception-breakpoint filters
 * (span transitions and runtime faults). Plain data: the adapter validates it, the extension's
 * configuration provider fills it, package.json documents it.
 */

/** The debug type registered in package.json (`contributes.debuggers`). */
export const DEBUG_TYPE = 'goheap';

/** The `launch` request's arguments, as written in launch.json. */
export interface GoHeapLaunchArguments {
  /** Path of the .goheap script. */
  readonly program: string;
  /** Overrides the script's `model` setting. */
  readonly model?: 'go1.5' | 'go1.10' | 'go1.14';
  /** Overrides `procs` (GOMAXPROCS). */
  readonly procs?: number;
  /** Overrides `gogc`: a percentage or "off". */
  readonly gogc?: number | 'off';
  /** Overrides `memprofilerate`. */
  readonly memProfileRate?: number;
  /** Overrides `physpagesize`. */
  readonly physPageSize?: number;
  /** Overrides `seed`. */
  readonly seed?: number;
  /** Stop before the first statement. Default true. */
  readonly stopOnEntry?: boolean;
  /** Run the heap invariant checker at every stop; a violation stops with an exception. */
  readonly checkInvariants?: boolean;
  /** Ignored by the adapter; VS Code sets it. */
  readonly noDebug?: boolean;
}

/** Exception-breakpoint filters: span transitions (each takes a condition) and faults. */
export const TRANSITION_FILTERS = [
  { id: 'spanAlloc', label: 'Span allocated', description: 'mheap hands out a span (mcentral.grow, a large object, a stack)' },
  { id: 'spanFree', label: 'Span freed to the heap', description: 'a span goes back to the page heap (sweep, stackfree)' },
  { id: 'spanCoalesce', label: 'Spans coalesced', description: 'a freed span merges with a free neighbour (go1.5/go1.10)' },
  { id: 'spanCache', label: 'Span taken into an mcache', description: 'mcentral.cacheSpan gives a span to a P' },
  { id: 'spanUncache', label: 'Span returned to mcentral', description: 'mcentral.uncacheSpan takes a span back from a P' },
  { id: 'spanSwept', label: 'Span swept', description: 'mspan.sweep ran on a span' },
  { id: 'spanRelease', label: 'Span released to the OS', description: 'the scavenger returned pages to the OS' },
  { id: 'spanReuse', label: 'Released span reused', description: 'pages released to the OS are in use again' },
  { id: 'heapGrow', label: 'Heap grown', description: 'mheap.grow mapped more of the arena' },
  { id: 'finalizerQueued', label: 'Finalizer queued', description: 'the GC queued a finalizer for an unreachable object' },
] as const;

export type TransitionFilterId = (typeof TRANSITION_FILTERS)[number]['id'];

/** The filter for runtime faults and failed asserts (on by default). */
export const FAULT_FILTER = 'fault';

export type ExceptionFilterId = TransitionFilterId | typeof FAULT_FILTER;
