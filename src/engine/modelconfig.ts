/**
 * The three generations of the runtime the engine models, and what differs between them at the
 * level of names and numbers. Behavioural differences live in the files that implement them
 * (`pageheap_lists.ts` for go1.5/go1.10, `pageheap_radix.ts` for go1.14, `mgcsweep.ts`, ...).
 */

export type ModelName = 'go1.5' | 'go1.10' | 'go1.14';
export const modelNames: readonly ModelName[] = ['go1.5', 'go1.10', 'go1.14'];

export function isModelName(s: string): s is ModelName {
  return (modelNames as readonly string[]).includes(s);
}

export interface ModelConfig {
  readonly name: ModelName;
  /** First heap address the runtime hands out. */
  readonly arenaStart: number;
  /** Size of the reserved arena (go1.5/go1.10: 512 GB; go1.14: the address space of arena hints). */
  readonly arenaReserve: number;
  /** Page heap: free lists + freelarge list (go1.5), free lists + treap (go1.10), radix page allocator (go1.14). */
  readonly pageHeap: 'lists+bestfit' | 'lists+treap' | 'radix';
  /** Small-object spans track free objects with a free list (go1.5) or alloc bits (go1.10+). */
  readonly freeTracking: 'freelist' | 'allocBits';
  /** Whether size classes are split into scan and noscan span classes. */
  readonly noscanSpanClasses: boolean;
  /** Size of one mspan struct in bytes (for mspan_inuse / mspan_sys). */
  readonly sizeofMspan: number;
  /** Size of one mcache struct in bytes (for mcache_inuse / mcache_sys). */
  readonly sizeofMcache: number;
  /** Name of the manual (stack) span state in this era. */
  readonly manualStateName: string;
}

export const models: Readonly<Record<ModelName, ModelConfig>> = {
  'go1.5': {
    name: 'go1.5',
    arenaStart: 0xc820000000,
    arenaReserve: 512 * 2 ** 30,
    pageHeap: 'lists+bestfit',
    freeTracking: 'freelist',
    noscanSpanClasses: false,
    sizeofMspan: 128,
    sizeofMcache: 1096,
    manualStateName: '_MSpanStack',
  },
  'go1.10': {
    name: 'go1.10',
    arenaStart: 0xc420000000,
    arenaReserve: 512 * 2 ** 30,
    pageHeap: 'lists+treap',
    freeTracking: 'allocBits',
    noscanSpanClasses: true,
    sizeofMspan: 160,
    sizeofMcache: 1184,
    manualStateName: '_MSpanManual',
  },
  'go1.14': {
    name: 'go1.14',
    arenaStart: 0xc000000000,
    arenaReserve: 2 ** 40,
    pageHeap: 'radix',
    freeTracking: 'allocBits',
    noscanSpanClasses: true,
    sizeofMspan: 160,
    sizeofMcache: 1264,
    manualStateName: 'mSpanManual',
  },
};
