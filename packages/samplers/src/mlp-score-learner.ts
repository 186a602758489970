import {
  ParabolicError,
  assertAllFinite,
  assertInRange,
  assertNonNegativeInteger,
  assertNonNegativeNumber,
  assertPositiveInteger,
  assertPositiveNumber,
  fillNormals,
  invalidArgument,
  randomStream,
  type Key,
  type RandomStream,
} from "@parabolic/core";
import { adamWStep, cloneAdamW, makeAdamW, type AdamW } from "./internal/adamw.js";
import { checkPositions } from "./target.js";
import type { FitResult, PretrainResult, ScoreLearner } from "./score-learner.js";

/**
 * Options of {@link mlpScoreLearner}.
 *
 * @example
 * ```ts
 * mlpScoreLearner(key(1), { dim: 2, width: 64, activation: "softsign", divergence: "hutchinson", probes: 4 });
 * ```
 */
export type MlpScoreLearnerOptions = Readonly<{
  dim: number;
  /** Hidden width H of the d → H → H → d network. @defaultValue 32 */
  width?: number;
  /** @defaultValue "tanh" */
  activation?: "tanh" | "softsign";
  /**
   * Divergence in the implicit score-matching loss: `"exact"` (trace of the Jacobian, d tangents per sample:
   * cost ∝ d; the default, for small d) or `"hutchinson"` (E_v vᵀ(∇s)v with `probes` Rademacher vectors per sample).
   */
  divergence?: "exact" | "hutchinson";
  /** Rademacher probes per sample for `"hutchinson"`. @defaultValue 1 */
  probes?: number;
  /** Minibatch size for `fit` (clamped to the particle count). @defaultValue 100 */
  batchSize?: number;
  /** AdamW used by `fit`; its state persists across calls. @defaultValue 5e-4 */
  learningRate?: number;
  /** @defaultValue 0.9 */
  beta1?: number;
  /** @defaultValue 0.999 */
  beta2?: number;
  /** @defaultValue 1e-8 */
  epsilon?: number;
  /** Decoupled weight decay. @defaultValue 1e-4 */
  weightDecay?: number;
}>;

/**
 * A loss for {@link MlpScoreLearner.lossAndGradient}.
 *
 * @example
 * ```ts
 * learner.lossAndGradient(points, { kind: "esm", targetScores });
 * ```
 */
export type MlpLoss =
  | Readonly<{ kind: "ism" }>
  | Readonly<{ kind: "esm"; targetScores: Float64Array }>;

/**
 * The built-in Float64 score network of {@link mlpScoreLearner}: a {@link ScoreLearner} with extra methods for
 * tests and checkpoints.
 * @example
 * ```ts
 * const learner: MlpScoreLearner = mlpScoreLearner(key(1), { dim: 1 });
 * const backup = learner.clone();
 * ```
 */
export type MlpScoreLearner = ScoreLearner &
  Readonly<{
    width: number;
    /** Number of trainable parameters. */
    parameterCount: number;
    /** A copy of the flat parameter vector [W1 (H×d), b1, W2 (H×H), b2, W3 (d×H), b3]. */
    parameters(): Float64Array;
    /** Overwrites the parameters (the optimiser state is kept). */
    setParameters(values: Float64Array): void;
    /** s(x) and ∇·s(x) (exact trace) for a batch. */
    predictWithDivergence(points: Float64Array): Readonly<{ scores: Float64Array; divergences: Float64Array }>;
    /**
     * Full-batch loss and its exact parameter gradient (hand-written reverse mode through the forward-mode
     * tangent): `ism` = mean ‖s‖² + 2∇·s (divergence as configured; Hutchinson probes drawn from `key`),
     * `esm` = mean ‖s − target‖².
     */
    lossAndGradient(points: Float64Array, loss: MlpLoss, key?: Key): Readonly<{ loss: number; gradient: Float64Array }>;
    /** An independent copy (parameters and optimiser state). */
    clone(): MlpScoreLearner;
  }>;

type Activation = "tanh" | "softsign";

/** Internal network state shared by the closures. */
type Net = {
  readonly dim: number;
  readonly width: number;
  readonly activation: Activation;
  readonly params: Float64Array;
  readonly oB1: number;
  readonly oW2: number;
  readonly oB2: number;
  readonly oW3: number;
  readonly oB3: number;
};

function makeNet(dim: number, width: number, activation: Activation, params: Float64Array): Net {
  const H = width;
  const oB1 = H * dim;
  const oW2 = oB1 + H;
  const oB2 = oW2 + H * H;
  const oW3 = oB2 + H;
  const oB3 = oW3 + dim * H;
  return { dim, width, activation, params, oB1, oW2, oB2, oW3, oB3 };
}

function parameterCountOf(dim: number, width: number): number {
  return width * dim + width + width * width + width + dim * width + dim;
}

/** Scratch buffers for one sample with up to `maxDirections` tangent directions. */
type Scratch = {
  z1: Float64Array; a1: Float64Array; p1: Float64Array; q1: Float64Array;
  z2: Float64Array; a2: Float64Array; p2: Float64Array; q2: Float64Array;
  s: Float64Array;
  // per direction, row-major maxDirections × H
  u: Float64Array; ta1: Float64Array; t2: Float64Array; ta2: Float64Array; m: Float64Array;
  directions: Float64Array; // maxDirections × dim
  // backward
  ga2: Float64Array; gp2: Float64Array; gz2: Float64Array; gt2: Float64Array;
  ga1: Float64Array; gta1: Float64Array; gp1: Float64Array; gz1: Float64Array;
};

function makeScratch(dim: number, H: number, maxDirections: number): Scratch {
  const f = (n: number): Float64Array => new Float64Array(n);
  return {
    z1: f(H), a1: f(H), p1: f(H), q1: f(H), z2: f(H), a2: f(H), p2: f(H), q2: f(H), s: f(dim),
    u: f(maxDirections * H), ta1: f(maxDirections * H), t2: f(maxDirections * H), ta2: f(maxDirections * H),
    m: f(maxDirections * H), directions: f(maxDirections * dim),
    ga2: f(H), gp2: f(H), gz2: f(H), gt2: f(maxDirections * H), ga1: f(H), gta1: f(maxDirections * H), gp1: f(H), gz1: f(H),
  };
}

/** act, act′, act″ of z into a, p, q at index i. */
function activate(kind: Activation, z: number, a: Float64Array, p: Float64Array, q: Float64Array, i: number): void {
  if (kind === "tanh") {
    // tanh via one exp (faster than Math.tanh in V8; absolute error ≲ 1e-16, saturates correctly at ±∞)
    const t = 1 - 2 / (Math.exp(2 * z) + 1);
    const d = 1 - t * t;
    a[i] = t;
    p[i] = d;
    q[i] = -2 * t * d;
  } else {
    const r = 1 / (1 + Math.abs(z));
    a[i] = z * r;
    p[i] = r * r;
    q[i] = z > 0 ? -2 * r * r * r : z < 0 ? 2 * r * r * r : 0;
  }
}

/** Primal pass for row `row` of `x`: fills z/a/p/q of both layers and s. */
function forward(net: Net, S: Scratch, x: Float64Array, row: number): void {
  const { dim, width: H, params: P, oB1, oW2, oB2, oW3, oB3, activation } = net;
  const xo = row * dim;
  for (let i = 0; i < H; i++) {
    let z = P[oB1 + i]!;
    for (let k = 0; k < dim; k++) z += P[i * dim + k]! * x[xo + k]!;
    S.z1[i] = z;
    activate(activation, z, S.a1, S.p1, S.q1, i);
  }
  const a1 = S.a1;
  for (let i = 0; i < H; i++) {
    let z = P[oB2 + i]!;
    const row2 = oW2 + i * H;
    for (let j = 0; j < H; j++) z += P[row2 + j]! * a1[j]!;
    S.z2[i] = z;
    activate(activation, z, S.a2, S.p2, S.q2, i);
  }
  for (let k = 0; k < dim; k++) {
    let s = P[oB3 + k]!;
    const row3 = oW3 + k * H;
    for (let i = 0; i < H; i++) s += P[row3 + i]! * S.a2[i]!;
    S.s[k] = s;
  }
}

/**
 * Tangent pass for `count` directions stored in S.directions (after `forward`). Returns Σ_v vᵀ(∇s)v.
 * Fills u = W1 v, ta1 = p1⊙u, t2 = W2 ta1, ta2 = p2⊙t2, m = W3ᵀv per direction.
 */
function tangents(net: Net, S: Scratch, count: number): number {
  const { dim, width: H, params: P, oW2, oW3 } = net;
  let total = 0;
  for (let v = 0; v < count; v++) {
    const vo = v * dim;
    const ho = v * H;
    for (let i = 0; i < H; i++) {
      let u = 0;
      for (let k = 0; k < dim; k++) u += P[i * dim + k]! * S.directions[vo + k]!;
      S.u[ho + i] = u;
      S.ta1[ho + i] = S.p1[i]! * u;
    }
    let contraction = 0;
    for (let i = 0; i < H; i++) {
      let t = 0;
      const row2 = oW2 + i * H;
      for (let j = 0; j < H; j++) t += P[row2 + j]! * S.ta1[ho + j]!;
      S.t2[ho + i] = t;
      const ta2 = S.p2[i]! * t;
      S.ta2[ho + i] = ta2;
      let m = 0;
      for (let k = 0; k < dim; k++) m += P[oW3 + k * H + i]! * S.directions[vo + k]!;
      S.m[ho + i] = m;
      contraction += m * ta2;
    }
    total += contraction;
  }
  return total;
}

/**
 * Accumulates into G the gradient of  gsᵀs + tangentWeight · Σ_v mᵥᵀ ta2ᵥ  (i.e. of a loss whose derivative w.r.t.
 * s is `gs` and w.r.t. each contraction vᵀ(∇s)v is `tangentWeight`), for row `row` of x after forward/tangents.
 */
function backward(net: Net, S: Scratch, x: Float64Array, row: number, gs: Float64Array, directions: number, tangentWeight: number, G: Float64Array): void {
  const { dim, width: H, params: P, oB1, oW2, oB2, oW3, oB3 } = net;
  const xo = row * dim;
  // output layer
  for (let k = 0; k < dim; k++) {
    const g = gs[k]!;
    G[oB3 + k] = G[oB3 + k]! + g;
    const row3 = oW3 + k * H;
    for (let i = 0; i < H; i++) G[row3 + i] = G[row3 + i]! + g * S.a2[i]!;
  }
  for (let v = 0; v < directions; v++) {
    const vo = v * dim;
    const ho = v * H;
    for (let k = 0; k < dim; k++) {
      const c = tangentWeight * S.directions[vo + k]!;
      if (c === 0) continue;
      const row3 = oW3 + k * H;
      for (let i = 0; i < H; i++) G[row3 + i] = G[row3 + i]! + c * S.ta2[ho + i]!;
    }
  }
  // through layer 2 activation
  for (let i = 0; i < H; i++) {
    let ga2 = 0;
    for (let k = 0; k < dim; k++) ga2 += P[oW3 + k * H + i]! * gs[k]!;
    let gp2 = 0;
    for (let v = 0; v < directions; v++) {
      const gta2 = tangentWeight * S.m[v * H + i]!;
      S.gt2[v * H + i] = gta2 * S.p2[i]!;
      gp2 += gta2 * S.t2[v * H + i]!;
    }
    S.gz2[i] = ga2 * S.p2[i]! + gp2 * S.q2[i]!;
  }
  // W2, b2 and back to layer 1
  S.ga1.fill(0);
  S.gta1.fill(0, 0, directions * H);
  for (let i = 0; i < H; i++) {
    const gz = S.gz2[i]!;
    G[oB2 + i] = G[oB2 + i]! + gz;
    const row2 = oW2 + i * H;
    if (directions === 1) {
      const gt = S.gt2[i]!;
      for (let j = 0; j < H; j++) {
        const w = P[row2 + j]!;
        G[row2 + j] = G[row2 + j]! + gz * S.a1[j]! + gt * S.ta1[j]!;
        S.ga1[j] = S.ga1[j]! + w * gz;
        S.gta1[j] = S.gta1[j]! + w * gt;
      }
    } else {
      for (let j = 0; j < H; j++) {
        const w = P[row2 + j]!;
        let gw = gz * S.a1[j]!;
        for (let v = 0; v < directions; v++) {
          const gt = S.gt2[v * H + i]!;
          gw += gt * S.ta1[v * H + j]!;
          S.gta1[v * H + j] = S.gta1[v * H + j]! + w * gt;
        }
        G[row2 + j] = G[row2 + j]! + gw;
        S.ga1[j] = S.ga1[j]! + w * gz;
      }
    }
  }
  // layer 1
  for (let j = 0; j < H; j++) {
    let gp1 = 0;
    for (let v = 0; v < directions; v++) gp1 += S.gta1[v * H + j]! * S.u[v * H + j]!;
    const gz1 = S.ga1[j]! * S.p1[j]! + gp1 * S.q1[j]!;
    G[oB1 + j] = G[oB1 + j]! + gz1;
    for (let k = 0; k < dim; k++) {
      let g = gz1 * x[xo + k]!;
      for (let v = 0; v < directions; v++) g += S.gta1[v * H + j]! * S.p1[j]! * S.directions[v * dim + k]!;
      G[j * dim + k] = G[j * dim + k]! + g;
    }
  }
}

/** Fills S.directions with the exact-trace basis (returns d) or Rademacher probes (returns probes). */
function setDirections(net: Net, S: Scratch, mode: "exact" | "hutchinson", probes: number, stream: RandomStream | undefined): number {
  const d = net.dim;
  if (mode === "exact") {
    S.directions.fill(0, 0, d * d);
    for (let k = 0; k < d; k++) S.directions[k * d + k] = 1;
    return d;
  }
  if (stream === undefined) throw new ParabolicError("INVALID_ARGUMENT", "mlpScoreLearner: Hutchinson divergence needs a key.", {});
  let bits = 0;
  let left = 0;
  for (let i = 0; i < probes * d; i++) {
    if (left === 0) {
      bits = stream.nextUint32();
      left = 32;
    }
    S.directions[i] = bits & 1 ? 1 : -1;
    bits >>>= 1;
    left--;
  }
  return probes;
}

/**
 * A dependency-free Float64 score network s_θ: ℝ^d → ℝ^d (d → H → H → d MLP, tanh or softsign) trained by
 * implicit score matching with AdamW: the built-in {@link ScoreLearner} for SBTM in small dimension.
 *
 * @remarks Mirrors the SBTM specification's verified reference (§9 O4, B4): LeCun-normal initialisation (zero
 * biases), per-sample loss ‖s‖² + 2∇·s with the EXACT divergence (d forward-mode tangents; cost O(d·H²) per sample)
 * or a Hutchinson estimate, parameter gradients by hand-written reverse mode through the tangent pass (checked
 * against central finite differences in the tests), AdamW (lr 5e-4, β 0.9/0.999, weight decay 1e-4) whose state
 * persists across `fit` calls, minibatches of consecutive rows of a fresh permutation per epoch (batch size
 * clamped to N, so N < batch cannot loop forever). `pretrain` runs explicit score matching with its own AdamW
 * (lr 1e-3, no decay) on random minibatches until the full-set relative error is below the tolerance.
 * For larger d or bigger models use a tfjs network implementing {@link ScoreLearner}.
 * @throws ParabolicError `INVALID_ARGUMENT` for bad options.
 * @example
 * ```ts
 * const learner = mlpScoreLearner(key(1), { dim: 1 });
 * pretrainScoreLearner(key(2), { learner, points: x0, score: prior.score });
 * const kernel = sbtm({ ...target, learner, stepSize: 0.01 });
 * ```
 */
export function mlpScoreLearner(k: Key, options: MlpScoreLearnerOptions): MlpScoreLearner {
  const fn = "mlpScoreLearner";
  const dim = options.dim;
  assertPositiveInteger(fn, "dim", dim);
  const width = options.width ?? 32;
  assertPositiveInteger(fn, "width", width);
  const activation = options.activation ?? "tanh";
  if (activation !== "tanh" && activation !== "softsign") throw invalidArgument(fn, "activation", "be 'tanh' or 'softsign'", activation);
  const divergence = options.divergence ?? "exact";
  if (divergence !== "exact" && divergence !== "hutchinson") throw invalidArgument(fn, "divergence", "be 'exact' or 'hutchinson'", divergence);
  const probes = options.probes ?? 1;
  assertPositiveInteger(fn, "probes", probes);
  const batchSize = options.batchSize ?? 100;
  assertPositiveInteger(fn, "batchSize", batchSize);
  const adam = {
    learningRate: options.learningRate ?? 5e-4,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-8,
    weightDecay: options.weightDecay ?? 1e-4,
  };
  assertPositiveNumber(fn, "learningRate", adam.learningRate);
  assertInRange(fn, "beta1", adam.beta1, { min: 0, max: 1, maxExclusive: true });
  assertInRange(fn, "beta2", adam.beta2, { min: 0, max: 1, maxExclusive: true });
  assertPositiveNumber(fn, "epsilon", adam.epsilon);
  assertNonNegativeNumber(fn, "weightDecay", adam.weightDecay);

  // LeCun-normal initialisation: N(0, 1/fan_in), biases zero.
  const count = parameterCountOf(dim, width);
  const params = new Float64Array(count);
  const net0 = makeNet(dim, width, activation, params);
  const stream = randomStream(k);
  const fillScaled = (from: number, to: number, fanIn: number): void => {
    const view = params.subarray(from, to);
    fillNormals(stream, view);
    const sd = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < view.length; i++) view[i] = view[i]! * sd;
  };
  fillScaled(0, net0.oB1, dim);
  fillScaled(net0.oW2, net0.oB2, width);
  fillScaled(net0.oW3, net0.oB3, width);
  return buildLearner(net0, makeAdamW(count, adam), { divergence, probes, batchSize, adam });
}

function buildLearner(
  net: Net,
  optimizer: AdamW,
  config: Readonly<{
    divergence: "exact" | "hutchinson";
    probes: number;
    batchSize: number;
    adam: Readonly<{ learningRate: number; beta1: number; beta2: number; epsilon: number; weightDecay: number }>;
  }>,
): MlpScoreLearner {
  const { dim, width } = net;
  const maxDirections = Math.max(dim, config.divergence === "hutchinson" ? config.probes : 0);
  const S = makeScratch(dim, width, maxDirections);
  const gs = new Float64Array(dim);
  const count = net.params.length;
  const fitName = "mlpScoreLearner.fit";

  /** Adds the gradient of the mean ISM loss over rows `index[from..to)` into G; returns the mean loss. */
  const ismBatch = (x: Float64Array, index: Int32Array | null, from: number, to: number, G: Float64Array, stream: RandomStream | undefined): number => {
    const n = to - from;
    const inv = 1 / n;
    const hutch = config.divergence === "hutchinson";
    const weight = hutch ? 1 / config.probes : 1;
    let total = 0;
    for (let r = from; r < to; r++) {
      const row = index === null ? r : index[r]!;
      forward(net, S, x, row);
      const directions = setDirections(net, S, config.divergence, config.probes, stream);
      const div = tangents(net, S, directions) * weight;
      let s2 = 0;
      for (let c = 0; c < dim; c++) {
        s2 += S.s[c]! * S.s[c]!;
        gs[c] = 2 * S.s[c]! * inv;
      }
      total += s2 + 2 * div;
      backward(net, S, x, row, gs, directions, 2 * weight * inv, G);
    }
    return total * inv;
  };

  /** Adds the gradient of the mean ESM loss over the given rows into G; returns the mean loss. */
  const esmBatch = (x: Float64Array, target: Float64Array, rows: Int32Array | null, n: number, G: Float64Array | null): number => {
    const inv = 1 / n;
    let total = 0;
    for (let r = 0; r < n; r++) {
      const row = rows === null ? r : rows[r]!;
      forward(net, S, x, row);
      for (let c = 0; c < dim; c++) {
        const e = S.s[c]! - target[row * dim + c]!;
        total += e * e;
        gs[c] = 2 * e * inv;
      }
      if (G !== null) backward(net, S, x, row, gs, 0, 0, G);
    }
    return total * inv;
  };

  const predict = (points: Float64Array): Float64Array => {
    const n = points.length / dim;
    const out = new Float64Array(points.length);
    for (let r = 0; r < n; r++) {
      forward(net, S, points, r);
      for (let c = 0; c < dim; c++) out[r * dim + c] = S.s[c]!;
    }
    return out;
  };

  const learner: MlpScoreLearner = {
    dim,
    width,
    parameterCount: count,
    predict(points) {
      checkPositions("mlpScoreLearner.predict", points, dim);
      return predict(points);
    },
    predictWithDivergence(points) {
      const n = checkPositions("mlpScoreLearner.predictWithDivergence", points, dim);
      const scores = new Float64Array(points.length);
      const divergences = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        forward(net, S, points, r);
        const directions = setDirections(net, S, "exact", 0, undefined);
        divergences[r] = tangents(net, S, directions);
        for (let c = 0; c < dim; c++) scores[r * dim + c] = S.s[c]!;
      }
      return { scores, divergences };
    },
    fit(key, points, fitOptions) {
      const n = checkPositions(fitName, points, dim);
      assertNonNegativeInteger(fitName, "steps", fitOptions.steps);
      const stream = randomStream(key);
      const batch = Math.min(config.batchSize, n); // guard: N < batch would otherwise never form a minibatch
      const perm = new Int32Array(n);
      for (let i = 0; i < n; i++) perm[i] = i;
      let ptr = n; // forces a shuffle before the first minibatch
      const G = new Float64Array(count);
      let last = Number.NaN;
      let sum = 0;
      for (let step = 0; step < fitOptions.steps; step++) {
        if (ptr + batch > n) {
          for (let i = n - 1; i > 0; i--) {
            const j = Math.floor(stream.nextDouble() * (i + 1));
            const t = perm[i]!;
            perm[i] = perm[j]!;
            perm[j] = t;
          }
          ptr = 0;
        }
        G.fill(0);
        last = ismBatch(points, perm, ptr, ptr + batch, G, stream);
        ptr += batch;
        sum += last;
        adamWStep(optimizer, net.params, G);
      }
      const result: FitResult = { loss: last, meanLoss: fitOptions.steps > 0 ? sum / fitOptions.steps : Number.NaN, steps: fitOptions.steps };
      return result;
    },
    pretrain(key, pretrainOptions): PretrainResult {
      const name = "mlpScoreLearner.pretrain";
      const { points, targetScores } = pretrainOptions;
      const n = checkPositions(name, points, dim);
      if (!(targetScores instanceof Float64Array)) throw invalidArgument(name, "targetScores", "be a Float64Array (row-major count × dim)", targetScores);
      if (targetScores.length !== points.length) {
        throw new ParabolicError("SHAPE_MISMATCH", `${name}: 'targetScores' must have length ${points.length}; got ${targetScores.length}.`, {
          argument: "targetScores",
          expected: points.length,
          actual: targetScores.length,
        });
      }
      assertAllFinite(name, "targetScores", targetScores);
      const batch = pretrainOptions.batchSize ?? 128;
      const tolerance = pretrainOptions.tolerance ?? 1e-3;
      const maxSteps = pretrainOptions.maxSteps ?? 3000;
      const checkEvery = pretrainOptions.checkEvery ?? 50;
      assertPositiveInteger(name, "batchSize", batch);
      assertPositiveNumber(name, "tolerance", tolerance);
      assertNonNegativeInteger(name, "maxSteps", maxSteps);
      assertPositiveInteger(name, "checkEvery", checkEvery);
      const opt = makeAdamW(count, { ...config.adam, learningRate: pretrainOptions.learningRate ?? 1e-3, weightDecay: 0 });
      let norm = 0;
      for (let i = 0; i < targetScores.length; i++) norm += targetScores[i]! * targetScores[i]!;
      norm /= n;
      const stream = randomStream(key);
      const rows = new Int32Array(batch);
      const G = new Float64Array(count);
      let loss = Number.NaN;
      let step = 0;
      for (; step < maxSteps; step++) {
        if (step % checkEvery === 0) {
          loss = esmBatch(points, targetScores, null, n, null);
          if (loss < tolerance * norm) break;
        }
        for (let i = 0; i < batch; i++) rows[i] = Math.floor(stream.nextDouble() * n);
        G.fill(0);
        esmBatch(points, targetScores, rows, batch, G);
        adamWStep(opt, net.params, G);
      }
      loss = esmBatch(points, targetScores, null, n, null);
      return { loss, relativeError: norm > 0 ? loss / norm : loss, steps: step };
    },
    lossAndGradient(points, loss, key) {
      const name = "mlpScoreLearner.lossAndGradient";
      const n = checkPositions(name, points, dim);
      const G = new Float64Array(count);
      if (loss.kind === "ism") {
        const value = ismBatch(points, null, 0, n, G, key === undefined ? undefined : randomStream(key));
        return { loss: value, gradient: G };
      }
      if (loss.targetScores.length !== points.length) {
        throw new ParabolicError("SHAPE_MISMATCH", `${name}: 'targetScores' must have length ${points.length}; got ${loss.targetScores.length}.`, {});
      }
      return { loss: esmBatch(points, loss.targetScores, null, n, G), gradient: G };
    },
    parameters() {
      return net.params.slice();
    },
    setParameters(values) {
      if (!(values instanceof Float64Array) || values.length !== count) {
        throw new ParabolicError("SHAPE_MISMATCH", `mlpScoreLearner.setParameters: 'values' must be a Float64Array of length ${count}.`, {});
      }
      assertAllFinite("mlpScoreLearner.setParameters", "values", values);
      net.params.set(values);
    },
    clone() {
      return buildLearner(makeNet(dim, width, net.activation, net.params.slice()), cloneAdamW(optimizer), config);
    },
  };
  return learner;
}
