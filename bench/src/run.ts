/**
 * `pnpm bench [topic…]`: imports every `bench/src/<topic>.bench.ts` (or only the named topics) and prints one
 * JSON line per record on stdout. Everything else — tfjs banners, warnings, progress — goes to stderr, so
 * `pnpm -s bench dsm > results.jsonl` captures only records. (Plain `pnpm bench` also prints pnpm's own
 * "> script" header on stdout; `-s` silences it.)
 */
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A benchmark record: `{ bench, config…, value, unit, wallMs, cpuMs }` (or `{ bench, skipped }`). */
export type BenchRecord = Record<string, unknown>;
/** What each `*.bench.ts` exports. */
export type BenchModule = { run: (emit: (record: BenchRecord) => void) => Promise<void> };

// Route console output (e.g. tfjs's "Hi, looks like you are running TensorFlow.js in Node.js" banner) to stderr
// before any bench module loads; records are written with process.stdout.write only.
const toStderr = (...args: unknown[]): void => console.error(...args);
console.log = toStderr;
console.info = toStderr;
console.warn = toStderr;
console.debug = toStderr;

function emit(record: BenchRecord): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

async function main(): Promise<number> {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = (await readdir(here)).filter((f) => f.endsWith(".bench.ts")).sort();
  const topics = files.map((f) => basename(f, ".bench.ts"));
  const wanted = process.argv.slice(2).filter((a) => a !== "--");
  const unknown = wanted.filter((w) => !topics.includes(w));
  if (unknown.length > 0) {
    console.error(`bench: unknown topic(s) ${unknown.join(", ")}; available: ${topics.join(", ")}`);
    return 2;
  }
  const selected = wanted.length === 0 ? topics : topics.filter((t) => wanted.includes(t));
  let failures = 0;
  for (const topic of selected) {
    const started = performance.now();
    console.error(`bench: ${topic} …`);
    try {
      const module = (await import(pathToFileURL(join(here, `${topic}.bench.ts`)).href)) as Partial<BenchModule>;
      if (typeof module.run !== "function") throw new Error(`${topic}.bench.ts does not export run(emit)`);
      await module.run(emit);
      console.error(`bench: ${topic} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      failures++;
      console.error(`bench: ${topic} failed:`, error);
      emit({ bench: topic, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
