/**
 * What one allocation size costs under a model: the arithmetic behind the editor's hover on
 * `new 33`, `make 10 of 100`, `stackalloc 8KB` and `class(n)`.
 *
 * Rules (malloc.go / msize.go / stack.go of the era, as the engine implements them):
 *  - size 0 returns `zerobase` and takes no heap memory;
 *  - noscan and under 16 bytes (`maxTinySize`): the tiny allocator packs it into a 16-byte block
 *    of size class 2 (noscan), aligned to 8, 4 or 2 bytes by the size's low bits;
 *  - up to 32768 bytes (`_MaxSmallSize`): rounded up to its size class; the class's span has
 *    `npages` pages and `nelems = npages*8192 / elemsize` slots; the tail `npages*8192 -
 *    nelems*elemsize` holds no object; `elemsize - size` is the rounding waste of each object;
 *  - larger: a span of its own of ceil(size/8192) pages (`largeAlloc`), one object, the rest of
 *    the last page is waste;
 *  - stacks: 2, 4, 8 and 16 KB stacks are carved from 32 KB pool spans (`_StackCacheSize`), larger
 *    stacks get a manual span of size/8192 pages.
 *
 * Pure arithmetic over `sizeClassTable(model)`; no engine state.
 */

import { _MaxSmallSize, _PageSize, _TinySize, tinySizeClass } from '../../engine/constants';
import { sizeClassTable, sizeToClass } from '../../engine/sizeclasses';
import type { ModelName } from '../settings';

export type AllocationKind = 'zero' | 'tiny' | 'small' | 'large';

export interface AllocationInfo {
  readonly kind: AllocationKind;
  readonly model: ModelName;
  /** Bytes requested. */
  readonly size: number;
  readonly noscan: boolean;
  /** Size class (0 for large objects and zero-size allocations). */
  readonly sizeclass: number;
  /** sizeclass << 1 | noscan (go1.10+); sizeclass << 1 in go1.5 (no noscan span classes). */
  readonly spanclass: number;
  /** Bytes the object occupies: the class size, 16 for a tiny block, whole pages for a large one. */
  readonly elemsize: number;
  /** Pages of the span that serves it. */
  readonly npages: number;
  /** Object slots per span. */
  readonly nelems: number;
  /** Bytes at the end of each span that fit no object. */
  readonly tailWaste: number;
  /** elemsize - size for one object (for tiny objects: 0, they share a block). */
  readonly roundingWaste: number;
  /** Tiny objects: the offset alignment inside the 16-byte block. */
  readonly tinyAlign: number;
}

/** The cost of an allocation of `size` bytes (an integer >= 0) under `model`. */
export function allocationInfo(model: ModelName, size: number, noscan: boolean): AllocationInfo {
  const base = { model, size, noscan, tinyAlign: 0 };
  if (size === 0) {
    return { ...base, kind: 'zero', sizeclass: 0, spanclass: 0, elemsize: 0, npages: 0, nelems: 0, tailWaste: 0, roundingWaste: 0 };
  }
  const t = sizeClassTable(model);
  const spanclassOf = (c: number): number => (model === 'go1.5' ? c << 1 : (c << 1) | (noscan ? 1 : 0));
  if (noscan && size < _TinySize) {
    const c = tinySizeClass;
    const npages = t.class_to_allocnpages[c];
    const nelems = t.class_to_nelems[c];
    const tinyAlign = (size & 7) === 0 ? 8 : (size & 3) === 0 ? 4 : (size & 1) === 0 ? 2 : 1;
    return {
      ...base, kind: 'tiny', sizeclass: c, spanclass: spanclassOf(c), elemsize: _TinySize, npages, nelems,
      tailWaste: npages * _PageSize - nelems * _TinySize, roundingWaste: 0, tinyAlign,
    };
  }
  if (size <= _MaxSmallSize) {
    const c = sizeToClass(t, size);
    const elemsize = t.class_to_size[c];
    const npages = t.class_to_allocnpages[c];
    const nelems = t.class_to_nelems[c];
    return {
      ...base, kind: 'small', sizeclass: c, spanclass: spanclassOf(c), elemsize, npages, nelems,
      tailWaste: npages * _PageSize - nelems * elemsize, roundingWaste: elemsize - size,
    };
  }
  const npages = Math.ceil(size / _PageSize);
  return {
    ...base, kind: 'large', sizeclass: 0, spanclass: model === 'go1.5' ? 0 : noscan ? 1 : 0, elemsize: npages * _PageSize,
    npages, nelems: 1, tailWaste: 0, roundingWaste: npages * _PageSize - size,
  };
}

export interface StackInfo {
  readonly size: number;
  /** Carved from a 32 KB pool span (2..16 KB), or a manual span of its own. */
  readonly pooled: boolean;
  /** Pages of the span: 4 for a pool span, size/8192 otherwise. */
  readonly npages: number;
  /** Stacks per span. */
  readonly perSpan: number;
}

/** `stackalloc size` (a power of two from 2 KB; checked by the checker). */
export function stackInfo(size: number): StackInfo {
  const poolSpan = 32 * 1024;
  if (size < poolSpan) return { size, pooled: true, npages: poolSpan / _PageSize, perSpan: Math.floor(poolSpan / size) };
  return { size, pooled: false, npages: Math.ceil(size / _PageSize), perSpan: 1 };
}

/** 1234567 → "1,234,567". */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Bytes in the largest unit that divides them evenly (48 B, 8 KB, 1.5 MB shown as 1536 KB). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let u = 0;
  let v = n;
  while (u < units.length - 1 && v >= 1024 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  return `${groupDigits(v)} ${units[u]}`;
}

function pages(n: number): string {
  return n === 1 ? '1 page' : `${groupDigits(n)} pages`;
}

function pct(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const p = (100 * part) / whole;
  return `${p < 10 && p !== Math.floor(p) ? p.toFixed(1) : Math.round(p)}%`;
}

/** The hover text (Markdown) for an allocation. `what` is the expression as written. */
export function allocationMarkdown(info: AllocationInfo, what: string): string {
  const head = `**\`${what}\`** — ${groupDigits(info.size)} bytes on ${info.model}${info.noscan ? ', noscan' : ''}`;
  const lines: string[] = [head, ''];
  switch (info.kind) {
    case 'zero':
      lines.push('A zero-size allocation returns `runtime.zerobase`: no heap memory.');
      break;
    case 'tiny':
      lines.push(
        `Tiny allocator: packed into a 16-byte block (size class ${info.sizeclass}, spanclass ${info.spanclass}) at a ${info.tinyAlign}-byte aligned offset, shared with other tiny noscan objects.`,
        '',
        `| | |`,
        `| --- | --- |`,
        `| block | 16 B |`,
        `| span | ${pages(info.npages)}, ${groupDigits(info.nelems)} blocks |`,
        `| tail waste | ${groupDigits(info.tailWaste)} B per span |`,
      );
      break;
    case 'small': {
      const span = info.npages * _PageSize;
      lines.push(
        `| | |`,
        `| --- | --- |`,
        `| size class | ${info.sizeclass} (spanclass ${info.spanclass}) |`,
        `| elemsize | ${groupDigits(info.elemsize)} B |`,
        `| span | ${pages(info.npages)} (${formatBytes(span)}) |`,
        `| objects per span | ${groupDigits(info.nelems)} |`,
        `| tail waste | ${groupDigits(info.tailWaste)} B per span (${pct(info.tailWaste, span)}) |`,
        `| rounding waste | ${groupDigits(info.roundingWaste)} B per object (${pct(info.roundingWaste, info.elemsize)}) |`,
      );
      break;
    }
    case 'large':
      lines.push(
        `Large object (over 32 KB): a span of its own, size class 0.`,
        '',
        `| | |`,
        `| --- | --- |`,
        `| span | ${pages(info.npages)} (${formatBytes(info.elemsize)}) |`,
        `| rounding waste | ${groupDigits(info.roundingWaste)} B (${pct(info.roundingWaste, info.elemsize)}) |`,
      );
      break;
  }
  return lines.join('\n');
}

export function stackMarkdown(s: StackInfo, what: string): string {
  const lines = [`**\`${what}\`** — a ${formatBytes(s.size)} goroutine stack`, ''];
  if (s.pooled) {
    lines.push(`From the stack pool: carved from a 32 KB manual span (mSpanManual, ${pages(s.npages)}) holding ${s.perSpan} stacks of this size.`);
  } else {
    lines.push(`A manual span of its own (mSpanManual): ${pages(s.npages)}.`);
  }
  return lines.join('\n');
}
