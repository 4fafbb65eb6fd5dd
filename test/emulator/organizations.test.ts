// Organizations ListAccounts (JSON 1.1) and STS AssumeRole per account, through the real clients;
// the knobs and counters on a JSON service; the estate's Organization fields.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListAccountsCommand, paginateListAccounts, type Account } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { parseEstate, type RichEstateDocument } from '../../emulator/estate.js';
import { organizations, rejectsWith, sts, withEmulator } from './helpers.js';

const MANAGEMENT = '100000000001';
const DELEGATED = '100000000002';
const MEMBER = '100000000003';
const KEYS = { management: 'AKIAMANAGEMENT000001', delegated: 'AKIADELEGATED0000002', member: 'AKIAMEMBER0000000003' };

/** An organization of 25 accounts: management, delegated administrator, members (one suspended, one closed). */
function orgEstate(): RichEstateDocument {
  const members = Array.from({ length: 22 }, (_, i) => ({ AccountId: String(200000000000 + i) }));
  return {
    DefaultAccountId: MANAGEMENT,
    Organization: { ManagementAccountId: MANAGEMENT, DelegatedAdministrators: [DELEGATED], Id: 'o-exampleorg1' },
    Accounts: [
      { AccountId: MANAGEMENT, AccessKeyIds: [KEYS.management], Name: 'management', Email: 'root@example.com', JoinedMethod: 'CREATED', JoinedTimestamp: '2020-05-01T12:00:00Z' },
      { AccountId: DELEGATED, AccessKeyIds: [KEYS.delegated], Name: 'security', Roles: ['AuditRole'] },
      { AccountId: MEMBER, AccessKeyIds: [KEYS.member], OrganizationState: 'SUSPENDED', Roles: [] },
      { AccountId: '100000000004', OrganizationState: 'CLOSED', JoinedMethod: 'INVITED' },
      ...members,
    ],
  };
}

async function allAccounts(client: ReturnType<typeof organizations>, pageSize?: number): Promise<{ accounts: Account[]; pages: number }> {
  const accounts: Account[] = [];
  let pages = 0;
  for await (const page of paginateListAccounts({ client, ...(pageSize ? { pageSize } : {}) }, {})) {
    pages++;
    accounts.push(...(page.Accounts ?? []));
  }
  return { accounts, pages };
}

test('ListAccounts pages through every account, 20 at most per page', async () => {
  await withEmulator({ estate: orgEstate() }, async (emulator) => {
    // GIVEN the management account's credentials
    const client = organizations(emulator, { accessKeyId: KEYS.management });
    // WHEN it lists with the SDK's paginator
    const { accounts, pages } = await allAccounts(client);
    // THEN every account comes back once, in 2 pages (20 + 6)
    assert.equal(pages, 2);
    assert.equal(accounts.length, 26);
    assert.equal(new Set(accounts.map((a) => a.Id)).size, 26);
    assert.deepEqual(accounts[0], {
      Id: MANAGEMENT,
      Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-exampleorg1/${MANAGEMENT}`,
      Email: 'root@example.com',
      Name: 'management',
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: new Date('2020-05-01T12:00:00Z'),
    });
    const byId = new Map(accounts.map((a) => [a.Id, a]));
    assert.equal(byId.get(MEMBER)?.State, 'SUSPENDED');
    assert.equal(byId.get(MEMBER)?.Status, 'SUSPENDED');
    assert.equal(byId.get('100000000004')?.State, 'CLOSED');
    assert.equal(byId.get('100000000004')?.Status, 'SUSPENDED', 'the retired Status has no CLOSED');
    assert.equal(byId.get('100000000004')?.JoinedMethod, 'INVITED');
    assert.equal(byId.get('200000000000')?.Name, 'account-200000000000');
    assert.equal(byId.get('200000000000')?.Email, 'aws+200000000000@example.com');
    assert.ok(byId.get('200000000000')?.JoinedTimestamp instanceof Date);

    // MaxResults is honoured, and the delegated administrator may list too.
    const small = await allAccounts(organizations(emulator, { accessKeyId: KEYS.delegated }), 7);
    assert.equal(small.pages, 4);
    assert.deepEqual(small.accounts.map((a) => a.Id), accounts.map((a) => a.Id));
    assert.equal(emulator.stats().requestsByAction.ListAccounts, 6);
    assert.equal(emulator.stats().requestsByRegion['us-east-1'], 6);
  });
});

test('emptyAccountPages: empty pages with a NextToken come before each non-empty page', async () => {
  await withEmulator({ estate: orgEstate(), emptyAccountPages: 2 }, async (emulator) => {
    const client = organizations(emulator, { accessKeyId: KEYS.management });
    const first = await client.send(new ListAccountsCommand({}));
    assert.deepEqual(first.Accounts, []);
    assert.ok(first.NextToken, 'an empty page still carries a NextToken');
    const { accounts, pages } = await allAccounts(client);
    assert.equal(accounts.length, 26);
    assert.equal(pages, 6, '2 empty pages before each of the 2 full ones');
  });
});

test('MaxResults outside 1-20 and a made-up NextToken are InvalidInputException', async () => {
  await withEmulator({ estate: orgEstate() }, async (emulator) => {
    const client = organizations(emulator, { accessKeyId: KEYS.management });
    const e = await rejectsWith(client.send(new ListAccountsCommand({ MaxResults: 21 })), 'InvalidInputException', 400);
    assert.equal((e as unknown as { Reason: string }).Reason, 'MAX_VALUE_EXCEEDED');
    await rejectsWith(client.send(new ListAccountsCommand({ MaxResults: 0 })), 'InvalidInputException', 400);
    const t = await rejectsWith(client.send(new ListAccountsCommand({ NextToken: 'bogus' })), 'InvalidInputException', 400);
    assert.equal((t as unknown as { Reason: string }).Reason, 'INVALID_NEXT_TOKEN');
  });
});

test('a member account gets AccessDeniedException; without an Organization, AWSOrganizationsNotInUseException', async () => {
  await withEmulator({ estate: orgEstate() }, async (emulator) => {
    const e = await rejectsWith(organizations(emulator, { accessKeyId: KEYS.member }).send(new ListAccountsCommand({})), 'AccessDeniedException', 403);
    assert.match(e.message, /You don't have permissions to access this resource/);
  });
  await withEmulator({ estate: { Accounts: [{ AccountId: MANAGEMENT }] } }, async (emulator) => {
    const e = await rejectsWith(organizations(emulator).send(new ListAccountsCommand({})), 'AWSOrganizationsNotInUseException', 404);
    assert.match(e.message, /not a member of an organization/);
  });
});

test('knobs on a JSON service: DeniedActions, failAction, throttle, latency, hangAction, echoHeaders', async () => {
  const estate = orgEstate();
  estate.Accounts![0]!.DeniedActions = ['organizations:ListAccounts'];
  await withEmulator({ estate }, async (emulator) => {
    const client = organizations(emulator, { accessKeyId: KEYS.management });
    await rejectsWith(client.send(new ListAccountsCommand({})), 'AccessDeniedException', 403);
    const delegated = organizations(emulator, { accessKeyId: KEYS.delegated });

    emulator.setOptions({ failAction: 'ListAccounts' });
    await rejectsWith(delegated.send(new ListAccountsCommand({})), 'ServiceException', 500);
    emulator.setOptions({ failAction: [], throttle: { capacity: 1, refillPerSecond: 0 } });
    await delegated.send(new ListAccountsCommand({}));
    const t = await rejectsWith(delegated.send(new ListAccountsCommand({})), 'TooManyRequestsException', 429);
    assert.equal((t as unknown as { Type: string }).Type, 'AccountThrottled');
    assert.equal(emulator.stats().throttledByAction.ListAccounts, 1);

    emulator.setOptions({ throttle: false, echoHeaders: { action: 'ListAccounts', code: 'InvalidInputException' } });
    const echoed = await rejectsWith(delegated.send(new ListAccountsCommand({})), 'InvalidInputException', 400);
    assert.match(echoed.message, /authorization/);

    emulator.setOptions({ echoHeaders: undefined, latencyByAction: { ListAccounts: 120 } });
    const start = performance.now();
    await delegated.send(new ListAccountsCommand({}));
    assert.ok(performance.now() - start >= 110);

    emulator.setOptions({ latencyByAction: {}, hangAction: 'ListAccounts' });
    const hung = organizations(emulator, { accessKeyId: KEYS.delegated, requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true } });
    await assert.rejects(hung.send(new ListAccountsCommand({})), /timeout|timed out/i);
  });
});

test('an unknown X-Amz-Target answers UnknownOperationException in JSON', async () => {
  await withEmulator({ estate: orgEstate() }, async (emulator) => {
    const res = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSOrganizationsV20161128.DeleteOrganization' },
      body: '{}',
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { __type: string }).__type, 'com.amazonaws.organizations#UnknownOperationException');
  });
});

test('AssumeRole: Accounts[].Roles lists the roles that exist; others are AccessDenied', async () => {
  await withEmulator({ estate: orgEstate() }, async (emulator) => {
    const client = sts(emulator, { accessKeyId: KEYS.management });
    // GIVEN the security account has only AuditRole
    const ok = await client.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${DELEGATED}:role/AuditRole`, RoleSessionName: 'scan' }));
    const who = await sts(emulator, { accessKeyId: ok.Credentials!.AccessKeyId }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, DELEGATED);
    // WHEN another role is asked for THEN AccessDenied, as STS answers for a missing role
    const e = await rejectsWith(
      client.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${DELEGATED}:role/OrganizationAccountAccessRole`, RoleSessionName: 'scan' })),
      'AccessDenied',
      403,
    );
    assert.match(e.message, /not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::100000000002:role\/OrganizationAccountAccessRole/);
    await rejectsWith(client.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/AuditRole`, RoleSessionName: 's' })), 'AccessDenied', 403);
    // An account without Roles accepts any role name.
    await client.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::200000000001:role/Anything', RoleSessionName: 's' }));
  });
});

test('the estate rejects a bad Organization block and bad account fields, naming each problem', () => {
  assert.throws(
    () =>
      parseEstate({
        Organization: { ManagementAccountId: '999999999999', DelegatedAdministrators: ['1'], Extra: 1 },
        Accounts: [{ AccountId: MANAGEMENT, OrganizationState: 'GONE', Roles: ['bad role'], Name: 3, JoinedTimestamp: 'soon' }],
      }),
    (err: Error) => {
      for (const expected of [
        'Organization.ManagementAccountId: must be the AccountId of one of Accounts[]',
        'Organization.DelegatedAdministrators: must be an array of AccountIds of Accounts[]',
        'Organization.Extra: unknown field',
        'Accounts[0].OrganizationState: must be one of ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED',
        'Accounts[0].Roles: must be an array of IAM role names',
        'Accounts[0].Name: must be a non-empty string',
        'Accounts[0].JoinedTimestamp: must be an ISO date',
      ]) {
        assert.ok(err.message.includes(expected), `${expected}\nin\n${err.message}`);
      }
      return true;
    },
  );
});
