/**
 * The extension host's side of the Heap View channel: every WebviewToHost message is checked
 * before it is acted on (a webview is a web page; whatever it posts is input). No vscode import,
 * so the checks are tested in plain node.
 *
 * Invariant: `validateWebviewMessage` returns a message whose every field has its declared type
 * and range (span ids and statement counts are non-negative integers, span page requests ask for
 * at most SPANS_PAGE_MAX rows), or an error naming the field.
 */
import { SPANS_PAGE_MAX, type SpansArgs, type WebviewToHost } from '../protocol/heapview';
import type { SpanStateName } from '../protocol/events';

export type CheckedWebviewMessage = { ok: true; msg: WebviewToHost } | { ok: false; error: string };

const STATES: readonly SpanStateName[] = ['mSpanDead', 'mSpanInUse', 'mSpanManual', 'mSpanFree'];

function isInt(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= Number.MAX_SAFE_INTEGER;
}

export function validateWebviewMessage(v: unknown): CheckedWebviewMessage {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, error: 'message: expected an object' };
  const o = v as Record<string, unknown>;
  const bad = (field: string, want: string): CheckedWebviewMessage => ({ ok: false, error: `${String(o.type)}.${field}: expected ${want}` });
  switch (o.type) {
    case 'ready':
      return isInt(o.generation, 0) ? { ok: true, msg: { type: 'ready', generation: o.generation } } : bad('generation', 'an integer >= 0');
    case 'select':
      return isInt(o.span, -1) ? { ok: true, msg: { type: 'select', span: o.span } } : bad('span', 'a span id or -1');
    case 'requestSpan':
      return isInt(o.id, 0) ? { ok: true, msg: { type: 'requestSpan', id: o.id } } : bad('id', 'a span id');
    case 'travel':
      return isInt(o.executed, 0) ? { ok: true, msg: { type: 'travel', executed: o.executed } } : bad('executed', 'a statement count >= 0');
    case 'dataBreakpoint':
      return isInt(o.span, 0) ? { ok: true, msg: { type: 'dataBreakpoint', span: o.span } } : bad('span', 'a span id');
    case 'error':
      return typeof o.message === 'string' ? { ok: true, msg: { type: 'error', message: o.message.slice(0, 2000) } } : bad('message', 'a string');
    case 'requestSpans': {
      const a = o.args;
      if (typeof a !== 'object' || a === null) return bad('args', 'an object');
      const r = a as Record<string, unknown>;
      if (!isInt(r.start, 0)) return bad('args.start', 'an integer >= 0');
      if (!isInt(r.count, 1) || r.count > SPANS_PAGE_MAX) return bad('args.count', `an integer from 1 to ${SPANS_PAGE_MAX}`);
      const args: { -readonly [K in keyof SpansArgs]: SpansArgs[K] } = { start: r.start, count: r.count };
      if (r.state !== undefined) {
        if (typeof r.state !== 'string' || !(STATES as readonly string[]).includes(r.state)) return bad('args.state', `one of ${STATES.join(', ')}`);
        args.state = r.state as SpanStateName;
      }
      if (r.sizeclass !== undefined) {
        if (!isInt(r.sizeclass, 0)) return bad('args.sizeclass', 'an integer >= 0');
        args.sizeclass = r.sizeclass;
      }
      return { ok: true, msg: { type: 'requestSpans', args } };
    }
    default:
      return { ok: false, error: `message.type: unknown message type ${JSON.stringify(o.type)}` };
  }
}
