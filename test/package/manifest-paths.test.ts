/**
 * manifestPaths finds every file a manifest names (the list the vsix test checks), and the ZIP
 * reader agrees with Info-ZIP's `unzip -l` where that is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { manifestPaths } from './manifest-paths';
import { listZip, readZipEntry } from './zip';

test('manifestPaths: every kind of path, codicons and URLs skipped', () => {
  const m = {
    main: './dist/extension.js',
    icon: 'media/icon.png',
    contributes: {
      languages: [{ id: 'x', configuration: './lang.json', icon: { light: './l.svg', dark: './d.svg' } }],
      grammars: [{ path: './syntaxes/x.json' }],
      snippets: [{ path: 'snippets/x.code-snippets' }],
      debuggers: [{ program: './dist/adapter.js', windows: { program: './dist/adapter.exe' } }],
      walkthroughs: [{ steps: [{ media: { image: { light: 'w/l.png', dark: 'w/d.png' } } }, { media: { markdown: 'w/s.md' } }] }],
      viewsContainers: { activitybar: [{ icon: 'media/c.svg' }] },
      views: { debug: [{ id: 'v', icon: '$(database)' }] },
      commands: [{ command: 'c', icon: '$(play)' }, { command: 'd', icon: { light: 'i/l.svg', dark: 'i/d.svg' } }],
      jsonValidation: [{ url: 'https://example.invalid/s.json' }, { url: './schema.json' }],
    },
  };
  assert.deepEqual(
    manifestPaths(m).map((p) => p.path),
    [
      'extension/dist/extension.js',
      'extension/media/icon.png',
      'extension/lang.json',
      'extension/l.svg',
      'extension/d.svg',
      'extension/syntaxes/x.json',
      'extension/snippets/x.code-snippets',
      'extension/dist/adapter.js',
      'extension/dist/adapter.exe',
      'extension/w/l.png',
      'extension/w/d.png',
      'extension/w/s.md',
      'extension/media/c.svg',
      'extension/i/l.svg',
      'extension/i/d.svg',
      'extension/schema.json',
    ],
  );
});

/** A two-entry archive written by hand from the APPNOTE layout: one stored, one deflated. */
function handMadeZip(files: [string, Buffer, boolean][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data, deflate] of files) {
    const body = deflate ? deflateRawSync(data) : data;
    const n = Buffer.from(name);
    const loc = Buffer.alloc(30);
    loc.writeUInt32LE(0x04034b50, 0);
    loc.writeUInt16LE(deflate ? 8 : 0, 8);
    loc.writeUInt32LE(body.length, 18);
    loc.writeUInt32LE(data.length, 22);
    loc.writeUInt16LE(n.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(deflate ? 8 : 0, 10);
    cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(data.length, 24);
    cen.writeUInt16LE(n.length, 28);
    cen.writeUInt32LE(offset, 42);
    locals.push(loc, n, body);
    centrals.push(cen, n);
    offset += 30 + n.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(files.length, 8);
  eocd.writeUInt16LE(files.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

test('zip reader: lists and reads stored and deflated entries', () => {
  const text = Buffer.from('mheap mspan mcentral mcache '.repeat(50));
  const zip = handMadeZip([
    ['a/stored.txt', Buffer.from('sweepgen'), false],
    ['b/deflated.txt', text, true],
  ]);
  const es = listZip(zip);
  assert.deepEqual(es.map((e) => [e.name, e.method, e.size]), [
    ['a/stored.txt', 0, 8],
    ['b/deflated.txt', 8, text.length],
  ]);
  assert.equal(readZipEntry(zip, es[0]).toString(), 'sweepgen');
  assert.deepEqual(readZipEntry(zip, es[1]), text);
  assert.throws(() => listZip(zip.subarray(0, zip.length - 30)), /zip:/);
});

test('zip reader agrees with unzip -l on the hand-made archive', (t) => {
  if (spawnSync('unzip', ['-v'], { encoding: 'utf8' }).status !== 0) {
    t.skip('unzip not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'goheap-zip-'));
  try {
    const f = join(dir, 'x.zip');
    writeFileSync(f, handMadeZip([['one', Buffer.from('1'), false], ['dir/two', Buffer.from('22'.repeat(100)), true]]));
    const out = spawnSync('unzip', ['-Z1', f], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(out.stdout.trim().split('\n'), listZip(readFileSync(f)).map((e) => e.name));
    const test = spawnSync('unzip', ['-t', f], { encoding: 'utf8' });
    // unzip -t checks CRCs, which the hand-made archive leaves zero: it must at least find both.
    assert.match(test.stdout, /one/);
    assert.match(test.stdout, /dir\/two/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
