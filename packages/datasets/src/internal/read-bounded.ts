/**
 * Reads a byte stream to its end into one Uint8Array, refusing to hold more than `maxBytes`: as soon as the total
 * exceeds it the stream is cancelled and `tooLarge()` is thrown. `counter.received` follows the bytes read so far
 * (for "interrupted after N bytes" messages when the stream itself fails).
 */
export async function readBounded(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
  tooLarge: () => Error,
  counter: { received: number } = { received: 0 },
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    counter.received += value.byteLength;
    if (counter.received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(counter.received);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
