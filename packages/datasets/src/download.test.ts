import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ParabolicError } from "@parabolic/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadVerified, sha256Hex } from "./download.js";
import { encodeIdx } from "./idx.js";
import { loadMnist, MNIST_FILES } from "./mnist.js";
import { findSharedMnist } from "../test/data-paths.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

// Synthetic MNIST-format files: 5 images 28 × 28 and their labels.
const images = gzipSync(encodeIdx({ dataType: "uint8", shape: [5, 28, 28], data: Uint8Array.from({ length: 5 * 784 }, (_, i) => (i * 7) % 256) }));
const labels = gzipSync(encodeIdx({ dataType: "uint8", shape: [5], data: [3, 1, 4, 1, 5] }));
const other = gzipSync(encodeIdx({ dataType: "uint8", shape: [5], data: [9, 9, 9, 9, 9] }));

let server: Server;
let base: string;
const hits = new Map<string, number>();
const shared = await findSharedMnist();

async function served(path: string): Promise<Uint8Array | undefined> {
  if (path === "/images.gz") return images;
  if (path === "/labels.gz") return labels;
  if (path === "/other.gz") return other;
  if (shared !== undefined && path.startsWith("/mnist/")) return new Uint8Array(await readFile(join(shared, path.slice(7))));
  return undefined;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? "/";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === "/truncated.gz") {
      res.writeHead(200, { "content-length": String(labels.length + 100) });
      res.write(labels);
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (path === "/chunked.gz") {
      // no Content-Length: the size limit must be enforced while streaming
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write(images.subarray(0, 1000));
      setTimeout(() => res.end(images.subarray(1000)), 10);
      return;
    }
    if (path === "/slow.gz") {
      res.writeHead(200, { "content-length": "1000000" });
      res.write(new Uint8Array(10));
      return; // never finishes; the client aborts
    }
    void served(path).then((body) => {
      if (body === undefined) {
        res.writeHead(404).end("not here");
        return;
      }
      res.writeHead(200, { "content-length": String(body.length), "content-type": "application/octet-stream" }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "parabolic-datasets-"));
}

async function expectCode(p: Promise<unknown>, code: "DATA_CORRUPT" | "NOT_FOUND" | "ABORTED" | "INVALID_ARGUMENT"): Promise<ParabolicError> {
  try {
    await p;
  } catch (e) {
    expect(ParabolicError.is(e, code), String(e)).toBe(true);
    return e as ParabolicError;
  }
  throw new Error(`expected ${code}`);
}

describe("downloadVerified against a local HTTP server", () => {
  it("downloads, verifies and caches atomically; the second call makes no request", async () => {
    const dir = await tempDir();
    try {
      const first = await downloadVerified(`${base}/labels.gz`, { sha256: sha(labels), cacheDirectory: join(dir, "nested") });
      expect(first.fromCache).toBe(false);
      expect(Array.from(first.bytes)).toEqual(Array.from(labels));
      expect(sha(new Uint8Array(await readFile(first.path)))).toBe(sha(labels));
      expect(await readdir(join(dir, "nested"))).toEqual(["labels.gz"]); // no temporary files left
      const before = hits.get("/labels.gz");
      const second = await downloadVerified(`${base}/labels.gz`, { sha256: sha(labels).toUpperCase(), cacheDirectory: join(dir, "nested") });
      expect(second.fromCache).toBe(true);
      expect(hits.get("/labels.gz")).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a checksum mismatch is DATA_CORRUPT and writes nothing", async () => {
    const dir = await tempDir();
    try {
      const err = await expectCode(downloadVerified(`${base}/other.gz`, { sha256: sha(labels), cacheDirectory: dir, fileName: "labels.gz" }), "DATA_CORRUPT");
      expect(err.details.reason).toBe("checksum mismatch");
      expect(err.details.actual).toBe(sha(other));
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a truncated response (connection closed before Content-Length bytes) is DATA_CORRUPT and writes nothing", async () => {
    const dir = await tempDir();
    try {
      const err = await expectCode(downloadVerified(`${base}/truncated.gz`, { sha256: sha(labels), cacheDirectory: dir }), "DATA_CORRUPT");
      expect(String(err.details.reason)).toMatch(/interrupted|truncated/);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a body over maxBytes is DATA_CORRUPT, whether declared or only seen while streaming, and writes nothing", async () => {
    const dir = await tempDir();
    try {
      const limit = images.length - 1;
      const declared = await expectCode(downloadVerified(`${base}/images.gz`, { sha256: sha(images), cacheDirectory: dir, maxBytes: limit }), "DATA_CORRUPT");
      expect(declared.details.reason).toBe("too large");
      expect(declared.message).toMatch(/declares \d+ bytes, more than maxBytes/);
      const streamed = await expectCode(downloadVerified(`${base}/chunked.gz`, { sha256: sha(images), cacheDirectory: dir, maxBytes: limit }), "DATA_CORRUPT");
      expect(streamed.details.reason).toBe("too large");
      expect(streamed.message).toMatch(/sent more than maxBytes/);
      expect(await readdir(dir)).toEqual([]);
      // the same chunked body within the limit downloads and verifies
      const ok = await downloadVerified(`${base}/chunked.gz`, { sha256: sha(images), cacheDirectory: dir, maxBytes: images.length });
      expect(sha(ok.bytes)).toBe(sha(images));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("replaces a stale cached file with the wrong checksum", async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir, "labels.gz"), other);
      const r = await downloadVerified(`${base}/labels.gz`, { sha256: sha(labels), cacheDirectory: dir });
      expect(r.fromCache).toBe(false);
      expect(sha(new Uint8Array(await readFile(join(dir, "labels.gz"))))).toBe(sha(labels));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("HTTP 404 and refused connections are NOT_FOUND; abort is ABORTED; bad arguments are INVALID_ARGUMENT", async () => {
    const dir = await tempDir();
    try {
      const e404 = await expectCode(downloadVerified(`${base}/nope.gz`, { sha256: sha(labels), cacheDirectory: dir }), "NOT_FOUND");
      expect(e404.details.status).toBe(404);
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      await expectCode(downloadVerified(`http://127.0.0.1:${port}/x.gz`, { sha256: sha(labels), cacheDirectory: dir }), "NOT_FOUND");
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      await expectCode(downloadVerified(`${base}/slow.gz`, { sha256: sha(labels), cacheDirectory: dir, signal: controller.signal }), "ABORTED");
      await expectCode(downloadVerified(`${base}/labels.gz`, { sha256: "abc", cacheDirectory: dir }), "INVALID_ARGUMENT");
      await expectCode(downloadVerified("ftp://example.org/x", { sha256: sha(labels), cacheDirectory: dir }), "INVALID_ARGUMENT");
      for (const maxBytes of [0, -1, 1.5, Number.NaN]) {
        const e = await expectCode(downloadVerified(`${base}/labels.gz`, { sha256: sha(labels), cacheDirectory: dir, maxBytes }), "INVALID_ARGUMENT");
        expect(e.details.argument).toBe("maxBytes");
        expect(Object.is(e.details.value, maxBytes)).toBe(true);
      }
      const badName = await expectCode(downloadVerified(`${base}/%E0%A4%A.gz`, { sha256: sha(labels), cacheDirectory: dir }), "INVALID_ARGUMENT");
      expect(badName.details.argument).toBe("url");
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("sha256Hex matches node:crypto", async () => {
    expect(await sha256Hex(images)).toBe(sha(images));
  });
});

describe("loadMnist from explicit URLs", () => {
  it("loads synthetic files with caller-supplied checksums", async () => {
    const dir = await tempDir();
    try {
      const d = await loadMnist({
        split: "test",
        urls: { images: `${base}/images.gz`, labels: `${base}/labels.gz` },
        sha256: { images: sha(images), labels: sha(labels) },
        cacheDirectory: dir,
      });
      expect(d.count).toBe(5);
      expect(Array.from(d.labels)).toEqual([3, 1, 4, 1, 5]);
      expect(d.images[100]).toBe((100 * 7) % 256);
      expect(d.verification).toEqual({ images: "sha256", labels: "sha256" });
      // cached under the official file names
      expect((await readdir(dir)).sort()).toEqual([MNIST_FILES.test.images.fileName, MNIST_FILES.test.labels.fileName].sort());
      // without caller checksums the known official ones apply, and these synthetic files fail them
      const dir2 = await tempDir();
      try {
        await expectCode(loadMnist({ split: "test", urls: { images: `${base}/images.gz`, labels: `${base}/labels.gz` }, cacheDirectory: dir2 }), "DATA_CORRUPT");
      } finally {
        await rm(dir2, { recursive: true, force: true });
      }
      await expectCode(loadMnist({ split: "test", urls: { images: `${base}/images.gz`, labels: `${base}/labels.gz` } }), "INVALID_ARGUMENT");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(shared === undefined)("serves the real t10k files and verifies them against the known official SHA-256s", async () => {
    const dir = await tempDir();
    try {
      const viaHttp = await loadMnist({
        split: "test",
        urls: { images: `${base}/mnist/t10k-images-idx3-ubyte.gz`, labels: `${base}/mnist/t10k-labels-idx1-ubyte.gz` },
        cacheDirectory: dir,
      });
      const local = await loadMnist({ split: "test", directory: shared! });
      expect(viaHttp.count).toBe(10_000);
      expect(sha(viaHttp.images)).toBe(sha(local.images));
      expect(sha(viaHttp.labels)).toBe(sha(local.labels));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
