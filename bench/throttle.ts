// Throttling rows of `npm run bench`: a scan that reads one attribute per image against EC2-style token
// buckets smaller than the documented one, as in a busy account where other callers spend the same
// bucket. In real time: the SDK's retry back-off is in absolute milliseconds and does not scale with a
// sped-up bucket, so a time-scaled run would misjudge any retry behaviour.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeImageAttributeCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process.js';

/** One line of the bench table. */
export interface ThrottleRow {
  measure: string;
  figure: string;
  detail: string;
}

interface Bucket {
  capacity: number;
  refillPerSecond: number;
}

/**
 * EC2's documented bucket for Describe* calls, then what is left of it when other callers spend part.
 * Each bucket gets as many images as it serves in about 50 s: long enough that the rate limiter's
 * start (a few seconds after its first throttle) does not dominate, short enough for a bench.
 */
const BUCKETS: [Bucket, number, string][] = [
  [{ capacity: 100, refillPerSecond: 20 }, 1000, "EC2's documented bucket"],
  [{ capacity: 100, refillPerSecond: 10 }, 600, 'half the refill taken by another caller'],
  [{ capacity: 50, refillPerSecond: 5 }, 300, 'a busy account'],
  [{ capacity: 20, refillPerSecond: 20 }, 1000, 'burst already spent'],
];
const LATENCY_MS = 10;
const CONCURRENCY = 20;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'bench-secret', AWS_REGION: 'us-east-1' };

interface Run {
  ms: number;
  images: number;
  read: number;
  errors: number;
  exitCode: number | null;
}

/** The fastest any client can read `images` attributes through `bucket`: the burst at once, the rest at the refill rate. */
export function throttleBoundMs(images: number, bucket: Bucket, latencyMs = LATENCY_MS): number {
  return (Math.max(0, images - bucket.capacity) / bucket.refillPerSecond) * 1000 + latencyMs;
}

/** Runs the built CLI the way a user does; returns its wall time and what its JSON says it read. */
function cliScan(emulator: EmulatorProcess, args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, 'scan', '--endpoint-url', emulator.url, '--region', 'us-east-1', '--output', 'json', '--attributes', 'imdsSupport', '--concurrency', String(CONCURRENCY), ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const ms = performance.now() - started;
      try {
        const document = JSON.parse(stdout) as { images: { readiness: string }[]; errors: unknown[] };
        const read = document.images.filter((image) => image.readiness !== 'unknown').length;
        resolve({ ms, images: document.images.length, read, errors: document.errors.length, exitCode });
      } catch {
        reject(new Error(`scan exited ${exitCode} without a JSON document: ${stderr.slice(0, 500)}`));
      }
    });
  });
}

/**
 * The SDK's own adaptive mode with nothing of ami-audit's around it: a bare client (`retryMode:
 * "adaptive"`, 10 attempts) reading the same attributes with the same concurrency.
 */
async function bareAdaptiveScan(emulator: EmulatorProcess): Promise<Run> {
  const client = new EC2Client({ region: 'us-east-1', endpoint: emulator.url, retryMode: 'adaptive', maxAttempts: 10, credentials: { accessKeyId: ENV.AWS_ACCESS_KEY_ID, secretAccessKey: ENV.AWS_SECRET_ACCESS_KEY } });
  const started = performance.now();
  const ids = ((await client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 1000 }))).Images ?? []).map((image) => image.ImageId!);
  const limit = pLimit(CONCURRENCY);
  const outcomes = await Promise.all(ids.map((id) => limit(() => client.send(new DescribeImageAttributeCommand({ ImageId: id, Attribute: 'imdsSupport' })).then(() => true, () => false))));
  const ms = performance.now() - started;
  client.destroy();
  const read = outcomes.filter(Boolean).length;
  return { ms, images: ids.length, read, errors: ids.length - read, exitCode: read === ids.length ? 0 : 3 };
}

/** Gives every action a full bucket again (the emulator makes new buckets when the throttle knob is set). */
async function refillBuckets(emulator: EmulatorProcess, bucket: Bucket): Promise<void> {
  await fetch(`${emulator.url}/__emulator/options`, { method: 'POST', body: JSON.stringify({ throttle: bucket }) });
  await emulator.reset();
}

function row(label: string, bucket: Bucket, run: Run, throttled: number): ThrottleRow {
  const boundMs = throttleBoundMs(run.images, bucket);
  const complete = run.read === run.images && (run.exitCode === 0 || run.exitCode === 1);
  return {
    measure: `throttle ${bucket.capacity}:${bucket.refillPerSecond}, ${label}`,
    figure: `${(run.ms / 1000).toFixed(2)} s (${(run.ms / boundMs).toFixed(2)} × bound)`,
    detail: `bound ${(boundMs / 1000).toFixed(2)} s; ${run.read}/${run.images} images read, exit ${run.exitCode}${complete ? '' : ' INCOMPLETE'}; ${throttled} throttled answers`,
  };
}

/**
 * Returns the throttling rows: for each bucket, the CLI with its defaults and, unless `quick`, the
 * SDK's adaptive mode alone for comparison. Real time, 10 ms latency, 20 calls in flight.
 */
export async function throttleRows(options: { quick: boolean; log: (message: string) => void; compare?: boolean; variants?: { label: string; args: string[] }[] }): Promise<ThrottleRow[]> {
  const variants = options.variants ?? [{ label: 'ami-audit defaults', args: [] }];
  const rows: ThrottleRow[] = [];
  for (const [bucket, images, why] of BUCKETS) {
    // --generate makes a few images that a default listing leaves out (disabled ones): N is what was listed.
    const count = options.quick ? Math.round(images / 4) : images;
    const emulator = await startEmulatorProcess(['--generate', String(count), '--seed', '1', '--latency', String(LATENCY_MS), '--throttle', `${bucket.capacity}:${bucket.refillPerSecond}`]);
    try {
      for (const variant of variants) {
        await refillBuckets(emulator, bucket);
        options.log(`throttle ${bucket.capacity}:${bucket.refillPerSecond} (${why}), ${variant.label}`);
        const run = await cliScan(emulator, variant.args);
        rows.push(row(variant.label, bucket, run, (await emulator.stats()).throttledByAction.DescribeImageAttribute ?? 0));
      }
      if (!options.quick && options.compare !== false) {
        await refillBuckets(emulator, bucket);
        options.log(`throttle ${bucket.capacity}:${bucket.refillPerSecond}, the SDK's adaptive mode alone`);
        const run = await bareAdaptiveScan(emulator);
        rows.push(row("SDK adaptive mode alone (10 attempts)", bucket, run, (await emulator.stats()).throttledByAction.DescribeImageAttribute ?? 0));
      }
    } finally {
      await emulator.stop();
    }
  }
  return rows;
}

// `tsx bench/throttle.ts [--quick] [--variant label=args ...]`: these rows alone, for a quicker look.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const variants = process.argv
    .filter((arg) => arg.startsWith('--variant='))
    .map((arg) => {
      const [label, args] = arg.slice('--variant='.length).split('=');
      return { label: label!, args: args ? args.split(' ') : [] };
    });
  const compare = !process.argv.includes('--no-compare');
  const rows = await throttleRows({ quick, compare, log: (message) => process.stderr.write(`bench: ${message}\n`), ...(variants.length ? { variants } : {}) });
  for (const { measure, figure, detail } of rows) console.log(`| ${measure} | ${figure} | ${detail} |`);
}
