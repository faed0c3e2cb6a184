/**
 * The bench's plumbing types: a section is one file under bench/ exporting `section: BenchSection`
 * and named in sections.ts. run.ts gives each section a BenchContext; a section prints its own
 * tables, records bars (reported, never asserted) and returns a JSON-able result that lands in
 * bench/results/latest.json under its name.
 */
import type { ModelName } from '../../src/engine/modelconfig';

export type { ModelName };

export interface BenchSection {
  /** Short name, used by `--only` and as the key in latest.json. */
  readonly name: string;
  readonly title: string;
  /** Sections whose results this one reads (run first, even under `--only`). */
  readonly needs?: readonly string[];
  run(ctx: BenchContext): Promise<unknown>;
}

/** A performance bar from an issue: reported PASS/FAIL, never asserted. */
export interface Bar {
  readonly section: string;
  readonly name: string;
  readonly model?: ModelName;
  readonly value: number;
  readonly op: '<' | '<=';
  readonly limit: number;
  readonly unit: string;
  readonly pass: boolean;
}

export type ChildOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface BenchContext {
  /** `--quick`: fewer repetitions, shorter measurements, smaller sizes (a smoke run). */
  readonly quick: boolean;
  /** Models to measure (`--models`, default all three). */
  readonly models: readonly ModelName[];
  /** The result of a section that already ran (one named in `needs`). */
  result<T>(section: string): T | undefined;
  /** Tables and notes (stdout). */
  print(text: string): void;
  /** Progress (stderr; not part of the report). */
  progress(msg: string): void;
  /** Record a bar; returns whether it passes. */
  bar(b: Omit<Bar, 'pass' | 'section'>): boolean;
  /**
   * Call `fn(args)` exported by `file` (absolute path) in a fresh `node --expose-gc` process, so
   * that each measurement starts with a clean JS heap and JIT state. Never throws: a child that
   * fails to load or crashes comes back as `{ ok: false, error }`.
   */
  inChild<T>(file: string, fn: string, args: unknown, timeoutMs?: number): Promise<ChildOutcome<T>>;
}
