/**
 * Where the "Run" and "Debug" CodeLenses of a `.goheap` file go: on the first line that holds
 * code or a setting (a file's header comment stays above them), or on line 0 for a file with
 * none. One position per file; both lenses share it.
 */

import type { Program } from '../ast';
import type { Range } from '../positions';
import { rangeOf } from '../index';

export type LensCommand = 'run' | 'debug';

export interface LensPosition {
  readonly range: Range;
  readonly command: LensCommand;
  readonly title: string;
}

export function codeLensPositions(program: Program): LensPosition[] {
  const firsts = [...program.settings.map((d) => d.start), ...program.body.map((s) => s.start)];
  const start = firsts.length === 0 ? 0 : Math.min(...firsts);
  const line = rangeOf(program, { start, end: start }).start.line;
  const range: Range = { start: { line, column: 0 }, end: { line, column: 0 } };
  return [
    { range, command: 'run', title: '$(play) Run' },
    { range, command: 'debug', title: '$(debug-alt) Debug' },
  ];
}
