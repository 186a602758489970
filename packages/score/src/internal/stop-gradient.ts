import * as tf from "@tensorflow/tfjs-core";

/** Identity in the forward pass, zero gradient (tfjs has no stop_gradient op). */
export const stopGradient = tf.customGrad((x, save) => {
  void save;
  const input = x as tf.Tensor;
  return { value: tf.clone(input), gradFunc: (dy) => tf.zerosLike(dy as tf.Tensor) };
}) as (x: tf.Tensor) => tf.Tensor;
