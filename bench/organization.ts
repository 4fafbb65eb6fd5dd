// Benchmark rows for `scan --org`: an organization of 200 accounts × 4 regions on the emulator, scanned
// by the built CLI in a process of its own: wall time against the latency bound, peak RSS with NDJSON,
// and CPU seconds per 1,000 images (what tells when to split the organization with --shard).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateImages } from '../emulator/generate.js';
import type { RichEstateDocument } from '../emulator/estate.js';
import { startEmulatorProcess } from './emulator-process.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const MAX_RSS = fileURLToPath(new URL('./max-rss.mjs', import.meta.url));
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];
const MANAGEMENT = '100000000000';
/** Organizations answers at most 20 accounts a page. */
const ACCOUNTS_PER_PAGE = 20;

interface Row {
  measure: string;
  figure: string;
  detail: string;
}

/** An organization of `accounts` accounts (the first is the management account), each with `perRegion` images in every region. */
export function organizationEstate(accounts: number, perRegion: number): RichEstateDocument {
  const ids = Array.from({ length: accounts }, (_, index) => String(Number(MANAGEMENT) + index));
  return {
    DefaultAccountId: MANAGEMENT,
    Organization: { ManagementAccountId: MANAGEMENT },
    Accounts: ids.map((id, index) => ({ AccountId: id, Name: `account-${index}` })),
    Regions: Object.fromEntries(
      REGIONS.map((region, r) => [region, { Images: ids.flatMap((id, index) => generateImages(perRegion, 1 + index * REGIONS.length + r, { ownerId: id, allAvailable: true })) }]),
    ),
  };
}

/** Runs the CLI to the end; returns its wall time, peak RSS, CPU time, exit code and the images it reported. */
function measuredScan(args: string[], env: Record<string, string>, dir: string, allowed: (number | null)[] = [0, 1]): Promise<{ seconds: number; rssBytes: number; cpuSeconds: number; code: number | null; images: number }> {
  const rssFile = join(dir, 'rss');
  const cpuFile = join(dir, 'cpu');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', MAX_RSS, CLI, ...args], { env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile, BENCH_CPU_FILE: cpuFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let images = 0;
    let tail = '';
    let stderr = '';
    // NDJSON: count image lines as they stream, keep nothing.
    child.stdout.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('utf8');
      const lines = text.split('\n');
      tail = lines.pop()!;
      for (const line of lines) if (line.startsWith('{"type":"image"')) images += 1;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (!allowed.includes(code)) return reject(new Error(`scan exited ${code}: ${stderr.slice(0, 500)}`));
      resolve({ seconds, rssBytes: Number(readFileSync(rssFile, 'utf8')), cpuSeconds: Number(readFileSync(cpuFile, 'utf8')) / 1e6, code, images });
    });
  });
}

/** The rows: one scan per --account-concurrency, 200 accounts × 4 regions (fewer with --quick). */
export async function organizationRows(options: { quick: boolean; log: (message: string) => void; latencyMs: number; credentials: Record<string, string> }): Promise<Row[]> {
  const accounts = options.quick ? 40 : 200;
  const perRegion = 25;
  const dir = mkdtempSync(join(tmpdir(), 'ami-audit-bench-org-'));
  const estatePath = join(dir, 'estate.json');
  writeFileSync(estatePath, JSON.stringify(organizationEstate(accounts, perRegion)));
  const emulator = await startEmulatorProcess(['--estate', estatePath, '--latency', String(options.latencyMs)]);
  const rows: Row[] = [];
  try {
    const base = ['scan', '--org', '--endpoint-url', emulator.url, '--region', ...REGIONS, '--output', 'ndjson', '--fail-on', 'none'];
    // Warm-up: the emulator's first answers and the disk cache.
    await measuredScan([...base, '--accounts', MANAGEMENT], options.credentials, dir);
    // No account at all (an id the organization lacks: exit 3): process start, listing the organization, the caller's identity.
    const startup = await measuredScan([...base, '--accounts', '999999999999'], options.credentials, dir, [3]);
    // The time one account takes: ten member accounts one after another (identity, then its 4 regions side by side).
    const serial = Array.from({ length: 10 }, (_, index) => String(Number(MANAGEMENT) + 1 + index));
    const oneByOne = await measuredScan([...base, '--accounts', ...serial, '--account-concurrency', '1'], options.credentials, dir);
    const perAccount = (oneByOne.seconds - startup.seconds) / serial.length;
    const pages = Math.ceil(accounts / ACCOUNTS_PER_PAGE);
    for (const concurrency of options.quick ? [8] : [8, 32]) {
      await emulator.reset();
      options.log(`scan --org: ${accounts} accounts × ${REGIONS.length} regions, --account-concurrency ${concurrency}`);
      const run = await measuredScan([...base, '--account-concurrency', String(concurrency)], options.credentials, dir);
      const stats = await emulator.stats();
      const total = accounts * REGIONS.length * perRegion;
      if (run.images !== total) throw new Error(`scan --org reported ${run.images} images, expected ${total}`);
      const bound = startup.seconds + Math.ceil(accounts / concurrency) * perAccount;
      rows.push({
        measure: `scan --org, ${accounts} accounts × ${REGIONS.length} regions, --account-concurrency ${concurrency}`,
        figure: `${run.seconds.toFixed(2)} s (${(run.seconds / bound).toFixed(2)} × bound)`,
        detail: `bound ${bound.toFixed(2)} s = ${startup.seconds.toFixed(2)} s to start and list the organization (${pages} pages) + ${Math.ceil(accounts / concurrency)} rounds × ${(perAccount * 1000).toFixed(0)} ms per account (measured: 10 accounts with --account-concurrency 1); ${total.toLocaleString('en-US')} images; ListAccounts ${stats.requestsByAction.ListAccounts ?? 0}, AssumeRole ${stats.requestsByAction.AssumeRole ?? 0}, DescribeImages ${stats.requestsByAction.DescribeImages ?? 0}`,
      });
      rows.push({
        measure: `  peak RSS and CPU, --output ndjson (--account-concurrency ${concurrency})`,
        figure: `${(run.rssBytes / 2 ** 20).toFixed(0)} MiB, ${((run.cpuSeconds / total) * 1000).toFixed(2)} CPU s / 1,000 images`,
        detail: `${run.cpuSeconds.toFixed(2)} CPU s in all, ${((run.cpuSeconds / accounts) * 1000).toFixed(0)} ms per account (${(run.cpuSeconds / run.seconds).toFixed(2)} cores busy on average; the emulator shares the machine); 10 accounts one by one: ${(oneByOne.rssBytes / 2 ** 20).toFixed(0)} MiB`,
      });
    }
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
