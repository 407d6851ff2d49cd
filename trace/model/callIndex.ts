// What a long trace keeps of each event that left memory, on disk: fixed-size records in a private
// file that is removed as soon as it is open (the descriptor keeps it, so nothing is left behind),
// with a few pages in memory. Memory stays the same however many calls the trace makes.
import { closeSync, readSync } from 'node:fs';
import { openPrivateFile, writeAll } from './privateFile';

/** Records per page (a multiple of 8, so every field's array in a page stays aligned). */
const RECORDS = 8192;
/** Pages kept in memory: the tail being written, the window's end being archived, and reads. */
const CACHED_PAGES = 8;

/** The fields of a record, each an array per page (64-bit fields first, for alignment). */
const FIELDS = {
  /** Where the event's first line starts in the log, plus one (0: not in the log). */
  start: Float64Array,
  /** For a call whose lines are apart (`<unfinished ...>` … `<... resumed>`): where the later lines start, plus one. */
  laterStart: Float64Array,
  /** Bytes from `start` to the end of its last contiguous line (its stack frames included). */
  length: Uint32Array,
  laterLength: Uint32Array,
  /** What mapping added (the archive's shared decorations), by number. */
  decoration: Uint32Array,
  /** Up to two descriptor arguments' creators, plus one (0: none); their argument numbers in `fdArgs`. */
  fdOrigin1: Uint32Array,
  fdOrigin2: Uint32Array,
  pid: Int32Array,
  /** The syscall or signal name, and the failure's key (errno, signal), in the archive's string table. */
  name: Uint16Array,
  failureKey: Uint16Array,
  /** Argument numbers of fdOrigin1 (low nibble) and fdOrigin2 (high nibble). */
  fdArgs: Uint8Array,
  /** Kind, failed, origin, ABI (see CallIndex's flag helpers). */
  flags: Uint8Array,
} as const;

type FieldName = keyof typeof FIELDS;
export type IndexPage = { [K in FieldName]: InstanceType<(typeof FIELDS)[K]> };

const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];
const RECORD_BYTES = FIELD_NAMES.reduce((n, f) => n + FIELDS[f].BYTES_PER_ELEMENT, 0);
const PAGE_BYTES = RECORD_BYTES * RECORDS;

interface CachedPage {
  number: number;
  bytes: Uint8Array;
  fields: IndexPage;
  dirty: boolean;
}

export class CallIndex {
  private readonly pages = new Map<number, CachedPage>();
  /** Pages [0, written) have been on disk at least once; later ones start as zeros. */
  private written = 0;
  /** The page asked for last (most accesses hit it again). */
  private last: CachedPage | undefined;
  private fd: number | undefined;
  /** A write failed: every page stays in memory from then on. */
  private unwritable = false;

  /** A new index in a private temporary file, already removed (only the descriptor holds it). */
  static create(): CallIndex {
    return new CallIndex(openPrivateFile('syscall-lens-index-'));
  }

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** The fields of the page holding `seq`, and seq's place in them. */
  page(seq: number): IndexPage {
    const number = Math.floor(seq / RECORDS);
    const last = this.last;
    if (last?.number === number) return last.fields;
    let page = this.pages.get(number);
    if (page) {
      // Most recently used last.
      this.pages.delete(number);
      this.pages.set(number, page);
    } else {
      page = this.load(number);
    }
    this.last = page;
    return page.fields;
  }

  /** As page(), for a change: the page is written back when it leaves memory. */
  pageToChange(seq: number): IndexPage {
    const fields = this.page(seq);
    this.last!.dirty = true;
    return fields;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.pages.clear();
    this.last = undefined;
  }

  private load(number: number): CachedPage {
    if (this.pages.size >= CACHED_PAGES && !this.unwritable) {
      const [oldest, evicted] = this.pages.entries().next().value!;
      if (!evicted.dirty || this.store(evicted)) {
        this.pages.delete(oldest);
        // The evicted page's memory serves the new one.
        return this.fill(evicted, number);
      }
    }
    const bytes = new Uint8Array(PAGE_BYTES);
    return this.fill({ number, bytes, fields: viewsOf(bytes), dirty: false }, number);
  }

  private fill(page: CachedPage, number: number): CachedPage {
    page.number = number;
    page.dirty = false;
    if (number < this.written && this.fd !== undefined) {
      let read = 0;
      while (read < PAGE_BYTES) {
        const n = readSync(this.fd, page.bytes, read, PAGE_BYTES - read, number * PAGE_BYTES + read);
        if (n === 0) break;
        read += n;
      }
      page.bytes.fill(0, read);
    } else {
      page.bytes.fill(0);
    }
    this.pages.set(number, page);
    return page;
  }

  /** Writes a page back; false when the file cannot take it (a full disk): pages then stay in memory. */
  private store(page: CachedPage): boolean {
    if (this.fd === undefined) return true;
    try {
      writeAll(this.fd, page.bytes, page.number * PAGE_BYTES);
    } catch {
      // Nothing is lost: memory grows instead, as if every event were kept.
      this.unwritable = true;
      return false;
    }
    // Pages between are holes in the file: they read as zeros.
    this.written = Math.max(this.written, page.number + 1);
    return true;
  }
}

/** seq's place in its page. */
export function slotOf(seq: number): number {
  return seq % RECORDS;
}

function viewsOf(bytes: Uint8Array): IndexPage {
  const fields = {} as Record<FieldName, ArrayLike<number>>;
  let offset = 0;
  for (const name of FIELD_NAMES) {
    const type = FIELDS[name];
    fields[name] = new type(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, RECORDS);
    offset += type.BYTES_PER_ELEMENT * RECORDS;
  }
  return fields as IndexPage;
}
