/**
 * A minimal reader of ZIP archives (a .vsix is one), enough to list entries and read stored or
 * deflated files: it walks the central directory found through the end-of-central-directory
 * record, and inflates with node:zlib. No ZIP64, no encryption, no multi-disk archives — vsce
 * writes none of those for a package of this size; meeting one is reported, not guessed.
 *
 * Invariant: every offset read is checked against the buffer's length; a malformed archive
 * throws an Error naming what was wrong.
 */
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly method: number; // 0 stored, 8 deflated
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

function need(buf: Buffer, off: number, len: number, what: string): void {
  if (off < 0 || off + len > buf.length) throw new Error(`zip: ${what} at ${off} runs past the end (${buf.length} bytes)`);
}

/** Every entry of the central directory, in archive order. */
export function listZip(buf: Buffer): ZipEntry[] {
  // The EOCD record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip: no end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new Error('zip: ZIP64 archives are not supported');
  need(buf, cdOffset, cdSize, 'central directory');

  const out: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    need(buf, p, 46, 'central directory entry');
    if (buf.readUInt32LE(p) !== CEN_SIG) throw new Error(`zip: bad central directory signature at ${p}`);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localHeaderOffset = buf.readUInt32LE(p + 42);
    need(buf, p + 46, nameLen, 'entry name');
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    out.push({ name, method, compressedSize, size, localHeaderOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The uncompressed bytes of one entry. */
export function readZipEntry(buf: Buffer, e: ZipEntry): Buffer {
  const p = e.localHeaderOffset;
  need(buf, p, 30, 'local header');
  if (buf.readUInt32LE(p) !== LOC_SIG) throw new Error(`zip: bad local header signature for ${e.name}`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  need(buf, start, e.compressedSize, `data of ${e.name}`);
  const raw = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return Buffer.from(raw);
  if (e.method === 8) return inflateRawSync(raw);
  throw new Error(`zip: ${e.name} uses compression method ${e.method}`);
}
