/**
 * The custom requests of the Heap View (src/protocol/heapview.ts), checked: the command name and
 * the arguments a client sent become one typed request, or one sentence saying what is wrong
 * (the session answers it as an error response, never shown as a popup). Nothing here touches
 * the heap; the session dispatches (session.ts) and the tracker answers (heapdelta.ts).
 */
import type { SpanStateName } from '../protocol/events';
import { REQ_DELTA, REQ_SNAPSHOT, REQ_SPAN, REQ_SPANS, REQ_TRAVEL, SPANS_PAGE_MAX } from '../protocol/heapview';

export type HeapRequest =
  | { readonly type: 'snapshot' }
  | { readonly type: 'delta'; readonly since: number }
  | { readonly type: 'spans'; readonly start: number; readonly count: number; readonly state?: SpanStateName; readonly sizeclass?: number }
  | { readonly type: 'span'; readonly id: number }
  | { readonly type: 'travel'; readonly executed: number };

const STATES: readonly SpanStateName[] = ['mSpanInUse', 'mSpanManual', 'mSpanFree', 'mSpanDead'];

export function isHeapRequest(command: string): boolean {
  return [REQ_SNAPSHOT, REQ_DELTA, REQ_SPANS, REQ_SPAN, REQ_TRAVEL].includes(command);
}

export function parseHeapRequest(command: string, args: unknown): HeapRequest | { readonly error: string } {
  const a = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
  const num = (k: string): number | null => (typeof a[k] === 'number' && Number.isFinite(a[k]) ? (a[k] as number) : null);
  switch (command) {
    case REQ_SNAPSHOT:
      return { type: 'snapshot' };
    case REQ_DELTA: {
      const since = num('since');
      return since === null ? { error: '`since` must be a number (the generation the view has)' } : { type: 'delta', since };
    }
    case REQ_SPANS: {
      const start = a.start === undefined ? 0 : num('start');
      if (start === null || start < 0) return { error: '`start` must be a span index (0 or more)' };
      const count = num('count');
      if (count === null || count < 0) return { error: `\`count\` must be a number (at most ${SPANS_PAGE_MAX})` };
      const sizeclass = a.sizeclass === undefined ? undefined : num('sizeclass');
      if (sizeclass === null) return { error: '`sizeclass` must be a number' };
      const state = a.state;
      if (state !== undefined && !STATES.includes(state as SpanStateName)) return { error: `\`state\` must be ${STATES.join(', ')} (got ${JSON.stringify(state)})` };
      return { type: 'spans', start, count, state: state as SpanStateName | undefined, sizeclass };
    }
    case REQ_SPAN: {
      const id = num('id');
      return id === null ? { error: '`id` must be a span id (a number)' } : { type: 'span', id };
    }
    case REQ_TRAVEL: {
      const executed = num('executed');
      return executed === null || executed < 0 ? { error: '`executed` must be a statement count (0 or more)' } : { type: 'travel', executed };
    }
    default:
      return { error: `unknown request \`${command}\`` };
  }
}
