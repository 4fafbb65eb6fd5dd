// `npm run build && npx tsx bench/fix-pacing.ts`: how `ami-audit fix --apply` paces its writes. The
// built CLI flags 100 images on the emulator, whose ModifyImageAttribute bucket is EC2's documented
// one for mutating calls (50 burst, 5 a second), then a narrower one that the client's ceiling does
// not know about, so that the adaptive rate limiter has to find it. Each row is measured in this run.
import { startEmulator } from '../emulator/server.js';
import { FAKE_AWS_ENV, runCli } from '../test/helpers/run-cli.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ACCOUNT = '111122223333';
const IMAGES = 100;
const ROWS = [
  { capacity: 50, refillPerSecond: 5, concurrency: 5 },
  { capacity: 10, refillPerSecond: 2, concurrency: 5 },
  { capacity: 10, refillPerSecond: 2, concurrency: 50 },
];

const ids = Array.from({ length: IMAGES }, (_, index) => `ami-${(0x100 + index).toString(16).padStart(17, '0')}`);
console.log('| emulator bucket | --concurrency | flagged | failed | throttled answers | seconds | bucket bound (s) |');
console.log('|---|---|---|---|---|---|---|');
for (const row of ROWS) {
  const emulator = await startEmulator({
    throttle: { capacity: row.capacity, refillPerSecond: row.refillPerSecond },
    latencyMs: 5,
    estate: { DefaultAccountId: ACCOUNT, Regions: { 'us-east-1': { Images: ids.map((ImageId) => ({ ImageId, OwnerId: ACCOUNT, State: 'available' })) } } },
  });
  try {
    const run = await runCli(
      ['fix', '--endpoint-url', emulator.url, '--region', 'us-east-1', '--image-ids', ...ids, '--apply', '--yes', '--output', 'json', '--concurrency', String(row.concurrency)],
      { env: { ...FAKE_AWS_ENV }, timeoutMs: 600_000 },
    );
    const summary = (JSON.parse(run.stdout) as { summary: { flagged: number; failed: number } }).summary;
    const throttled = emulator.stats().throttledByAction.ModifyImageAttribute ?? 0;
    const bound = Math.max(0, IMAGES - row.capacity) / row.refillPerSecond;
    console.log(`| ${row.capacity} burst, ${row.refillPerSecond}/s | ${row.concurrency} | ${summary.flagged} | ${summary.failed} | ${throttled} | ${(run.durationMs / 1000).toFixed(1)} | ${bound} |`);
  } finally {
    await emulator.close();
  }
}
