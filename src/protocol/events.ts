/**
 * Heap events: every state change of the simulated allocator, as plain data. The engine emits
 * them; the stepper, breakpoints, logs, the CLI's --trace and the Heap View consume them.
 * Discriminated by `type`; addresses are numbers (the CLI prints them as 0x… hex).
 */

export type SpanStateName = 'mSpanDead' | 'mSpanInUse' | 'mSpanManual' | 'mSpanFree';

/** What a span looked like when the event happened. */
export interface SpanInfo {
  readonly id: number;
  readonly base: number;
  readonly npages: number;
  readonly state: SpanStateName;
  readonly sizeclass: number;
  readonly noscan: boolean;
  readonly allocCount: number;
  readonly nelems: number;
  readonly sweepgen: number;
}

export type SweepCaller = 'cacheSpan' | 'reclaim' | 'sweepone' | 'bgsweep' | 'proportional' | 'finishsweep' | 'script';
export type GCPhaseName = '_GCoff' | '_GCmark' | '_GCmarktermination';

export type HeapEvent =
  | { readonly type: 'malloc'; readonly addr: number; readonly size: number; readonly sizeclass: number; readonly elemsize: number; readonly noscan: boolean; readonly tiny: boolean; readonly large: boolean; readonly span: number; readonly p: number }
  | { readonly type: 'spanAlloc'; readonly span: SpanInfo; readonly manual: boolean; readonly large: boolean; readonly scavenged: number }
  | { readonly type: 'spanTrim'; readonly span: SpanInfo; readonly rest: { readonly base: number; readonly npages: number } }
  | { readonly type: 'spanCoalesce'; readonly span: SpanInfo; readonly absorbed: { readonly base: number; readonly npages: number } }
  | { readonly type: 'spanFree'; readonly span: SpanInfo; readonly by: 'sweep' | 'stackfree' | 'grow' | 'trim' }
  | { readonly type: 'spanState'; readonly span: SpanInfo; readonly from: SpanStateName; readonly to: SpanStateName }
  | { readonly type: 'spanCache'; readonly span: SpanInfo; readonly p: number; readonly spanclass: number }
  | { readonly type: 'spanUncache'; readonly span: SpanInfo; readonly p: number; readonly spanclass: number }
  | { readonly type: 'spanSwept'; readonly span: SpanInfo; readonly freed: number; readonly by: SweepCaller; readonly freedToHeap: boolean }
  | { readonly type: 'spanRelease'; readonly base: number; readonly bytes: number; readonly by: 'scavenge' | 'freeOSMemory' | 'grow' | 'background' }
  | { readonly type: 'spanReuse'; readonly base: number; readonly bytes: number }
  | { readonly type: 'heapGrow'; readonly base: number; readonly bytes: number; readonly heap_sys: number }
  | { readonly type: 'specialAdd'; readonly addr: number; readonly kind: 'finalizer' | 'profile'; readonly span: number }
  | { readonly type: 'specialRemove'; readonly addr: number; readonly kind: 'finalizer' | 'profile'; readonly span: number }
  | { readonly type: 'finalizerQueued'; readonly addr: number; readonly span: number }
  | { readonly type: 'finalizerRun'; readonly addr: number }
  | { readonly type: 'gcPhase'; readonly phase: GCPhaseName; readonly cycle: number; readonly sweepgen: number }
  | { readonly type: 'gcCycle'; readonly cycle: number; readonly heapLiveBefore: number; readonly heapMarked: number; readonly nextGC: number; readonly forced: boolean; readonly markedObjects: number; readonly spans: number }
  | { readonly type: 'fault'; readonly message: string };

export type HeapEventType = HeapEvent['type'];
