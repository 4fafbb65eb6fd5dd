import type { OrganizationAccount, OrganizationPort } from './ports.js';
import type { OrganizationScope, ScanError, Shard, SkippedRegion } from './types.js';

/** The only state in which an account can be scanned: the others cannot run or answer EC2 calls. */
const SCANNABLE_STATE = 'ACTIVE';

/** What the user asked of the organization: which accounts, through which role, which part of a split. */
export interface OrganizationSelection {
  /** The role assumed in each member account (`--org-role`). */
  role: string;
  /** Only these account ids (`--accounts`); empty means every account. */
  include: readonly string[];
  /** Never these (`--exclude-accounts`). */
  exclude: readonly string[];
  /** Only this part of the sorted account list (`--shard i/n`). */
  shard?: Shard;
}

/** An account to scan: through the role, or with the caller's own credentials when it is the caller's account. */
export interface PlannedAccount {
  account: OrganizationAccount;
  /** True for the account whose credentials listed the organization: it is scanned with them. */
  own: boolean;
}

/** What listing the organization decided: accounts to scan in order, accounts skipped, ids not found. */
export interface OrganizationPlan {
  accounts: PlannedAccount[];
  skipped: SkippedRegion[];
  errors: ScanError[];
  scope: OrganizationScope;
}

/** Returns whether `index` (0-based, in the account list sorted by id) falls in the shard (`--shard i/n`: position modulo n is i - 1). */
export function inShard(position: number, shard: Shard | undefined): boolean {
  return shard === undefined || position % shard.count === shard.index - 1;
}

/**
 * Lists the organization (every page, empty ones too) and the caller's account, then chooses the
 * accounts to scan (see `selectAccounts`). A failure to list is thrown as the port threw it.
 */
export async function planOrganization(port: OrganizationPort, selection: OrganizationSelection, signal?: AbortSignal): Promise<OrganizationPlan> {
  const callerPromise = port.callerAccountId(signal);
  // Until it is awaited, a rejection must not count as unhandled.
  callerPromise.catch(() => undefined);
  const listed: OrganizationAccount[] = [];
  for await (const page of port.listAccounts(signal)) listed.push(...page);
  return selectAccounts(listed, await callerPromise, selection);
}

/**
 * Returns the accounts to scan, from the organization's list, sorted by id:
 * - `--shard i/n` keeps the accounts whose position in the whole sorted list is i - 1 modulo n, so the
 *   shards split the organization the same way whatever each account's state, and together cover it;
 * - `--accounts` keeps only the ids named (an id the organization does not list is an error, reported
 *   by the first shard only, so that a merge counts it once); `--exclude-accounts` drops ids and lists
 *   them as skipped;
 * - an account that is not `ACTIVE` (suspended, closing, closed) is skipped with its state as reason;
 * - the caller's own account is scanned with the caller's credentials, the others through the role.
 */
export function selectAccounts(listed: readonly OrganizationAccount[], callerAccountId: string, selection: OrganizationSelection): OrganizationPlan {
  const byId = new Map<string, OrganizationAccount>();
  for (const account of listed) if (!byId.has(account.id)) byId.set(account.id, account);
  const sorted = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const include = new Set(selection.include);
  const exclude = new Set(selection.exclude);
  const accounts: PlannedAccount[] = [];
  const skipped: SkippedRegion[] = [];
  const errors: ScanError[] = [];
  sorted.forEach((account, position) => {
    if (!inShard(position, selection.shard)) return;
    if (include.size > 0 && !include.has(account.id)) return;
    const named = account.name !== null ? { accountName: account.name } : {};
    if (exclude.has(account.id)) {
      skipped.push({ accountId: account.id, region: 'all', reason: 'excluded with --exclude-accounts', ...named });
    } else if (account.state !== SCANNABLE_STATE) {
      skipped.push({ accountId: account.id, region: 'all', reason: `the account is ${account.state} in the organization: only ACTIVE accounts can be scanned`, ...named });
    } else {
      accounts.push({ account, own: account.id === callerAccountId });
    }
  });
  if (selection.shard === undefined || selection.shard.index === 1) {
    for (const id of selection.include) {
      if (!byId.has(id)) {
        errors.push({ code: 'NotFound', accountId: id, action: 'ListAccounts', message: `Account ${id} (--accounts) is not in the organization: check the id, or list the accounts with "aws organizations list-accounts"` });
      }
    }
  }
  return {
    accounts,
    skipped,
    errors,
    scope: {
      role: selection.role,
      callerAccountId,
      listed: sorted.length,
      selected: accounts.length,
      ...(selection.shard ? { shard: { ...selection.shard } } : {}),
    },
  };
}
