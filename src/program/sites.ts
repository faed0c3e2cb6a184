/**
 * Allocation sites as call stacks: for the memory profile, each statement that allocates is a
 * "function" of its own (its source text), called from the loops and blocks that enclose it,
 * called from `main`. Lines are 1-based here (pprof's convention).
 */
import type { Program, Stmt } from './ast';
import type { StackFrame } from './pprof/index';

export function siteStacks(program: Program, text: string, fileName: string): Map<number, StackFrame[]> {
  const parent = new Map<number, Stmt>();
  const walk = (stmts: Stmt[], p: Stmt | null): void => {
    for (const s of stmts) {
      if (p !== null) parent.set(s.id, p);
      if (s.kind === 'repeat' || s.kind === 'on') walk(s.body, s);
      else if (s.kind === 'if') {
        walk(s.then, s);
        if (s.else !== null) walk(s.else, s);
      }
    }
  };
  walk(program.body, null);
  const label = (s: Stmt): string => {
    const end = 'headEnd' in s ? s.headEnd : s.end;
    return text.slice(s.start, end).replace(/\s+/g, ' ').replace(/</g, '«').replace(/>/g, '»').trim().slice(0, 80);
  };
  const out = new Map<number, StackFrame[]>();
  for (const s of program.statements) {
    const frames: StackFrame[] = [{ func: label(s), file: fileName, line: s.line + 1 }];
    for (let p = parent.get(s.id); p !== undefined; p = parent.get(p.id)) frames.push({ func: `${p.kind}@${p.line + 1}`, file: fileName, line: p.line + 1 });
    frames.push({ func: 'main', file: fileName, line: 1 });
    out.set(s.id, frames);
  }
  return out;
}
