import pLimit from 'p-limit';
import type { AccountPort, Ec2Port } from './ports.js';
import { AmiAuditError, isAmiAuditError, toScanError } from '../errors.js';
import type { ScanError, SkippedRegion } from './types.js';

/** The regions of a request: names, every region enabled for each account, or each account's own home region. */
export type RegionSelection = string[] | 'all' | 'home';

/** Most accounts planned and scanned at once, when the request does not say (`--account-concurrency`). */
export const DEFAULT_ACCOUNT_CONCURRENCY = 8;

/** How many accounts a scan reads at once; `--region-concurrency` then applies within each of them. */
export interface AccountScheduling {
  /** Most accounts in flight at once. @default 8 */
  accountConcurrency?: number;
}

/** Who the account turned out to be; `failed` when its credentials did not work at all. */
export interface Identity {
  accountId: string | null;
  failed: boolean;
}

/** One account and the regions the scan will read in it. */
export interface AccountPlan {
  account: AccountPort;
  identity: Promise<Identity>;
  regions: string[];
}

/** What planning needs of the scan: its deadline, where errors and warnings go. */
export interface PlanContext {
  signal: AbortSignal;
  recordError(error: ScanError): void;
  observer?: { onWarning?(message: string): void } | undefined;
}

/** Regions EC2 lets an account call: the ones that need no opt-in and the ones it opted in to. */
const ENABLED_OPT_IN_STATUSES = new Set(['opt-in-not-required', 'opted-in']);

/** Returns how an account is named in a message: its id and organization name when known, else the name the user gave. */
export function describeAccount(account: Pick<AccountPort, 'label' | 'accountId' | 'name'>): string {
  if (!account.accountId) return account.label;
  return account.name ? `${account.accountId} (${account.name})` : account.accountId;
}

/**
 * Identifies each account and lists the regions to scan in it, at most `accountConcurrency` accounts
 * at once; a failing account is an error, not the end. Each (account, region) is read once: a second
 * profile or role that reaches an account already scanned skips the regions scanned with the first
 * one, so no image is counted twice.
 */
export async function planRegions(
  regionSelection: RegionSelection,
  accounts: readonly AccountPort[],
  context: PlanContext,
  skipped: SkippedRegion[],
  accountConcurrency = DEFAULT_ACCOUNT_CONCURRENCY,
): Promise<AccountPlan[]> {
  const single = accounts.length === 1;
  const limitAccounts = pLimit(accountConcurrency);
  const plans = await Promise.all(
    accounts.map((account) =>
      limitAccounts(async (): Promise<AccountPlan> => {
        // STS runs alongside the first listing calls rather than before them: it saves a round trip.
        const identity = identifyAccount(account, single, context);
        // Until a region awaits it, a fatal rejection must not count as unhandled.
        identity.catch(() => undefined);
        // With several accounts, who each one is must be known before listing, so that two profiles of
        // one account are not both read (the identity calls of the accounts run side by side).
        if (!single && (await identity).failed) return { account, identity, regions: [] };
        return { account, identity, regions: await regionsOf(account, identity, regionSelection, single, context, skipped) };
      }),
    ),
  );
  if (!single) await dropRepeatedRegions(plans, skipped);
  return plans;
}

/** The regions to read in one account: the ones named, its home region, or every region it enabled. */
async function regionsOf(
  account: AccountPort,
  identity: Promise<Identity>,
  regionSelection: RegionSelection,
  single: boolean,
  context: PlanContext,
  skipped: SkippedRegion[],
): Promise<string[]> {
  if (regionSelection === 'home') {
    if (!account.homeRegion) throw new AmiAuditError('NoRegion', `No AWS region for ${account.label}: pass --region <name> (or --region all), or set one for it`);
    return [account.homeRegion];
  }
  if (regionSelection !== 'all') return regionSelection;
  let regions;
  try {
    regions = await account.listRegions(context.signal);
  } catch (error) {
    const { accountId, failed } = await identity;
    if (isAmiAuditError(error) && single) throw error;
    if (!failed) context.recordError(toScanError(error, { accountId: accountId ?? account.label, action: 'DescribeRegions' }));
    return [];
  }
  const { accountId } = await identity;
  const enabled: string[] = [];
  for (const region of regions) {
    if (ENABLED_OPT_IN_STATUSES.has(region.optInStatus)) enabled.push(region.name);
    else skipped.push({ accountId: accountId ?? account.label, region: region.name, reason: `opt-in region not enabled (${region.optInStatus})` });
  }
  return enabled;
}

/** Removes, in the order the accounts were named, each region of an account id already planned with another label. */
async function dropRepeatedRegions(plans: AccountPlan[], skipped: SkippedRegion[]): Promise<void> {
  const firstLabel = new Map<string, string>();
  for (const plan of plans) {
    const { accountId } = await plan.identity;
    if (!accountId) continue;
    plan.regions = plan.regions.filter((region) => {
      const key = `${accountId} ${region}`;
      const first = firstLabel.get(key);
      if (first === undefined) {
        firstLabel.set(key, plan.account.label);
        return true;
      }
      skipped.push({ accountId, region, reason: `already scanned with ${first}: ${plan.account.label} reaches the same account` });
      return false;
    });
  }
}

/**
 * Returns the account's identity. Credentials that do not work end a single-account scan (rejects with
 * the `AmiAuditError`); in a multi-account scan they become one error for that account. So does a
 * role that cannot be assumed in an account of the organization (its id is known in advance): one
 * error naming the account and the role, rather than one per region. Any other STS failure only
 * leaves the account id empty: the images are still worth reading.
 */
async function identifyAccount(account: AccountPort, single: boolean, context: PlanContext): Promise<Identity> {
  const known = account.accountId ?? null;
  try {
    return { accountId: await account.identify(context.signal), failed: false };
  } catch (error) {
    if (isAmiAuditError(error)) {
      if (single) throw error;
      context.recordError({ code: error.code, message: `Account ${describeAccount(account)}: ${error.message}`, accountId: known ?? account.label });
      return { accountId: known, failed: true };
    }
    const scanError = toScanError(error);
    if (known !== null && !single && scanError.code === 'AccessDenied') {
      const { region: _region, ...rest } = scanError;
      context.recordError({ ...rest, message: `Account ${describeAccount(account)}: ${scanError.message}`, accountId: known });
      return { accountId: known, failed: true };
    }
    context.observer?.onWarning?.(`could not identify account ${describeAccount(account)}: ${scanError.message}`);
    return { accountId: known, failed: false };
  }
}

/**
 * Returns the account with its organization name on every image it lists, so that every format can
 * show it; an account without a name is returned as it is.
 */
export function withAccountName(account: AccountPort): AccountPort {
  const name = account.name;
  if (name === undefined) return account;
  return {
    label: account.label,
    ...(account.homeRegion !== undefined ? { homeRegion: account.homeRegion } : {}),
    ...(account.accountId !== undefined ? { accountId: account.accountId } : {}),
    name,
    identify: (signal) => account.identify(signal),
    listRegions: (signal) => account.listRegions(signal),
    release: () => account.release?.(),
    // The fleet view reads instances, not images: nothing to name there.
    ...(account.fleet ? { fleet: (region: string) => account.fleet!(region) } : {}),
    ec2: (region: string): Ec2Port => {
      const port = account.ec2(region);
      return {
        region: port.region,
        readImageAttribute: (imageId, attribute, signal) => port.readImageAttribute(imageId, attribute, signal),
        async *listImages(query, signal, onNotFound) {
          for await (const page of port.listImages(query, signal, onNotFound)) yield page.map((image) => ({ ...image, accountName: name }));
        },
      };
    },
  };
}
