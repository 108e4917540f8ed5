// Base64 (RFC 4648, with padding) of raw bytes, in plain TypeScript: checkpoints store float32
// arrays as base64 text, and the engine must run where Node's Buffer does not (a browser).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export function encodeBase64(bytes: Uint8Array): string {
  // Built in pieces: one string concatenation per character is slow on multi-megabyte arrays.
  const pieces: string[] = [];
  const piece = 3 * 4096;
  for (let start = 0; start < bytes.length; start += piece) {
    const end = Math.min(start + piece, bytes.length);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const b0 = bytes[i]!;
      const b1 = i + 1 < end ? bytes[i + 1]! : 0;
      const b2 = i + 2 < end ? bytes[i + 2]! : 0;
      s += ALPHABET[b0 >> 2]! + ALPHABET[((b0 & 3) << 4) | (b1 >> 4)]!;
      s += i + 1 < end ? ALPHABET[((b1 & 15) << 2) | (b2 >> 6)]! : '=';
      s += i + 2 < end ? ALPHABET[b2 & 63]! : '=';
    }
    pieces.push(s);
  }
  return pieces.join('');
}

/** The bytes of base64 text; undefined when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  const digit = (i: number): number => {
    const c = text.charCodeAt(i);
    return c < 128 ? VALUE[c]! : -1;
  };
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const d0 = digit(i);
    const d1 = digit(i + 1);
    const d2 = last && pad === 2 ? 0 : digit(i + 2);
    const d3 = last && pad >= 1 ? 0 : digit(i + 3);
    if ((d0 | d1 | d2 | d3) < 0) return undefined;
    const n = (d0 << 18) | (d1 << 12) | (d2 << 6) | d3;
    out[at++] = (n >> 16) & 255;
    if (at < out.length) out[at++] = (n >> 8) & 255;
    if (at < out.length) out[at++] = n & 255;
  }
  return out;
}
