import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inShard, planOrganization, selectAccounts, type OrganizationSelection } from '../../src/core/plan-organization.js';
import type { OrganizationAccount, OrganizationPort } from '../../src/core/ports.js';

const account = (id: string, state = 'ACTIVE', name: string | null = `acct-${id.slice(-2)}`): OrganizationAccount => ({ id, name, state });
const ORG = [account('555555555555'), account('111111111111'), account('333333333333', 'SUSPENDED'), account('222222222222'), account('444444444444', 'PENDING_CLOSURE')];
const selection = (overrides: Partial<OrganizationSelection> = {}): OrganizationSelection => ({ role: 'ami-audit-read', include: [], exclude: [], ...overrides });

describe('selectAccounts', () => {
  test('scans the ACTIVE accounts sorted by id; the others are skipped with their state, not errors', () => {
    // GIVEN an organization with a suspended and a closing account, listed out of order
    // WHEN the accounts are chosen, called from the management account 111111111111
    const plan = selectAccounts(ORG, '111111111111', selection());
    // THEN the active ones are scanned in id order, the caller's own with its own credentials
    assert.deepEqual(plan.accounts.map((planned) => [planned.account.id, planned.own]), [['111111111111', true], ['222222222222', false], ['555555555555', false]]);
    assert.deepEqual(
      plan.skipped.map((entry) => [entry.accountId, entry.region, entry.accountName, entry.reason]),
      [
        ['333333333333', 'all', 'acct-33', 'the account is SUSPENDED in the organization: only ACTIVE accounts can be scanned'],
        ['444444444444', 'all', 'acct-44', 'the account is PENDING_CLOSURE in the organization: only ACTIVE accounts can be scanned'],
      ],
    );
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.scope, { role: 'ami-audit-read', callerAccountId: '111111111111', listed: 5, selected: 3 });
  });

  test('--accounts keeps only the ids named; an id the organization lacks is one NotFound error', () => {
    const plan = selectAccounts(ORG, '111111111111', selection({ include: ['222222222222', '999999999999'] }));
    assert.deepEqual(plan.accounts.map((planned) => planned.account.id), ['222222222222']);
    assert.deepEqual(plan.skipped, []);
    assert.equal(plan.errors.length, 1);
    assert.equal(plan.errors[0]!.code, 'NotFound');
    assert.equal(plan.errors[0]!.accountId, '999999999999');
    assert.match(plan.errors[0]!.message, /Account 999999999999 \(--accounts\) is not in the organization/);
  });

  test('--exclude-accounts drops ids, even the caller\'s own, and lists them as skipped', () => {
    const plan = selectAccounts(ORG, '111111111111', selection({ exclude: ['111111111111', '555555555555'] }));
    assert.deepEqual(plan.accounts.map((planned) => planned.account.id), ['222222222222']);
    assert.deepEqual(plan.skipped.filter((entry) => entry.reason.includes('--exclude-accounts')).map((entry) => entry.accountId), ['111111111111', '555555555555']);
  });

  test('shards split the sorted list by position modulo n: together they cover the organization once', () => {
    // GIVEN 23 accounts, some suspended
    const many = Array.from({ length: 23 }, (_, index) => account(String(100000000000 + index * 7919), index % 5 === 0 ? 'SUSPENDED' : 'ACTIVE'));
    const whole = selectAccounts(many, '999999999999', selection());
    for (const count of [1, 2, 3, 4, 7, 30]) {
      // WHEN each of n shards is chosen
      const shards = Array.from({ length: count }, (_, index) => selectAccounts(many, '999999999999', selection({ shard: { index: index + 1, count } })));
      // THEN their accounts and skipped entries are the whole, each once
      const scanned = shards.flatMap((plan) => plan.accounts.map((planned) => planned.account.id));
      assert.deepEqual([...scanned].sort(), whole.accounts.map((planned) => planned.account.id), `${count} shards`);
      assert.equal(new Set(scanned).size, scanned.length);
      assert.deepEqual(shards.flatMap((plan) => plan.skipped.map((entry) => entry.accountId)).sort(), whole.skipped.map((entry) => entry.accountId).sort());
      assert.deepEqual(shards[0]!.scope.shard, { index: 1, count });
    }
  });

  test('an unknown --accounts id is reported by the first shard only, so a merge counts it once', () => {
    const errorsOf = (index: number) => selectAccounts(ORG, '111111111111', selection({ include: ['999999999999'], shard: { index, count: 3 } })).errors.length;
    assert.deepEqual([errorsOf(1), errorsOf(2), errorsOf(3)], [1, 0, 0]);
  });

  test('inShard counts from 1', () => {
    assert.deepEqual([0, 1, 2, 3, 4].filter((position) => inShard(position, { index: 2, count: 2 })), [1, 3]);
    assert.ok(inShard(5, undefined));
  });
});

describe('planOrganization', () => {
  test('reads every page, empty ones too, until there is no NextToken', async () => {
    // GIVEN a port whose pages include empty ones
    const pages = [[], [account('222222222222')], [], [], [account('111111111111'), account('333333333333', 'CLOSED')], []];
    const port: OrganizationPort = {
      callerAccountId: async () => '111111111111',
      async *listAccounts() {
        for (const page of pages) yield page;
      },
    };
    // WHEN the organization is planned
    const plan = await planOrganization(port, selection());
    // THEN every account of every page is there
    assert.equal(plan.scope.listed, 3);
    assert.deepEqual(plan.accounts.map((planned) => planned.account.id), ['111111111111', '222222222222']);
    assert.deepEqual(plan.skipped.map((entry) => entry.accountId), ['333333333333']);
  });
});
