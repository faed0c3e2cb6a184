/**
 * Runs one exported function of a bench file in a fresh node process (`--expose-gc`, tsx) and
 * returns its JSON result. The child writes its result on one stdout line starting with RESULT;
 * anything else it prints is passed through to stderr as progress.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { ChildOutcome } from './types';

export const RESULT = '@@bench-result ';
const childMain = resolve(__dirname, 'childMain.ts');

export function runInChild<T>(file: string, fn: string, args: unknown, timeoutMs = 600_000): Promise<ChildOutcome<T>> {
  return collect(['--expose-gc', '--import', 'tsx', childMain, file, fn, JSON.stringify(args)], fn, timeoutMs);
}

/**
 * Runs a bundled script (`node --expose-gc FILE JSON-ARGS`, no tsx loader: code as it ships; the
 * loader costs a measurable share of a CPU-bound child here) that prints its RESULT line itself.
 */
export function runBundleInChild<T>(jsFile: string, args: unknown, timeoutMs = 600_000): Promise<ChildOutcome<T>> {
  return collect(['--expose-gc', jsFile, JSON.stringify(args)], jsFile, timeoutMs);
}

function collect<T>(argv: string[], fn: string, timeoutMs: number): Promise<ChildOutcome<T>> {
  return new Promise((done) => {
    const cp = spawn(process.execPath, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: resolve(__dirname, '..', '..'),
    });
    let out = '';
    let err = '';
    cp.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    cp.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => cp.kill('SIGKILL'), timeoutMs);
    cp.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      const other = out.split('\n').filter((l) => l !== '' && !l.startsWith(RESULT));
      if (other.length > 0) process.stderr.write(other.map((l) => `    | ${l}\n`).join(''));
      if (line !== undefined) {
        done(JSON.parse(line.slice(RESULT.length)) as ChildOutcome<T>);
        return;
      }
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${signal ?? code}`;
      done({ ok: false, error: `child ${fn}: ${why}\n${tail(err)}` });
    });
  });
}

function tail(s: string, lines = 12): string {
  return s.trimEnd().split('\n').slice(-lines).join('\n');
}
