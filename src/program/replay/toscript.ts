/**
 * A replay written as a script: the same operations the replay performs on the heap (ReplayOp,
 * in the replay's order), as `.goheap` statements, so a real program's run can be stepped,
 * broken into and watched in the Heap View like any script.
 *
 *   tracealloc            → `oN = new SIZE [noscan]`   (N = allocation number; SIZE as replayed)
 *   object found dead     → `drop oN`, placed before the collection that freed it
 *   tracegc()             → `gc`
 *   end of the trace      → `print` of the live objects and heap_inuse (a line to break on)
 *
 * Invariants (checked by test/replay/toscript.test.ts against the replay itself):
 * - settings pin what the replay pins: the model, one P, GOGC off (collections only where the
 *   trace has them);
 * - every object is allocated exactly once and dropped at most once, after its allocation;
 * - the script allocates the same sizes with the same noscan-ness in the same order as the
 *   replay, so on a given model it places every object where the replay does — except that `gc`
 *   is runtime.GC() and sweeps at once, where the replay sweeps a background cycle lazily.
 */
import type { ModelName } from '../../engine/modelconfig';
import type { ReplayOp } from './replay';

export interface ReplayScriptHeader {
  /** What was replayed (a file name), for the comment at the top. */
  readonly source: string;
  readonly model: ModelName;
}

export class ReplayScriptWriter {
  private readonly body: string[] = [];
  private readonly allocated = new Set<number>();
  private readonly dropped = new Set<number>();
  gcs = 0;

  get allocs(): number {
    return this.allocated.size;
  }
  get drops(): number {
    return this.dropped.size;
  }

  /** Pass as ReplayOptions.onOp. */
  readonly onOp = (op: ReplayOp): void => {
    switch (op.kind) {
      case 'alloc': {
        if (this.allocated.has(op.id)) throw new Error(`replay op: object ${op.id} allocated twice`);
        this.allocated.add(op.id);
        const why = op.preTrace ? 'allocated before tracing began (inferred)' : op.type !== '' ? op.type : 'untyped';
        this.body.push(`o${op.id} = new ${op.size}${op.noscan ? ' noscan' : ''}  # trace line ${op.line + 1}: ${oneLine(why)}`);
        break;
      }
      case 'drop':
        if (!this.allocated.has(op.id)) throw new Error(`replay op: object ${op.id} dropped before it was allocated`);
        if (this.dropped.has(op.id)) throw new Error(`replay op: object ${op.id} dropped twice`);
        this.dropped.add(op.id);
        this.body.push(`drop o${op.id}`);
        break;
      case 'gc':
        this.gcs++;
        this.body.push(`gc  # tracegc() at trace line ${op.line + 1}${op.forced ? ' (runtime.GC)' : ' (a background cycle in the real run)'}`);
        break;
    }
  };

  /** The script: a comment header, the settings, then the operations. */
  text(h: ReplayScriptHeader): string {
    const head = [
      `# Replay of ${oneLine(h.source)} (GODEBUG=allocfreetrace=1), written by goheap.`,
      `# ${this.allocs} allocations, ${this.drops} objects dropped where the real collector found them dead, ${this.gcs} collections.`,
      '# Each object is a variable oN (N: allocation number); `drop oN` comes just before the',
      '# collection that freed it. `gc` is runtime.GC(): it sweeps at once, where the real run',
      '# (and `goheap replay`) swept background cycles lazily.',
      `model ${h.model}`,
      'procs 1',
      'gogc off',
      '',
    ];
    const tail = ['', 'print "end of the trace:", heap.objects, "objects live, heap_inuse", heap.inuse'];
    return head.concat(this.body, tail).join('\n') + '\n';
  }
}

function oneLine(s: string): string {
  const t = s.replace(/[\r\n]+/g, ' ');
  return t.length > 120 ? t.slice(0, 120) + '…' : t;
}
