/** AdamW on one flat Float64Array of parameters (optax.adamw semantics: decay applied as lr·wd·p). */
export type AdamW = {
  readonly m: Float64Array;
  readonly v: Float64Array;
  count: number;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
};

export function makeAdamW(
  size: number,
  options: Readonly<{ learningRate: number; beta1: number; beta2: number; epsilon: number; weightDecay: number }>,
): AdamW {
  return { m: new Float64Array(size), v: new Float64Array(size), count: 0, ...options };
}

export function cloneAdamW(o: AdamW): AdamW {
  return { ...o, m: o.m.slice(), v: o.v.slice() };
}

export function adamWStep(o: AdamW, params: Float64Array, grad: Float64Array): void {
  o.count++;
  const { beta1: b1, beta2: b2, epsilon: eps, learningRate: lr, weightDecay: wd } = o;
  const c1 = 1 - Math.pow(b1, o.count);
  const c2 = 1 - Math.pow(b2, o.count);
  const m = o.m;
  const v = o.v;
  for (let i = 0; i < params.length; i++) {
    const g = grad[i]!;
    const mi = b1 * m[i]! + (1 - b1) * g;
    const vi = b2 * v[i]! + (1 - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] = params[i]! - lr * (mi / c1 / (Math.sqrt(vi / c2) + eps) + wd * params[i]!);
  }
}
