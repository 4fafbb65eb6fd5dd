import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { roleSessions } from '../../emulator/actions/assume-role.js';
import { generateImages } from '../../emulator/generate.js';
import type { RichEstateDocument } from '../../emulator/estate.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, scanAgainst } from '../helpers/emulator.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { lineSchemaErrors, sarifErrors, schemaErrors } from '../helpers/schema.js';

const MANAGEMENT = '111111111111';
const DEV = '222222222222';
const SUSPENDED = '333333333333';
const NO_ROLE = '444444444444';
const PROD = '555555555555';
const ROLE = 'ami-audit-read';

/**
 * An organization of five accounts: the management account (the caller; it has no audit role, so it
 * can only be scanned with its own credentials), two members with the role, one suspended, and one
 * whose role was never deployed.
 */
const estate: RichEstateDocument = {
  DefaultAccountId: MANAGEMENT,
  Organization: { ManagementAccountId: MANAGEMENT },
  Accounts: [
    { AccountId: MANAGEMENT, Name: 'management', Roles: [] },
    { AccountId: DEV, Name: 'dev', Roles: [ROLE], AccessKeyIds: ['AKIADEVAAAAAAAAAAAAA'] },
    { AccountId: SUSPENDED, Name: 'old', OrganizationState: 'SUSPENDED', Roles: [ROLE] },
    { AccountId: NO_ROLE, Name: 'data', Roles: ['OrganizationAccountAccessRole'] },
    { AccountId: PROD, Name: 'prod' },
  ],
  Regions: {
    'us-east-1': {
      Images: [
        ...generateImages(3, 11, { ownerId: MANAGEMENT, allAvailable: true }),
        ...generateImages(4, 12, { ownerId: DEV, allAvailable: true }),
        ...generateImages(2, 13, { ownerId: SUSPENDED, allAvailable: true }),
        ...generateImages(2, 14, { ownerId: NO_ROLE, allAvailable: true }),
        ...generateImages(5, 15, { ownerId: PROD, allAvailable: true }),
      ],
    },
  },
};

interface Image {
  imageId: string;
  accountId: string;
  accountName?: string;
}
interface Report {
  images: Image[];
  errors: { code: string; message: string; accountId?: string }[];
  skipped: { accountId: string; accountName?: string; region: string; reason: string }[];
  scope: { organization?: { role: string; callerAccountId: string; listed: number; selected: number; shard?: { index: number; count: number } } };
  summary: { images: number; complete: boolean; errors: number; countedBySeverity: Record<string, number>; byAccount?: Record<string, { name?: string; images: number; errors: number }> };
}

function json(run: CliRun): Report {
  try {
    return JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}): ${run.stdout.slice(0, 200)} / stderr: ${run.stderr.slice(0, 500)}`);
  }
}

/** The image lines and the summary line of an NDJSON run, each checked against the line schema. */
function ndjson(run: CliRun): { images: Image[]; summary: Report } {
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const line of lines) assert.deepEqual(lineSchemaErrors(line), [], JSON.stringify(line).slice(0, 200));
  return { images: lines.filter((line) => line.type === 'image') as unknown as Image[], summary: lines.at(-1) as unknown as Report };
}

const ids = (images: Image[]) => images.map((image) => image.imageId).sort();
const owned = (...accounts: string[]) => estate.Regions!['us-east-1']!.Images!.filter((image) => accounts.includes(image.OwnerId as string)).map((image) => image.ImageId as string).sort();
/** The exit status a complete scan's gate gives at --fail-on high. */
const gateOf = (report: Report) => (report.summary.countedBySeverity.high! + report.summary.countedBySeverity.critical! > 0 ? 1 : 0);

describe('scan --org', () => {
  let emulator: RunningEmulator;
  let dir: string;
  before(async () => {
    // Two empty pages before each page of accounts, as Organizations may answer.
    emulator = await emulatorFor({ estate, emptyAccountPages: 2 });
    dir = mkdtempSync(join(tmpdir(), 'ami-audit-org-'));
  });
  after(() => emulator.close());
  const org = (args: string[]) => scanAgainst(emulator, ['--org', '--org-role', ROLE, '--region', 'us-east-1', ...args]);

  test('scans every active account; a suspended one is skipped, a missing role is one error naming account and role, exit 3', async () => {
    // GIVEN the management account's credentials, and an external id for the roles
    emulator.resetStats();
    const sessionsBefore = roleSessions.length;
    // WHEN the organization is scanned
    const run = await org(['--external-id', 'ext-7', '--output', 'json']);
    // THEN the scan is incomplete because one account could not be read
    assert.equal(run.code, 3, run.stderr);
    const report = json(run);
    assert.deepEqual(schemaErrors(report), []);
    // AND the error names the account and the role, on stderr and in errors[]
    assert.deepEqual(report.errors.map((error) => [error.code, error.accountId]), [['AccessDenied', NO_ROLE]]);
    assert.match(report.errors[0]!.message, new RegExp(`^Account ${NO_ROLE} \\(data\\): Could not assume role arn:aws:iam::${NO_ROLE}:role/${ROLE}: AccessDenied`));
    assert.match(run.stderr, new RegExp(`^ami-audit: error: Account ${NO_ROLE} \\(data\\): Could not assume role arn:aws:iam::${NO_ROLE}:role/${ROLE}`, 'm'));
    // AND the suspended account is skipped, not an error
    assert.deepEqual(report.skipped, [{ accountId: SUSPENDED, region: 'all', reason: 'the account is SUSPENDED in the organization: only ACTIVE accounts can be scanned', accountName: 'old' }]);
    assert.match(run.stderr, new RegExp(`^ami-audit: skipped account ${SUSPENDED} \\(old\\): the account is SUSPENDED`, 'm'));
    // AND the others are all read, the management account with its own credentials (it has no role)
    assert.deepEqual(ids(report.images), owned(MANAGEMENT, DEV, PROD));
    assert.deepEqual(new Set(report.images.map((image) => `${image.accountId} ${image.accountName}`)), new Set([`${MANAGEMENT} management`, `${DEV} dev`, `${PROD} prod`]));
    assert.deepEqual(
      Object.entries(report.summary.byAccount!).map(([id, totals]) => [id, totals.name, totals.images, totals.errors]),
      [[MANAGEMENT, 'management', 3, 0], [DEV, 'dev', 4, 0], [NO_ROLE, 'data', 0, 1], [PROD, 'prod', 5, 0]],
    );
    assert.deepEqual(report.scope.organization, { role: ROLE, callerAccountId: MANAGEMENT, listed: 5, selected: 4 });
    // AND the list was read through its empty pages, and each role that exists assumed once, with the external id
    assert.equal(emulator.stats().requestsByAction.ListAccounts, 3);
    const sessions = roleSessions.slice(sessionsBefore);
    assert.deepEqual(sessions.map((session) => session.roleArn).sort(), [DEV, PROD].map((id) => `arn:aws:iam::${id}:role/${ROLE}`));
    assert.ok(sessions.every((session) => session.externalId === 'ext-7' && session.sessionName.startsWith('ami-audit-')));
    // AND no credential reached the output
    assert.doesNotMatch(run.stdout + run.stderr, /ASIA[A-Z0-9]{16}/);
  });

  test('--accounts and --exclude-accounts narrow the list; an excluded account is listed as skipped', async () => {
    const run = await org(['--accounts', `${DEV},${PROD}`, MANAGEMENT, '--exclude-accounts', PROD, '--output', 'json', '--fail-on', 'none']);
    assert.equal(run.code, 0, run.stderr);
    const report = json(run);
    assert.deepEqual(ids(report.images), owned(MANAGEMENT, DEV));
    assert.deepEqual(report.skipped.map((entry) => [entry.accountId, entry.reason]), [[PROD, 'excluded with --exclude-accounts']]);
    const unknown = await org(['--accounts', '999999999999', '--output', 'json']);
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(unknown.stderr, /^ami-audit: error: Account 999999999999 \(--accounts\) is not in the organization/m);
  });

  test('--fleet reads each account\'s own fleet view, the management account and the members alike', async () => {
    const run = await org(['--accounts', MANAGEMENT, DEV, '--fleet', '--output', 'json', '--fail-on', 'none']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { images: { accountId: string; usage?: unknown; effectiveHttpTokens?: string | null }[]; summary: { fleet?: { accountDefaults: { accountId: string }[] } } };
    assert.ok(report.images.length > 0);
    for (const image of report.images) {
      assert.notEqual(image.usage, undefined, `${image.accountId}: usage`);
      assert.notEqual(image.effectiveHttpTokens, null, `${image.accountId}: effective tokens`);
    }
    assert.deepEqual(report.summary.fleet!.accountDefaults.map((defaults) => defaults.accountId), [MANAGEMENT, DEV]);
  });

  test('NDJSON over every account: image lines as they come, the summary line with byAccount, and the gate', async () => {
    const all = await org(['--output', 'ndjson', '--fail-on', 'none']);
    assert.equal(all.code, 3, 'the account without the role keeps the gate closed, whatever --fail-on');
    const { images, summary } = ndjson(all);
    assert.deepEqual(ids(images), owned(MANAGEMENT, DEV, PROD));
    assert.equal(summary.summary.byAccount![PROD]!.images, 5);
    // WHEN the account without the role is left out, THEN the gate decides on the findings
    const readable = await org(['--output', 'ndjson', '--exclude-accounts', NO_ROLE]);
    const { summary: complete } = ndjson(readable);
    assert.equal(complete.summary.complete, true);
    assert.equal(readable.code, gateOf(complete), readable.stderr);
  });

  test('shards cover the organization once; merge makes them one report on which the gate, SARIF and diff work', async () => {
    // GIVEN a whole scan, and the same scan in three shards written to files
    const whole = await org(['--output', 'json', '--exclude-accounts', NO_ROLE]);
    const wholePath = join(dir, 'whole.json');
    writeFileSync(wholePath, whole.stdout);
    const shardPaths: string[] = [];
    const shardImages: string[][] = [];
    for (const index of [1, 2, 3]) {
      const run = await org(['--output', 'ndjson', '--exclude-accounts', NO_ROLE, '--shard', `${index}/3`]);
      assert.notEqual(run.code, 2, run.stderr);
      const { images, summary } = ndjson(run);
      assert.deepEqual(summary.scope.organization!.shard, { index, count: 3 });
      shardImages.push(ids(images));
      shardPaths.push(join(dir, `shard-${index}.ndjson`));
      writeFileSync(shardPaths.at(-1)!, run.stdout);
    }
    // THEN the shards' images are the whole scan's, each once
    assert.deepEqual(shardImages.flat().sort(), ids(json(whole).images));
    // WHEN they are merged
    const merged = await runCli(['merge', ...shardPaths, '--output', 'json']);
    // THEN the merged report is the whole scan's, with the same exit code
    assert.equal(merged.code, whole.code, merged.stderr);
    const report = json(merged);
    assert.deepEqual(schemaErrors(report), []);
    assert.deepEqual(ids(report.images), ids(json(whole).images));
    assert.equal(report.summary.complete, true);
    assert.deepEqual(report.summary.byAccount, json(whole).summary.byAccount);
    assert.deepEqual(report.skipped.map((entry) => entry.accountId).sort(), [SUSPENDED, NO_ROLE]);
    // AND diff finds nothing between the merged report and the whole scan
    const mergedPath = join(dir, 'merged.json');
    writeFileSync(mergedPath, merged.stdout);
    const diff = await runCli(['diff', wholePath, mergedPath, '--output', 'json']);
    assert.equal(diff.code, 0, diff.stderr);
    assert.deepEqual(JSON.parse(diff.stdout).summary, JSON.parse((await runCli(['diff', wholePath, wholePath, '--output', 'json'])).stdout).summary);
    // AND SARIF and Markdown render the merged report
    const sarif = await runCli(['merge', ...shardPaths, '--output', 'sarif', '--fail-on', 'none']);
    assert.equal(sarif.code, 0, sarif.stderr);
    assert.deepEqual(sarifErrors(JSON.parse(sarif.stdout)), []);
    assert.match((await runCli(['merge', ...shardPaths, '--output', 'markdown', '--fail-on', 'none'])).stdout, /\d+ images?/);
    // AND a missing shard is named, and keeps the gate closed
    const partial = await runCli(['merge', shardPaths[0]!, shardPaths[2]!, '--output', 'ndjson', '--fail-on', 'none']);
    assert.equal(partial.code, 3);
    assert.match(partial.stderr, /^ami-audit: error: Shard 2\/3 is missing from the merge: its accounts were not read/m);
    assert.equal(ndjson(partial).summary.summary.complete, false);
  });

  test('bad values and a caller that may not list the organization are one line, exit 2', async () => {
    const shard = await org(['--shard', '3/2']);
    assert.equal(shard.code, 2);
    assert.match(shard.stderr, /^ami-audit: error: --shard "3\/2" is not valid: give <i>\/<n> with 1 <= i <= n, such as 1\/4 \(part 1 of 4\)\n$/);
    const member = await scanAgainst(emulator, ['--org', '--region', 'us-east-1'], { AWS_ACCESS_KEY_ID: 'AKIADEVAAAAAAAAAAAAA' });
    assert.equal(member.code, 2);
    assert.match(member.stderr, /^ami-audit: error: --org could not list the organization's accounts \(AccessDeniedException\): only the management account or a delegated administrator may list the accounts/);
    assert.equal(member.stderr.trim().split('\n').length, 1);
    const mismatch = await runCli(['merge', '/nonexistent/a.json']);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /^ami-audit: error: Cannot read \/nonexistent\/a\.json: no such file\n$/);
  });
});
