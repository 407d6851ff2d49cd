// Lists the entries of a zip file (a .vsix is one) from its central directory. Enough for tests;
// no compression support needed, since only names and sizes are read.
import { readFileSync } from 'node:fs';

export interface ZipEntry { name: string; compressedSize: number; size: number }

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
    entries.push({ name: zip.toString('utf8', offset + 46, offset + 46 + nameLength), compressedSize, size });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
