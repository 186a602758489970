import { customGrad, mul, type GradSaveFunc, type Tensor } from "@tensorflow/tfjs-core";

/**
 * Builds an element-wise op whose derivatives of every order are correct (internal).
 *
 * The op saves its INPUT for the backward pass and its gradient is `dy · derivative(input)`, where `derivative`
 * is itself written with differentiable ops (typically other recursive ops). At the next order the saved input
 * is linked to the original input on the tape, so nothing is treated as a constant — unlike tfjs kernels that
 * save their output (Sigmoid, Tanh, Exp, …). The custom-gradient kernel is created on first use, so importing
 * the module has no side effects.
 */
export function recursiveUnary(
  forward: (x: Tensor) => Tensor,
  derivative: (x: Tensor) => Tensor,
): <T extends Tensor>(x: T) => T {
  let kernel: ((x: Tensor) => Tensor) | undefined;
  return <T extends Tensor>(x: T): T => {
    kernel ??= customGrad((input: Tensor | GradSaveFunc, save: Tensor | GradSaveFunc) => {
      const t = input as Tensor;
      (save as GradSaveFunc)([t]);
      return {
        value: forward(t),
        gradFunc: (dy: Tensor, saved: Tensor[]) => mul(dy, derivative(saved[0]!)),
      };
    });
    return kernel(x) as T;
  };
}
