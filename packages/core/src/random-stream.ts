import { checkKey, threefry2x32, type Key } from "./key.js";

/**
 * A fast, seeded stream of random 32-bit words: xoshiro128** (Blackman & Vigna), seeded from a {@link Key}.
 *
 * @remarks This is a stateful resource for hot loops (κ samplers, Langevin noise, metrics); it is the only class
 * in the random API. Its whole state is the `state` array (4 generator words plus a small bit buffer used by the
 * ziggurat's layer index), so a stream can be copied with {@link RandomStream.clone}. Create one per task from
 * a key you derived for that task (`randomStream(foldIn(k, step))`), never from `Math.random`.
 *
 * @example
 * ```ts
 * const s = randomStream(key(7));
 * const u = s.nextDouble();      // uniform in [0, 1), 53 random bits
 * const w = s.nextUint32();      // uniform 32-bit word
 * ```
 */
export class RandomStream {
  /** s0..s3 of xoshiro128**, then [4] buffered bits and [5] how many bytes of them remain. */
  readonly state: Uint32Array;

  constructor(state: Uint32Array) {
    this.state = state;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.state;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]!;
    const s3 = s[3]!;
    const r1 = Math.imul(s1, 5);
    const result = Math.imul((r1 << 7) | (r1 >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * 1.1102230246251565e-16; // 2^-53
  }

  /** Uniform double in (0, 1], never 0 (safe inside `log`). */
  nextOpenDouble(): number {
    return 1 - this.nextDouble();
  }

  /** An independent copy of this stream at its current position. */
  clone(): RandomStream {
    return new RandomStream(this.state.slice());
  }
}

/**
 * Creates a {@link RandomStream} from a key.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` if `k` is not a key.
 * @example
 * ```ts
 * const s = randomStream(foldIn(key(1), 42));
 * ```
 */
export function randomStream(k: Key): RandomStream {
  checkKey("randomStream", k);
  const a = threefry2x32(k, [0x40000000, 0]);
  const b = threefry2x32(k, [0x40000000, 1]);
  const state = new Uint32Array([a[0], a[1], b[0], b[1], 0, 0]);
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1; // the all-zero state is a fixed point
  return new RandomStream(state);
}
