import type { StudyDescriptor } from "../study.js";
import { heatStudy } from "./heat.js";
import { hhdStudy } from "./hhd.js";
import { hhdTrainingStudy } from "./hhd-training.js";
import { kappaStudy } from "./kappa.js";
import { sbtmStudy } from "./sbtm.js";

/**
 * Every study the CLI knows, by subcommand. To add one: create `src/studies/<name>.ts` exporting a
 * {@link StudyDescriptor} and append it here (e.g. `heat`, `sbtm`, `hhd`, `hhd-training`).
 */
export const STUDIES: readonly StudyDescriptor[] = [kappaStudy, sbtmStudy, heatStudy, hhdStudy, hhdTrainingStudy];
