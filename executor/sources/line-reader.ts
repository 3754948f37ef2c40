// Reads a file line by line through a reused buffer, tracking each line's byte offset and 1-based number.
import type { FileHandle } from 'node:fs/promises';

export const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * Lines of a file from a start position, read in chunks at explicit positions (never the whole file).
 * `nextLine()` is synchronous over the buffered bytes; when it returns false and `eof` is not set,
 * `refill()` reads on. A line is `buf[start, end)` without its `\n` or `\r\n`, valid until the next
 * refill; the last line may lack a newline. Lines are split on bytes, and 0x0A never occurs inside a
 * UTF-8 multi-byte character, so this is exact for any UTF-8 text.
 */
export class LineReader {
  buf: Buffer;
  /** The current line: content `buf[start, end)`, its 1-based number and the file offset it begins at. */
  start = 0;
  end = 0;
  lineNumber: number;
  lineOffset: number;
  /** Where the line after the current one begins: the resume position once the current line is consumed. */
  nextLineNumber: number;
  nextOffset: number;
  eof = false;

  private readonly fh: FileHandle;
  /** File offset of buf[0]; unread bytes are buf[pos, filled). */
  private bufOffset: number;
  private pos = 0;
  private filled = 0;
  /** The next chunk, read ahead while the current one is parsed (so parsing never waits on the disk). */
  private ahead?: { at: number; read: Promise<number> };
  private readonly spare: Buffer;

  constructor(fh: FileHandle, offset: number, line: number, chunkBytes: number = DEFAULT_CHUNK_BYTES) {
    this.fh = fh;
    this.buf = Buffer.allocUnsafe(Math.max(16, chunkBytes));
    this.spare = Buffer.allocUnsafe(Math.max(16, chunkBytes));
    this.bufOffset = offset;
    this.lineOffset = this.nextOffset = offset;
    this.lineNumber = this.nextLineNumber = line;
  }

  /** Advances to the next complete line in the buffer; false when the buffer holds none (or at EOF). */
  nextLine(): boolean {
    const buf = this.buf;
    const pos = this.pos;
    if (pos >= this.filled) return false;
    let nl = buf.indexOf(10, pos);
    if (nl < 0 || nl >= this.filled) {
      if (!this.eof) return false;
      nl = this.filled; // the last line, without a newline
    }
    this.start = pos;
    this.end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
    this.pos = Math.min(nl + 1, this.filled);
    this.lineOffset = this.nextOffset;
    this.lineNumber = this.nextLineNumber;
    this.nextOffset = this.bufOffset + this.pos;
    this.nextLineNumber = this.lineNumber + 1;
    return true;
  }

  /** Reads the next chunk behind the unread bytes (growing the buffer for a line longer than it). */
  async refill(): Promise<void> {
    if (this.eof) return;
    const rest = this.filled - this.pos;
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.filled);
      this.bufOffset += this.pos;
      this.pos = 0;
      this.filled = rest;
    }
    if (this.filled === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.filled);
      this.buf = bigger;
    }
    const at = this.bufOffset + this.filled;
    let bytesRead: number;
    const ahead = this.ahead;
    this.ahead = undefined;
    const early = ahead && ahead.at === at ? await ahead.read : -1;
    if (early >= 0) {
      // Copies what fits; the rest is read again from where the buffer ends.
      bytesRead = Math.min(early, this.buf.length - this.filled);
      this.spare.copy(this.buf, this.filled, 0, bytesRead);
    } else {
      if (ahead) await ahead.read; // a failed or stale read-ahead: read directly, so errors surface
      bytesRead = (await this.fh.read(this.buf, this.filled, this.buf.length - this.filled, at)).bytesRead;
    }
    if (bytesRead === 0) this.eof = true;
    this.filled += bytesRead;
    if (!this.eof) {
      const next = this.bufOffset + this.filled;
      const room = Math.min(this.spare.length, this.buf.length);
      this.ahead = { at: next, read: this.fh.read(this.spare, 0, room, next).then((r) => r.bytesRead, () => -1) };
    }
  }

  /** Waits for a read-ahead in flight, so the file can be closed under no read. */
  async settle(): Promise<void> {
    await this.ahead?.read;
    this.ahead = undefined;
  }

  /** Skips a UTF-8 byte order mark at the very start of the file. */
  async skipBom(): Promise<void> {
    if (this.bufOffset !== 0 || this.pos !== 0) return;
    while (this.filled < 3 && !this.eof) await this.refill();
    if (this.filled >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) {
      this.pos = 3;
      this.nextOffset = 3;
    }
  }
}

/** Whether `b[start, end)` is empty or only spaces and tabs. */
export function isBlank(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
