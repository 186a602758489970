/**
 * `@parabolic/heat/testing`: adapters for tests and benchmarks (not part of the numerical API).
 *
 * @packageDocumentation
 */
export { mixtureHeatField, type IsotropicMixtureLike, type JointHeatField } from "./mixture-heat-field.js";
