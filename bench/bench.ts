// `npm run bench`: measures ami-audit against the local EC2 emulator and prints one table. Every row is
// measured in this run; nothing is copied from earlier runs. See the README's performance section.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { build } from 'esbuild';
import { createAccountPorts } from '../src/aws/accounts.js';
import { DEFAULT_CHECKS } from '../src/core/rules.js';
import { scan } from '../src/core/scan.js';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process.js';
import { liveMemoryRows, offlineFormatRows } from './formats.js';
import { throttleRows } from './throttle.js';
import { fleetRows } from './fleet.js';
import { organizationRows } from './organization.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const LATENCY_MS = 20;
// EC2's bucket for Describe* calls is 100 requests refilling 20 a second. These rows keep its shape but
// run time ten times faster (refill 200/s), so 10,000 attribute calls take ~50 s instead of ~8 min.
// They measure the scan's own throughput at 200 calls a second with --attribute-rate set to that bucket,
// not how it copes with throttling: the SDK's retry back-off and its rate limiter's recovery are in
// absolute seconds and do not scale. Throttling is measured in real time in bench/throttle.ts.
const BUCKET = { capacity: 100, refillPerSecond: 200 };
const TIME_SCALE = 10;
const QUICK = process.argv.includes('--quick');
/** `--only <names>`: run only these groups of rows (scan, throttle, cold-start, memory, organization), comma-separated. */
const ONLY_AT = process.argv.indexOf('--only');
const ONLY = ONLY_AT === -1 ? undefined : new Set((process.argv[ONLY_AT + 1] ?? '').split(','));
const runs = (group: string): boolean => ONLY === undefined || ONLY.has(group);

interface Row {
  measure: string;
  figure: string;
  detail: string;
}
const rows: Row[] = [];
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

const credentials = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'bench-secret', AWS_REGION: 'us-east-1' };
Object.assign(process.env, credentials);

/** Runs one scan in this process with the real SDK against the emulator; returns its wall time in ms. */
async function timedScan(emulator: EmulatorProcess, attributes: ('imdsSupport')[]): Promise<{ ms: number; images: number; errors: number }> {
  // The CLI's defaults (10 attempts, adaptive retries) with DescribeImageAttribute capped at the bucket.
  const accounts = createAccountPorts(
    { profiles: [], roleArns: [] },
    { maxAttempts: 10, retryMode: 'adaptive', requestTimeoutMs: 20_000, endpointUrl: emulator.url, attributeRate: BUCKET },
    'us-east-1',
  );
  const started = performance.now();
  const result = await scan(
    { regions: ['us-east-1'], query: { owners: ['self'], executableUsers: [], imageIds: [], filters: [], includeDeprecated: false, includeDisabled: false }, checks: DEFAULT_CHECKS, attributes, concurrency: 10, regionConcurrency: 4 },
    { accounts },
  );
  const ms = performance.now() - started;
  for (const account of accounts) account.destroy();
  return { ms, images: result.summary.images, errors: result.errors.length };
}

/** The floor for any SDK-based tool: the same pages read by a bare, warm EC2Client in a loop, nothing else. */
async function bareListing(emulator: EmulatorProcess): Promise<number> {
  const client = new EC2Client({ region: 'us-east-1', endpoint: emulator.url, maxAttempts: 1 });
  const loop = async () => {
    let token: string | undefined;
    do token = (await client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 1000, ...(token ? { NextToken: token } : {}) }))).NextToken;
    while (token);
  };
  await loop();
  const started = performance.now();
  await loop();
  const ms = performance.now() - started;
  client.destroy();
  return ms;
}

function requestsText(byAction: Record<string, number>): string {
  return Object.entries(byAction)
    .filter(([action]) => action !== '(none)')
    .map(([action, count]) => `${action} ${count}`)
    .join(', ');
}

async function scanRows(): Promise<void> {
  for (const count of QUICK ? [1000] : [1000, 10_000]) {
    const emulator = await startEmulatorProcess(['--generate', String(count), '--seed', '1', '--latency', String(LATENCY_MS), '--throttle', `${BUCKET.capacity}:${BUCKET.refillPerSecond}`]);
    try {
      const variants: { attributes: 'imdsSupport'[] }[] = [{ attributes: [] }, { attributes: ['imdsSupport'] }];
      for (const { attributes } of variants) {
        await timedScan(emulator, []); // warm-up: connections, JIT
        await emulator.reset();
        await new Promise((resolve) => setTimeout(resolve, 1000)); // let the buckets refill
        log(`scan of ${count} images, ${attributes.length ? 'one attribute per image' : 'no attribute'}`);
        const run = await timedScan(emulator, attributes);
        const stats = await emulator.stats();
        const listed = run.images;
        const pages = Math.ceil(count / 1000);
        const boundMs = attributes.length === 0 ? pages * LATENCY_MS : (Math.max(0, listed - BUCKET.capacity) / BUCKET.refillPerSecond) * 1000 + LATENCY_MS;
        rows.push({
          measure: `scan ${count.toLocaleString('en-US')} images, ${attributes.length ? '1 attribute each, time × 10' : 'no attribute'}`,
          figure: `${(run.ms / 1000).toFixed(2)} s (${(run.ms / boundMs).toFixed(2)} × bound)`,
          detail: `bound ${(boundMs / 1000).toFixed(2)} s; ${listed} images, ${run.errors} errors; ${requestsText(stats.requestsByAction)}; throttled ${requestsText(stats.throttledByAction) || 'none'}; at EC2's own rate ≈ ${((run.ms * (attributes.length ? TIME_SCALE : 1)) / 1000).toFixed(0)} s`,
        });
        if (attributes.length === 0) {
          const bareMs = await bareListing(emulator);
          rows.push({
            measure: `  SDK floor for the same ${pages} page${pages > 1 ? 's' : ''}`,
            figure: `${(bareMs / 1000).toFixed(2)} s (ami-audit ${(run.ms / bareMs).toFixed(2)} × it)`,
            detail: `a bare EC2Client reading the pages in a loop: ${(bareMs / pages).toFixed(0)} ms a page, of which ${LATENCY_MS} ms latency; the rest is building and parsing ~1.9 MB of XML`,
          });
          rows.push({
            measure: `calls per 1,000 images (${count.toLocaleString('en-US')})`,
            figure: `${((stats.requestsByAction.DescribeImages ?? 0) / (count / 1000)).toFixed(2)} DescribeImages, ${stats.requestsByAction.DescribeImageAttribute ?? 0} DescribeImageAttribute`,
            detail: 'a scan that needs no attribute',
          });
        }
      }
    } finally {
      await emulator.stop();
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall time of a process from spawn to exit, in ms. */
function timeProcess(args: string[], env: Record<string, string> = {}): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return performance.now() - started;
}

async function coldStartRows(): Promise<void> {
  // The same sources transpiled file by file, not bundled: every SDK module is loaded from node_modules.
  const unbundledDir = mkdtempSync(join(ROOT, '.bench-unbundled-'));
  try {
    await build({ entryPoints: [join(ROOT, 'src/**/*.ts')], outdir: unbundledDir, outbase: join(ROOT, 'src'), format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
    const unbundled = join(unbundledDir, 'cli.js');
    const emulator = await startEmulatorProcess([]);
    try {
      const runs = QUICK ? 3 : 9;
      const scanArgs = ['scan', '--endpoint-url', emulator.url, '--region', 'us-east-1', '--output', 'json'];
      const measure = (args: string[]) => median(Array.from({ length: runs }, () => timeProcess(args)));
      const nodeOnly = measure(['-e', '0']);
      const version = measure([CLI, '--version']);
      const bundledScan = measure([CLI, ...scanArgs]);
      const unbundledScan = measure([unbundled, ...scanArgs]);
      rows.push({ measure: 'cold start: ami-audit --version', figure: `${version.toFixed(0)} ms`, detail: `median of ${runs}; node -e 0 alone takes ${nodeOnly.toFixed(0)} ms` });
      rows.push({ measure: 'cold start: one-page scan, bundled', figure: `${bundledScan.toFixed(0)} ms`, detail: `median of ${runs}; process start to exit, 16 images, 2 requests` });
      rows.push({ measure: 'cold start: one-page scan, unbundled', figure: `${unbundledScan.toFixed(0)} ms`, detail: `same code, SDK loaded from node_modules; the bundle takes ${((bundledScan / unbundledScan) * 100).toFixed(0)}% of its time` });
    } finally {
      await emulator.stop();
    }
  } finally {
    rmSync(unbundledDir, { recursive: true, force: true });
  }
}

async function memoryRows(): Promise<void> {
  rows.push(...(await liveMemoryRows(QUICK, credentials)));
  if (!QUICK) {
    log('peak memory for 1,000,000 images, --output ndjson');
    const emulator = await startEmulatorProcess(['--generate', '1000000', '--seed', '2']);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'ami-audit-bench-'));
      const rssFile = join(dir, 'rss');
      const started = performance.now();
      const result = spawnSync(
        process.execPath,
        ['--import', fileURLToPath(new URL('./max-rss.mjs', import.meta.url)), CLI, 'scan', '--endpoint-url', emulator.url, '--region', 'us-east-1', '--output', 'ndjson', '--fail-on', 'none'],
        { env: { ...process.env, BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const seconds = (performance.now() - started) / 1000;
      if (result.status !== 0) throw new Error(`scan exited ${result.status}: ${result.stderr}`);
      const rss = Number(readFileSync(rssFile, 'utf8'));
      rmSync(dir, { recursive: true, force: true });
      rows.push({ measure: 'peak RSS, live scan of 1,000,000 images, --output ndjson', figure: `${(rss / 1024 / 1024).toFixed(0)} MiB`, detail: `${seconds.toFixed(1)} s wall, ${(1_000_000 / seconds).toFixed(0)} images/s` });
    } finally {
      await emulator.stop();
    }
  }
  rows.push(...offlineFormatRows(QUICK));
}

function printTable(): void {
  const widths = [Math.max(...rows.map((row) => row.measure.length), 7), Math.max(...rows.map((row) => row.figure.length), 6)];
  const line = (a: string, b: string, c: string) => `| ${a.padEnd(widths[0]!)} | ${b.padEnd(widths[1]!)} | ${c} |`;
  console.log(line('measure', 'figure', 'detail'));
  console.log(`|${'-'.repeat(widths[0]! + 2)}|${'-'.repeat(widths[1]! + 2)}|---|`);
  for (const row of rows) console.log(line(row.measure, row.figure, row.detail));
  console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; latency ${LATENCY_MS} ms; bucket ${BUCKET.capacity} / ${BUCKET.refillPerSecond} per s (EC2's 100 / 20 per s, time × ${TIME_SCALE}) except the throttle rows: real time, latency 10 ms, 20 calls in flight`);
}

if (runs('scan')) await scanRows();
if (runs('throttle')) rows.push(...(await throttleRows({ quick: QUICK, log })));
if (runs('fleet')) rows.push(...(await fleetRows(log)));
if (runs('cold-start')) await coldStartRows();
if (runs('memory')) await memoryRows();
if (runs('organization')) rows.push(...(await organizationRows({ quick: QUICK, log, latencyMs: LATENCY_MS, credentials })));
printTable();
