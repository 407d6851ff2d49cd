// Lists the entries of a zip file (a .vsix is one) from its central directory, and reads one entry
// (stored or deflated, the two methods vsce writes). Enough for tests.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry { name: string; compressedSize: number; size: number; method: number; localHeader: number }

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;

export function listZipEntries(file: string): ZipEntry[] {
  const zip = readFileSync(file);
  // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
  let end = -1;
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 0xffff); offset--) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) { end = offset; break; }
  }
  if (end < 0) throw new Error(`${file} is not a zip file (no end of central directory record).`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) throw new Error(`${file}: corrupt central directory entry ${i}.`);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const method = zip.readUInt16LE(offset + 10);
    const localHeader = zip.readUInt32LE(offset + 42);
    entries.push({ name: zip.toString('utf8', offset + 46, offset + 46 + nameLength), compressedSize, size, method, localHeader });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const LOCAL_FILE_HEADER = 0x04034b50;

/** The text of one entry. */
export function readZipText(file: string, name: string): string {
  const entry = listZipEntries(file).find((e) => e.name === name);
  if (!entry) throw new Error(`${file} has no ${name}.`);
  const zip = readFileSync(file);
  const at = entry.localHeader;
  if (zip.readUInt32LE(at) !== LOCAL_FILE_HEADER) throw new Error(`${file}: corrupt local header of ${name}.`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data.toString('utf8');
  if (entry.method === 8) return inflateRawSync(data).toString('utf8');
  throw new Error(`${name}: zip method ${entry.method} is not supported here.`);
}
