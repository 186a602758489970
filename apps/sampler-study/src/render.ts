import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

const FONT = "DejaVu Sans";
const FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF", "/usr/share/fonts"];

/** A Vega-Lite theme shared by every study plot (readable at 1× and 2×). */
export const PLOT_CONFIG = {
  font: FONT,
  background: "white",
  view: { stroke: "#ccc" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 13 },
  title: { fontSize: 15, anchor: "start", subtitleFontSize: 12 },
} as const;

/** Renders a Vega-Lite spec headlessly to SVG (vega's `none` renderer, no canvas, no network). */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile({ ...spec, config: { ...PLOT_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises SVG to PNG with resvg (prebuilt binary inside the npm package), at `scale`× on white. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const fontDirs = FONT_DIRS.filter((d) => existsSync(d));
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { loadSystemFonts: true, fontDirs, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return resvg.render().asPng();
}

/** Writes `<name>.svg` and `<name>.png` into `dir`; returns the two file names. */
export async function writePlot(dir: string, name: string, spec: TopLevelSpec): Promise<string[]> {
  const svg = await vegaLiteToSvg(spec);
  await writeFile(join(dir, `${name}.svg`), svg);
  await writeFile(join(dir, `${name}.png`), svgToPng(svg));
  return [`${name}.svg`, `${name}.png`];
}
