import pLimit from 'p-limit';
import { isAmiAuditError, toScanError } from '../errors.js';
import { decide, flagReason, IMDS_V2, imdsText, refuseBeforeReading, resultFor, type CurrentImage, type FixPolicy, type FixResult, type FixTarget } from './fix-plan.js';
import { summarizeFix, type FixSummary } from './fix-summary.js';
import type { Ec2Port, FixAccountPort, ImageQuery } from './ports.js';

/** What `ami-audit fix` is asked to do. */
export interface FixRequest extends FixPolicy {
  targets: readonly FixTarget[];
  /** `--apply`: write; otherwise every call is a dry run and nothing changes. */
  apply: boolean;
  /** Most `ModifyImageAttribute` calls in flight at once. */
  concurrency: number;
  /** Images of the report that the selection left out, for the summary. */
  notSelected?: number;
  /** `--timeout`: aborts the calls still waiting (throttled calls wait until it); their images failed. */
  signal?: AbortSignal;
}

/** An image that will be flagged once the user confirms: the prompt lists these. */
export interface PlannedFlag {
  target: FixTarget;
  image: CurrentImage;
  accountId: string;
}

/** What the run needs from outside: the accounts, and the user's word before a write. */
export interface FixDeps {
  accounts: readonly FixAccountPort[];
  /** Asked once, with `--apply`, before the first write, when some image is to be flagged; false aborts with nothing changed. */
  confirm(planned: readonly PlannedFlag[]): Promise<boolean>;
  /** Waits between reads back (EC2 is eventually consistent); injected so tests do not wait. */
  sleep?(ms: number): Promise<void>;
  /** The waits before each extra read back of an image that does not show `v2.0` yet. */
  readBackDelaysMs?: readonly number[];
}

/** How the run ended: the results in the order the images were asked for, and their counts. */
export interface FixOutcome {
  dryRun: boolean;
  /** True when the user declined at the prompt: nothing was written, and the results are the plan. */
  aborted: boolean;
  results: FixResult[];
  summary: FixSummary;
}

/** EC2 is eventually consistent: a change may take a moment to show in `DescribeImages`. */
const READ_BACK_DELAYS_MS = [1000, 3000];
/** Image ids per `DescribeImages` call: a short request, and one missing id costs one retry of a small batch. */
const IDS_PER_READ = 100;

/** A target on its way through the run, with the account and region it was placed in. */
interface Placed {
  index: number;
  target: FixTarget;
  account: FixAccountPort;
  accountId: string;
  region: string;
}

/**
 * Runs `ami-audit fix` on its ports: places each image in an account (by the report's account id,
 * or the one account for `--image-ids`) and a region, reads every image again (`DescribeImages`)
 * so that a stale report cannot flag the wrong thing, decides, asks for confirmation before a write,
 * calls `ModifyImageAttribute` (a dry run unless `apply`) with bounded concurrency, and reads the
 * flagged images back. A failure on one image becomes its result; only a configuration error (no
 * credentials) is thrown.
 */
export async function runFixPlan(request: FixRequest, deps: FixDeps): Promise<FixOutcome> {
  const dryRun = !request.apply;
  const results: (FixResult | undefined)[] = request.targets.map(() => undefined);
  const finish = (aborted: boolean): FixOutcome => {
    const done = results.map((result, index) => result ?? resultFor(request.targets[index]!, 'failed', 'ami-audit did not reach this image'));
    return { dryRun, aborted, results: done, summary: summarizeFix(done, request.notSelected ?? 0) };
  };

  const pending: { index: number; target: FixTarget }[] = [];
  request.targets.forEach((target, index) => {
    const refusal = refuseBeforeReading(target, request);
    if (refusal) results[index] = refusal;
    else pending.push({ index, target });
  });
  if (pending.length === 0) return finish(false);

  const placed = await placeTargets(pending, deps.accounts, results, request.signal);
  const groups = groupByAccountAndRegion(placed);
  const limit = pLimit(request.concurrency);

  // Read every image again: the decision rests on what EC2 says now, not on the report.
  const planned: (PlannedFlag & Placed)[] = [];
  await Promise.all(
    groups.map((group) =>
      limit(async () => {
        const read = await readImages(group, request.signal);
        for (const item of group) {
          if (read instanceof Error) {
            const why = request.signal?.aborted ? '--timeout reached' : read.message;
            results[item.index] = resultFor(item.target, 'failed', `could not read the image again before changing it (nothing was changed): ${why}`, { accountId: item.accountId });
            continue;
          }
          const decision = decide({ ...item.target, region: item.region }, read.get(item.target.imageId), item.accountId);
          if (decision.kind === 'done') results[item.index] = decision.result;
          else planned.push({ ...item, image: decision.image });
        }
      }),
    ),
  );
  planned.sort((a, b) => a.index - b.index);
  if (planned.length === 0) return finish(false);

  if (request.apply && !(await deps.confirm(planned))) {
    for (const item of planned) {
      results[item.index] = resultFor(withCurrentName(item), 'refused', 'not confirmed at the prompt: nothing was changed', { accountId: item.accountId, imdsSupportBefore: item.image.imdsSupport });
    }
    return finish(true);
  }

  const written: (PlannedFlag & Placed)[] = [];
  await Promise.all(
    planned.map((item) =>
      limit(async () => {
        const base = { accountId: item.accountId, imdsSupportBefore: item.image.imdsSupport, ...(item.target.verdict === 'blocked' ? { forced: true } : {}) };
        if (request.signal?.aborted) {
          results[item.index] = resultFor(withCurrentName(item), 'failed', `--timeout reached before the ${dryRun ? 'dry run' : 'write'} was sent: the image was not changed`, base);
          return;
        }
        try {
          await item.account.imageWriter(item.region).setImdsV2(item.target.imageId, dryRun, request.signal);
        } catch (error) {
          // Once writing has begun, every error stays with its image, even a configuration one
          // (credentials that expired midway): thrown, it would lose the record of what was changed.
          const scanError = isAmiAuditError(error) ? { code: error.code, message: error.message } : toScanError(error);
          if (request.signal?.aborted) {
            // The request may have reached EC2 before the abort: say so, rather than "not changed".
            const what = dryRun ? 'the dry run was stopped' : 'the write was stopped before EC2 answered: the image may or may not have been changed';
            results[item.index] = resultFor(withCurrentName(item), 'failed', `--timeout reached: ${what}; check it with "aws ec2 describe-images --image-ids ${item.target.imageId}"`, base);
            return;
          }
          // EC2 said no: a missing permission or an image the caller may not change is a refusal, with EC2's reason.
          const refused = scanError.code === 'AccessDenied' || scanError.code === 'AuthFailure';
          results[item.index] = resultFor(withCurrentName(item), refused ? 'refused' : 'failed', scanError.message, base);
          return;
        }
        if (dryRun) results[item.index] = resultFor(withCurrentName(item), 'would-flag', flagReason(item.target, true), base);
        else written.push(item);
      }),
    ),
  );

  if (written.length > 0) await readBack(written, results, deps, request.signal);
  return finish(false);
}

/** The target with the name the re-read gave. */
function withCurrentName(item: PlannedFlag): FixTarget {
  return { ...item.target, name: item.image.name };
}

/**
 * Returns each pending target placed in an account and its region. The accounts are identified
 * first; a target whose report names an account none of them is, is refused (or fails, when some
 * account could not be identified). `--image-ids` (no account id) go to the first account given.
 */
async function placeTargets(pending: { index: number; target: FixTarget }[], accounts: readonly FixAccountPort[], results: (FixResult | undefined)[], signal?: AbortSignal): Promise<Placed[]> {
  const identities = await Promise.all(
    accounts.map(async (account) => {
      try {
        return { account, accountId: await account.identify(signal) };
      } catch (error) {
        if (isAmiAuditError(error)) throw error;
        return { account, error: toScanError(error).message };
      }
    }),
  );
  const placed: Placed[] = [];
  for (const { index, target } of pending) {
    const identity = target.accountId === null ? identities[0] : identities.find((candidate) => candidate.accountId === target.accountId);
    if (identity === undefined) {
      const failed = identities.filter((candidate) => candidate.error !== undefined);
      const known = identities.map((candidate) => candidate.accountId).filter((id) => id !== undefined);
      results[index] =
        failed.length > 0
          ? resultFor(target, 'failed', `the report puts this image in account ${target.accountId}, and ${failed.map((candidate) => `the account of ${candidate.account.label} could not be identified (${candidate.error})`).join('; ')}`)
          : resultFor(target, 'refused', `the report puts this image in account ${target.accountId}, and the credentials given are for ${known.length > 0 ? `account ${known.join(', ')}` : 'no account'}: pass --profile or --role-arn for account ${target.accountId}`);
      continue;
    }
    if (identity.accountId === undefined) {
      results[index] = resultFor(target, 'failed', `could not identify the account of ${identity.account.label}: ${identity.error}`);
      continue;
    }
    // refuseBeforeReading has refused every target without a region.
    placed.push({ index, target, account: identity.account, accountId: identity.accountId, region: target.region! });
  }
  return placed;
}

/** Returns the placed targets grouped by account and region: one `DescribeImages` call per group (and per 100 ids). */
function groupByAccountAndRegion(placed: Placed[]): Placed[][] {
  const groups = new Map<string, Placed[]>();
  for (const item of placed) {
    const key = `${item.accountId}\u0000${item.region}\u0000${item.account.label}`;
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  return [...groups.values()].flatMap((group) => chunk(group, IDS_PER_READ));
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Returns the images of one group as EC2 describes them now, by id (a missing id is simply absent),
 * or the error that kept them from being read (a configuration error is thrown, unless `afterWrites`). Disabled and deprecated images are asked for too, so
 * that they are refused for their state rather than reported as missing.
 */
async function readImages(group: Placed[], signal: AbortSignal | undefined, afterWrites = false): Promise<Map<string, CurrentImage> | Error> {
  const first = group[0]!;
  const query: ImageQuery = {
    owners: [],
    executableUsers: [],
    imageIds: [...new Set(group.map((item) => item.target.imageId))],
    filters: [],
    includeDeprecated: true,
    includeDisabled: true,
  };
  const images = new Map<string, CurrentImage>();
  try {
    // Ids the region does not hold are passed to the hook and left out; the others are still listed.
    for await (const page of ec2For(first.account, first.region).listImages(query, signal, () => undefined)) {
      for (const image of page) {
        images.set(image.imageId, { imageId: image.imageId, name: image.name, ownerId: image.ownerId, public: image.public, state: image.state, imdsSupport: image.imdsSupport });
      }
    }
  } catch (error) {
    // Before any write a configuration error (no credentials) stops the run; after, it is the image's.
    if (isAmiAuditError(error)) {
      if (!afterWrites) throw error;
      return new Error(error.message);
    }
    return new Error(toScanError(error).message);
  }
  return images;
}

/** The read ports made so far, one per account and region: the adapters make a client for each. */
const readPorts = new WeakMap<FixAccountPort, Map<string, Ec2Port>>();

function ec2For(account: FixAccountPort, region: string): Ec2Port {
  const ports = readPorts.get(account) ?? new Map<string, Ec2Port>();
  readPorts.set(account, ports);
  const port = ports.get(region) ?? account.ec2(region);
  ports.set(region, port);
  return port;
}

/**
 * Reads the written images back and records each one's result: flagged when it reads `v2.0`. EC2 is
 * eventually consistent, so an image that does not show the change yet is read again after a wait;
 * one that still does not, or cannot be read, failed (the write was accepted, the result is unknown).
 */
async function readBack(written: (PlannedFlag & Placed)[], results: (FixResult | undefined)[], deps: FixDeps, signal?: AbortSignal): Promise<void> {
  const delays = deps.readBackDelaysMs ?? READ_BACK_DELAYS_MS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let waiting = written;
  const lastSeen = new Map<number, string | null | Error>();
  for (let attempt = 0; waiting.length > 0; attempt += 1) {
    const stillWaiting: (PlannedFlag & Placed)[] = [];
    for (const group of groupByAccountAndRegion(waiting) as (PlannedFlag & Placed)[][]) {
      const read = await readImages(group, signal, true);
      for (const item of group) {
        const seen = read instanceof Error ? read : (read.get(item.target.imageId)?.imdsSupport ?? null);
        if (seen === IMDS_V2) {
          results[item.index] = resultFor(withCurrentName(item), 'flagged', flagReason(item.target, false, seen), {
            accountId: item.accountId,
            imdsSupportBefore: item.image.imdsSupport,
            imdsSupportAfter: seen,
            ...(item.target.verdict === 'blocked' ? { forced: true } : {}),
          });
        } else {
          lastSeen.set(item.index, seen);
          stillWaiting.push(item);
        }
      }
    }
    if (stillWaiting.length === 0 || attempt >= delays.length || signal?.aborted) {
      for (const item of stillWaiting) {
        const seen = lastSeen.get(item.index);
        const reason =
          seen instanceof Error
            ? `EC2 accepted ImdsSupport=v2.0, but the image could not be read back: ${seen.message}; check it with "aws ec2 describe-images --image-ids ${item.target.imageId}"`
            : `EC2 accepted ImdsSupport=v2.0, but the image still reads ${imdsText(seen)} after ${attempt + 1} reads: check it with "aws ec2 describe-images --image-ids ${item.target.imageId}"`;
        results[item.index] = resultFor(withCurrentName(item), 'failed', reason, { accountId: item.accountId, imdsSupportBefore: item.image.imdsSupport, ...(seen instanceof Error ? {} : { imdsSupportAfter: seen ?? null }) });
      }
      return;
    }
    await sleep(delays[attempt]!);
    waiting = stillWaiting;
  }
}
