// Benchmark rows for every output format at size: `scan --input` of a saved listing (no network, so
// the figures are the renderers' and the classifier's own), and a live scan's peak memory by format.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedEstate } from '../emulator/generate.js';
import { startEmulatorProcess } from './emulator-process.js';

export interface BenchRow {
  measure: string;
  figure: string;
  detail: string;
}

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const MAX_RSS = fileURLToPath(new URL('./max-rss.mjs', import.meta.url));
const FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;

interface Measured {
  seconds: number;
  rssMiB: number;
}

/** Runs the built CLI with its stdout to /dev/null; returns wall time and peak RSS. */
function measureCli(args: string[], env: Record<string, string>, dir: string): Measured {
  const rssFile = join(dir, 'rss');
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', MAX_RSS, CLI, ...args, '--fail-on', 'none'], {
    env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile, COLUMNS: '200' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { seconds, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 / 1024 };
}

/** Rows: each format over a saved listing of 10,000 and 50,000 images, and the table's cost per image over JSON's. */
export function offlineFormatRows(quick: boolean): BenchRow[] {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ami-audit-bench-formats-'));
  try {
    for (const count of quick ? [10_000] : [10_000, 50_000]) {
      const input = join(dir, `estate-${count}.json`);
      writeFileSync(input, JSON.stringify(generatedEstate(count, 5)));
      const times = new Map<string, Measured>();
      for (const format of FORMATS) {
        process.stderr.write(`bench: --input of ${count} images, --output ${format}\n`);
        const measured = measureCli(['scan', '--input', input, '--output', format], {}, dir);
        times.set(format, measured);
        rows.push({
          measure: `--input ${count.toLocaleString('en-US')} images, --output ${format}`,
          figure: `${measured.seconds.toFixed(2)} s`,
          detail: `peak RSS ${measured.rssMiB.toFixed(0)} MiB; stdout to /dev/null`,
        });
      }
      const table = times.get('table')!.seconds;
      const json = times.get('json')!.seconds;
      rows.push({
        measure: `  table over JSON, ${count.toLocaleString('en-US')} images`,
        figure: `${(((table - json) * 1000) / count).toFixed(2)} ms per image`,
        detail: 'target ≤ 1 ms per image on top of the JSON time (cli-table3 in chunks of 50 rows with the widths fixed once)',
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Rows: peak RSS of a live scan by format, and JSON's against NDJSON's (target ≤ 1.2 ×). */
export async function liveMemoryRows(quick: boolean, env: Record<string, string>): Promise<BenchRow[]> {
  const count = quick ? 10_000 : 100_000;
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ami-audit-bench-memory-'));
  const emulator = await startEmulatorProcess(['--generate', String(count), '--seed', '2']);
  try {
    const peaks = new Map<string, number>();
    for (const format of FORMATS) {
      process.stderr.write(`bench: live scan of ${count} images, --output ${format}\n`);
      const measured = measureCli(['scan', '--endpoint-url', emulator.url, '--region', 'us-east-1', '--output', format], env, dir);
      peaks.set(format, measured.rssMiB);
      rows.push({
        measure: `peak RSS, live scan of ${count.toLocaleString('en-US')} images, --output ${format}`,
        figure: `${measured.rssMiB.toFixed(0)} MiB`,
        detail: `${measured.seconds.toFixed(1)} s wall, ${(count / measured.seconds).toFixed(0)} images/s`,
      });
    }
    rows.push({
      measure: `  JSON over NDJSON, ${count.toLocaleString('en-US')} images`,
      figure: `${(peaks.get('json')! / peaks.get('ndjson')!).toFixed(2)} ×`,
      detail: 'target ≤ 1.2 ×: the JSON document is written as the scan goes',
    });
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
