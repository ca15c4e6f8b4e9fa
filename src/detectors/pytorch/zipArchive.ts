// A small read-only ZIP reader (what torch.save writes since PyTorch 1.6): the end-of-central-
// directory record, the central directory, Zip64 extensions, stored entries and deflate (via
// node:zlib). The whole archive is in memory; entries are read on demand.
import { inflateRawSync } from 'node:zlib';
import { InputFileError } from '../../util/errors.js';

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA_ID = 0x0001;
const MAX32 = 0xffffffff;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  flags: number;
}

/** True when the bytes start like a ZIP archive (a local file header). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === LOCAL_SIGNATURE;
}

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readCentralDirectory();
  }

  private fail(problem: string): never {
    throw new InputFileError(this.file, `not a readable ZIP archive: ${problem}`);
  }

  private u16(at: number): number {
    if (at + 2 > this.bytes.length) this.fail('a record runs past the end of the file');
    return this.view.getUint16(at, true);
  }
  private u32(at: number): number {
    if (at + 4 > this.bytes.length) this.fail('a record runs past the end of the file');
    return this.view.getUint32(at, true);
  }
  private u64(at: number): number {
    if (at + 8 > this.bytes.length) this.fail('a record runs past the end of the file');
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('a Zip64 size is too large');
    return Number(value);
  }

  private findEndOfCentralDirectory(): number {
    // The record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
    const lowest = Math.max(0, this.bytes.length - 22 - 0xffff);
    for (let at = this.bytes.length - 22; at >= lowest; at--) {
      if (this.view.getUint32(at, true) === EOCD_SIGNATURE) return at;
    }
    this.fail('end-of-central-directory record not found');
  }

  private readCentralDirectory(): void {
    if (this.bytes.length < 22) this.fail('the file is too short');
    const eocd = this.findEndOfCentralDirectory();
    let count = this.u16(eocd + 10);
    let directoryOffset = this.u32(eocd + 16);
    if (count === 0xffff || directoryOffset === MAX32) {
      const locator = eocd - 20;
      if (locator < 0 || this.u32(locator) !== ZIP64_EOCD_LOCATOR_SIGNATURE) this.fail('Zip64 locator missing');
      const record = this.u64(locator + 8);
      if (this.u32(record) !== ZIP64_EOCD_SIGNATURE) this.fail('Zip64 end-of-central-directory record missing');
      count = this.u64(record + 32);
      directoryOffset = this.u64(record + 48);
    }
    let at = directoryOffset;
    for (let i = 0; i < count; i++) {
      if (this.u32(at) !== CENTRAL_SIGNATURE) this.fail(`central directory entry ${i} is corrupt`);
      const flags = this.u16(at + 8);
      const method = this.u16(at + 10);
      let compressedSize = this.u32(at + 20);
      let size = this.u32(at + 24);
      const nameLength = this.u16(at + 28);
      const extraLength = this.u16(at + 30);
      const commentLength = this.u16(at + 32);
      let localHeaderOffset = this.u32(at + 42);
      const name = Buffer.from(this.bytes.subarray(at + 46, at + 46 + nameLength)).toString('utf8');
      // Zip64: the real values of the fields set to 0xFFFFFFFF follow in that order.
      const extraStart = at + 46 + nameLength;
      for (let e = extraStart; e + 4 <= extraStart + extraLength; ) {
        const id = this.u16(e);
        const length = this.u16(e + 2);
        if (id === ZIP64_EXTRA_ID) {
          let field = e + 4;
          if (size === MAX32) (size = this.u64(field)), (field += 8);
          if (compressedSize === MAX32) (compressedSize = this.u64(field)), (field += 8);
          if (localHeaderOffset === MAX32) localHeaderOffset = this.u64(field);
        }
        e += 4 + length;
      }
      this.entries.set(name, { name, method, compressedSize, size, localHeaderOffset, flags });
      at = extraStart + extraLength + commentLength;
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The uncompressed bytes of an entry (a view into the archive for stored entries). */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new InputFileError(this.file, `the archive has no entry ${name}`);
    if (entry.flags & 0x1) throw new InputFileError(this.file, `entry ${name} is encrypted`);
    const local = entry.localHeaderOffset;
    if (this.u32(local) !== LOCAL_SIGNATURE) this.fail(`local header of ${name} is corrupt`);
    const start = local + 30 + this.u16(local + 26) + this.u16(local + 28);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw new InputFileError(this.file, `entry ${name} is truncated`);
    const data = this.bytes.subarray(start, end);
    if (entry.method === 0) return data;
    if (entry.method === 8) {
      const inflated = inflateRawSync(data);
      if (inflated.length !== entry.size) throw new InputFileError(this.file, `entry ${name} inflates to ${inflated.length} bytes, expected ${entry.size}`);
      return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
    }
    throw new InputFileError(this.file, `entry ${name} uses unsupported compression method ${entry.method} (only stored and deflate)`);
  }
}
