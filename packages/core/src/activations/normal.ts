import { add, erf, exp, mul, neg, square, type Tensor } from "@tensorflow/tfjs-core";
import { recursiveUnary } from "./recursive-unary.js";

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const normalPdfOp = recursiveUnary(
  (x) => mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI),
  (x) => mul(neg(x), normalPdf(x)),
);

const normalCdfOp = recursiveUnary(
  (x) => mul(add(1, erf(mul(x, Math.SQRT1_2))), 0.5),
  (x) => normalPdf(x),
);

/** Standard normal density φ(x) with correct derivatives of every order (φ′ = −xφ); internal. */
export function normalPdf<T extends Tensor>(x: T): T {
  return normalPdfOp(x);
}

/** Standard normal distribution function Φ(x) with correct derivatives of every order (Φ′ = φ); internal. */
export function normalCdf<T extends Tensor>(x: T): T {
  return normalCdfOp(x);
}
