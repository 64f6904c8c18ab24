// A small ZIP reader for panel files (a folder of month files, zipped): the central directory,
// stored and deflated entries (the browser's own DecompressionStream), names as UTF-8. No ZIP64,
// no encryption, no CRC check. Bounded: at most MAX_ENTRIES entries and MAX_BYTES of content.

export const MAX_ENTRIES = 100_000;
export const MAX_BYTES = 512 * 1024 * 1024;

/** Whether the bytes start like a ZIP file (a local file header, or an empty archive). */
export function isZip(bytes) {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/**
 * The files of a ZIP archive: `[{ name, bytes }]` in the archive's order (folders left out).
 * Throws an Error saying what is wrong with an archive it cannot read.
 */
export async function unzip(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a ZIP archive (no central directory)");
  const count = dv.getUint16(eocd + 10, true);
  let p = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || p === 0xffffffff) throw new Error("ZIP64 archives are not supported: unzip it and open the folder");
  if (count > MAX_ENTRIES) throw new Error(`the archive has ${count} entries; at most ${MAX_ENTRIES} are read`);
  const utf8 = new TextDecoder("utf-8");
  const out = [];
  let total = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== 0x02014b50) throw new Error("the archive's central directory is damaged");
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const csize = dv.getUint32(p + 20, true);
    const usize = dv.getUint32(p + 24, true);
    const nlen = dv.getUint16(p + 28, true);
    const xlen = dv.getUint16(p + 30, true);
    const clen = dv.getUint16(p + 32, true);
    const local = dv.getUint32(p + 42, true);
    const name = utf8.decode(bytes.subarray(p + 46, p + 46 + nlen));
    p += 46 + nlen + xlen + clen;
    if (name.endsWith("/")) continue;
    if (flags & 1) throw new Error(`${name}: encrypted entries are not supported`);
    total += usize;
    if (total > MAX_BYTES) throw new Error(`the archive holds more than ${MAX_BYTES / 1048576} MB`);
    if (local + 30 > bytes.length || dv.getUint32(local, true) !== 0x04034b50) throw new Error(`${name}: damaged entry`);
    const start = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + csize);
    if (method === 0) out.push({ name, bytes: data });
    else if (method === 8) out.push({ name, bytes: await inflate(data) });
    else throw new Error(`${name}: compression method ${method} is not supported (stored or deflated only)`);
  }
  return out;
}

async function inflate(data) {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const chunks = [];
  let n = 0;
  for await (const c of stream) {
    n += c.length;
    if (n > MAX_BYTES) throw new Error("an entry inflates beyond the archive's bound");
    chunks.push(c);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
