/**
 * The Heap View controller: owns the HeapModel and the ViewState, routes validated host messages
 * to the model, renders every part, and keeps one selection across them (page map, inspector,
 * mcentral chips, page-heap structure, specials, transitions). Talks to the host only with
 * WebviewToHost messages.
 *
 * Invariants:
 *  - a selection made here is posted to the host once; a selection that came from the host is
 *    not echoed back;
 *  - the view state is saved (setState) after every change a user could expect to survive;
 *  - the span table is fetched in pages of at most SPANS_PAGE_MAX after a snapshot, one request
 *    in flight at a time; a delta whose `since` is not our generation triggers `ready` (resync).
 */
import type { HostToWebview } from '../src/protocol/heapview';
import { BreakdownView } from './breakdown';
import { bytes, h, hex } from './dom';
import { Inspector } from './inspector';
import { Legend } from './legend';
import { McentralPart } from './mcentral';
import { validateHostMessage, type VsCodeApi } from './messages';
import { PageHeapPart } from './pageheap';
import { PageMap } from './pagemap';
import { readPalette, type Palette } from './palette';
import { SpecialsPart } from './specials';
import { HeapModel, restoreViewState, type Highlight, type ViewState } from './state';
import { Timeline } from './timeline';
import { Transitions } from './transitions';

const SPANS_PAGE = 2000; // SPANS_PAGE_MAX of the protocol (a value import is not allowed here)

export class App {
  readonly model = new HeapModel();
  readonly view: ViewState;
  readonly pagemap: PageMap;
  private pal: Palette | null = null;
  private readonly header: HTMLElement;
  private readonly inspector: Inspector;
  private readonly legend: Legend;
  private readonly mcentral: McentralPart;
  private readonly pageheap: PageHeapPart;
  private readonly breakdown: BreakdownView;
  private readonly specials: SpecialsPart;
  private readonly timeline: Timeline;
  private readonly transitions: Transitions;
  private spansPending = false;
  /** Messages dropped by validation (for tests and the status line). */
  errors = 0;

  constructor(
    private readonly api: VsCodeApi,
    root: HTMLElement,
  ) {
    this.view = restoreViewState(api.getState());
    this.header = h('header', { class: 'stopline', 'aria-live': 'polite' }, 'Waiting for a goheap debug session…');
    this.pagemap = new PageMap({
      model: this.model,
      view: this.view,
      palette: () => this.palette(),
      select: (id) => this.select(id, false),
      breakOn: (id) => this.breakOn(id),
      saveState: () => this.save(),
    });
    this.inspector = new Inspector({ breakOn: (id) => this.breakOn(id) });
    this.legend = new Legend({ highlight: (x) => this.setHighlight(x) });
    const chips = { select: (id: number) => this.select(id, false) };
    this.mcentral = new McentralPart(chips);
    this.pageheap = new PageHeapPart(chips);
    this.specials = new SpecialsPart(chips);
    this.breakdown = new BreakdownView({ highlight: (x) => this.setHighlight(x) });
    this.timeline = new Timeline({ travel: (e) => this.api.postMessage({ type: 'travel', executed: e }) });
    this.transitions = new Transitions({
      select: (id) => this.select(id, false),
      travel: (e) => this.api.postMessage({ type: 'travel', executed: e }),
      filterChanged: (text, type) => {
        this.view.transitionFilter = text;
        this.view.transitionType = type;
        this.save();
      },
    });
    this.transitions.setFilter(this.view.transitionFilter, this.view.transitionType);
    const part = (id: string, title: string, body: HTMLElement): HTMLElement => {
      const d = h('details', { id, class: 'part', open: !this.view.collapsed.includes(id) }, h('summary', {}, h('h2', {}, title)), body);
      d.addEventListener('toggle', () => {
        const set = new Set(this.view.collapsed);
        if (d.open) set.delete(id);
        else set.add(id);
        this.view.collapsed = [...set];
        this.save();
        if (d.open && id === 'timeline') this.timeline.paint();
      });
      return d;
    };
    root.append(
      this.header,
      h(
        'main',
        { class: 'layout' },
        h('div', { class: 'col-map' }, part('pagemap', 'Page map', h('div', {}, this.pagemap.root, this.legend.root))),
        h('div', { class: 'col-side' }, part('inspector', 'Span inspector', this.inspector.root), part('breakdown', 'Where the memory goes', this.breakdown.root)),
      ),
      h(
        'div',
        { class: 'parts' },
        part('timeline', 'Timeline', this.timeline.root),
        part('transitions', 'Transitions', this.transitions.root),
        part('mcentral', 'mcentral lists and mcaches', this.mcentral.root),
        part('pageheap', 'Page heap', this.pageheap.root),
        part('specials', 'Specials and finalizer queue', this.specials.root),
      ),
    );
    new MutationObserver(() => {
      this.pal = null;
      this.renderAll();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.renderAll();
    this.api.postMessage({ type: 'ready', generation: this.view.generation });
  }

  palette(): Palette {
    if (this.pal === null) this.pal = readPalette(document);
    return this.pal;
  }

  private save(): void {
    this.api.setState({ ...this.view });
  }

  /** Entry for every message event; never throws. */
  receive(data: unknown): void {
    const c = validateHostMessage(data);
    if (!c.ok) {
      this.errors++;
      this.api.postMessage({ type: 'error', message: `Heap View ignored a message: ${c.error}` });
      return;
    }
    try {
      this.handle(c.msg);
    } catch (e) {
      this.errors++;
      this.api.postMessage({ type: 'error', message: `Heap View failed on a ${c.msg.type} message: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  private handle(m: HostToWebview): void {
    switch (m.type) {
      case 'snapshot': {
        const sameSession = m.snapshot.sessionId === this.view.sessionId;
        this.model.applySnapshot(m.snapshot, m.spans);
        this.view.sessionId = m.snapshot.sessionId;
        this.view.generation = m.snapshot.generation;
        this.save();
        if (!sameSession) {
          this.view.selected = -1;
          this.pagemap.fit();
        }
        this.spansPending = false;
        this.fetchSpans();
        this.renderAll();
        if (this.view.selected >= 0) this.api.postMessage({ type: 'requestSpan', id: this.view.selected });
        return;
      }
      case 'delta': {
        const out = this.model.applyDelta(m.delta);
        if (out === 'resync') {
          this.api.postMessage({ type: 'ready', generation: 0 });
          return;
        }
        if (out === 'stale') return;
        this.view.generation = m.delta.generation;
        if (this.view.selected >= 0 && m.delta.removed.includes(this.view.selected)) this.view.selected = -1;
        this.save();
        this.fetchSpans();
        this.renderAll();
        if (this.view.selected >= 0 && this.model.detail === null) this.api.postMessage({ type: 'requestSpan', id: this.view.selected });
        return;
      }
      case 'spans':
        this.spansPending = false;
        if (this.model.applySpans(m.result)) {
          this.fetchSpans();
          this.renderSelection();
        }
        return;
      case 'spanDetail':
        if (m.detail.row.id === this.view.selected) {
          this.model.detail = m.detail;
          this.model.spans.set(m.detail.row.id, m.detail.row);
          this.renderInspector();
        }
        return;
      case 'select':
        this.select(m.span, true);
        return;
      case 'ended':
        this.model.ended = true;
        this.renderHeader();
        return;
      default: {
        const never: never = m;
        throw new Error(`unhandled ${(never as { type: string }).type}`);
      }
    }
  }

  /** Ask for the next page of span rows when the table is incomplete. */
  private fetchSpans(): void {
    const s = this.model.snapshot;
    if (s === null || this.spansPending || this.model.spans.size >= s.nspans) return;
    this.spansPending = true;
    this.api.postMessage({ type: 'requestSpans', args: { start: this.model.spans.size, count: SPANS_PAGE } });
  }

  select(span: number, fromHost: boolean): void {
    if (!Number.isInteger(span)) return;
    const changed = span !== this.view.selected;
    this.view.selected = span;
    if (changed) {
      this.model.detail = null;
      this.save();
    }
    if (!fromHost && changed) this.api.postMessage({ type: 'select', span });
    if (span >= 0 && (changed || this.model.detail === null)) this.api.postMessage({ type: 'requestSpan', id: span });
    if (span >= 0) this.pagemap.reveal(span);
    this.renderSelection();
  }

  private breakOn(span: number): void {
    if (span >= 0) this.api.postMessage({ type: 'dataBreakpoint', span });
  }

  private setHighlight(x: Highlight): void {
    this.view.highlight = x;
    this.save();
    this.renderAll();
  }

  private renderHeader(): void {
    const s = this.model.snapshot;
    if (s === null) {
      this.header.textContent = 'Waiting for a goheap debug session…';
      return;
    }
    const m = s.memstats;
    this.header.replaceChildren(
      h('span', { class: 'model' }, s.model),
      h('span', {}, `${this.model.ended ? 'session ended · ' : ''}stopped at line ${s.stop.line + 1} (${s.stop.reason}) after ${s.stop.executed} statements`),
      h('span', { class: 'frames' }, s.stop.runtimeFrames.length > 0 ? `in ${s.stop.runtimeFrames[0]}` : ''),
      h('span', {}, `heap_sys ${bytes(m.heap_sys)} · heap_inuse ${bytes(m.heap_inuse)} · heap_live ${bytes(m.heap_live)} · next_gc ${bytes(m.next_gc)} · ${m.numgc} GCs · ${s.nspans} spans · arena ${hex(s.arenaStart)}–${hex(s.arenaEnd)}`),
    );
  }

  private renderInspector(): void {
    const s = this.model.snapshot;
    const sel = this.view.selected;
    this.inspector.render(sel, this.model.spans.get(sel) ?? this.model.detail?.row, this.model.detail, s?.memstats.sweepgen ?? 0);
  }

  private renderSelection(): void {
    const s = this.model.snapshot;
    this.renderInspector();
    this.pagemap.invalidate();
    if (s === null) return;
    const sel = this.view.selected;
    this.mcentral.render(s.mcentral, s.mcache, sel);
    this.pageheap.render(s.pageHeap, sel);
    this.specials.render(s.specials, s.finalizerQueue, sel);
    this.transitions.render(s.transitions, sel);
  }

  renderAll(): void {
    const s = this.model.snapshot;
    this.renderHeader();
    this.pagemap.invalidate();
    this.renderSelection();
    if (s === null) return;
    this.legend.render(this.palette(), this.model.runs, this.view.highlight);
    this.breakdown.render(s.breakdown, this.view.highlight);
    this.timeline.render(s.timeline, s.stop.executed);
  }

  /** Paint the page map synchronously; returns the paint's milliseconds (tests, bench). */
  paintNow(): number {
    this.pagemap.paint();
    return this.pagemap.lastPaintMs;
  }
}
