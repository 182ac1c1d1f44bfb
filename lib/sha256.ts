/**
 * SHA-256 (FIPS 180-4) in plain JavaScript. `node:crypto` costs about 4 ms
 * of cold start to load with Lambda's node flags, more than this file hashes
 * in a lifetime of small inputs; a few hundred bytes take a few µs here,
 * about what creating a `crypto.Hash` costs.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Reused between calls: hashing is synchronous, so no two calls share them. */
const W = new Int32Array(64);
const H = new Int32Array(8);
const TAIL = new Uint8Array(128);
let block = new Uint8Array(1024);

function compress(bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

/** The digest's 32 bytes, big-endian: written per hash, turned into hex natively in one string. */
const DIGEST = Buffer.alloc(32);

function hex(): string {
  for (let i = 0; i < 8; i++) DIGEST.writeInt32BE(H[i]!, i * 4);
  return DIGEST.toString('hex');
}

/**
 * SHA-256 of `bytes`, as 64 lower-case hex digits (what
 * `createHash('sha256').update(bytes).digest('hex')` gives).
 *
 * @example
 * sha256Hex(new Uint8Array()); // 'e3b0c442…b855'
 */
export function sha256Hex(bytes: Uint8Array): string {
  return digest(bytes, bytes.length);
}

/** The digest of `bytes[0, length)`: a length rather than a subarray, which would be one more object per hash. */
function digest(bytes: Uint8Array, length: number): string {
  H.set(INITIAL);
  const whole = length - (length % 64);
  for (let offset = 0; offset < whole; offset += 64) compress(bytes, offset);
  // The tail, 0x80, zeros, and the bit length as 64 bits big-endian: one or two blocks.
  const rest = length - whole;
  const end = rest + 9 > 64 ? 128 : 64;
  const tail = TAIL;
  for (let i = 0; i < rest; i++) tail[i] = bytes[whole + i]!;
  tail[rest] = 0x80;
  tail.fill(0, rest + 1, end);
  const bits = length * 8;
  const high = Math.floor(bits / 0x100000000);
  tail[end - 8] = high >>> 24;
  tail[end - 7] = high >>> 16;
  tail[end - 6] = high >>> 8;
  tail[end - 5] = high;
  tail[end - 4] = bits >>> 24;
  tail[end - 3] = bits >>> 16;
  tail[end - 2] = bits >>> 8;
  tail[end - 1] = bits;
  for (let offset = 0; offset < end; offset += 64) compress(tail, offset);
  return hex();
}

const encoder = new TextEncoder();

/**
 * SHA-256 of a string's UTF-8 bytes, as 64 lower-case hex digits.
 *
 * @example
 * sha256HexOfString('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256HexOfString(text: string): string {
  // At most 3 bytes per UTF-16 unit; grow the scratch buffer when a string needs it.
  if (text.length * 3 > block.length) block = new Uint8Array(text.length * 3);
  return digest(block, asciiInto(text, block) ?? encoder.encodeInto(text, block).written);
}

/** Copy `text` into `out` when it is all ASCII (JSON of numbers and plain keys), else undefined: cheaper than a TextEncoder call for short strings. */
function asciiInto(text: string, out: Uint8Array): number | undefined {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return undefined;
    out[i] = code;
  }
  return length;
}
