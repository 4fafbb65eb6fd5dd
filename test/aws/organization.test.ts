import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { ListAccountsCommand, OrganizationsClient, OrganizationsServiceException } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createOrganizationAccountPorts, SdkOrganizationPort } from '../../src/aws/organization.js';
import type { AccountPort, Ec2Port } from '../../src/core/ports.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { scan } from '../../src/core/scan.js';
import type { ImageRecord } from '../../src/core/types.js';
import { AwsCallError, isAmiAuditError } from '../../src/errors.js';
import { anImage, NOW } from '../helpers/builders.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const organizations = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);
beforeEach(() => {
  organizations.reset();
  sts.reset();
});

const settings = { maxAttempts: 1, retryMode: 'standard' as const, requestTimeoutMs: 5_000 };
const credentials = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' };
Object.assign(process.env, credentials);

describe('SdkOrganizationPort', () => {
  test('pages through ListAccounts, empty pages too, and reads State, not the retired Status', async () => {
    // GIVEN an organization that answers empty pages between the accounts
    organizations
      .on(ListAccountsCommand, {})
      .resolves({ Accounts: [], NextToken: 't1' })
      .on(ListAccountsCommand, { NextToken: 't1' })
      .resolves({ Accounts: [{ Id: '111111111111', Name: 'management', State: 'ACTIVE', Status: 'ACTIVE' }], NextToken: 't2' })
      .on(ListAccountsCommand, { NextToken: 't2' })
      .resolves({ Accounts: [], NextToken: 't3' })
      .on(ListAccountsCommand, { NextToken: 't3' })
      .resolves({ Accounts: [{ Id: '222222222222', Name: 'dev', State: 'SUSPENDED', Status: 'ACTIVE' }] });
    const port = new SdkOrganizationPort(settings, 'us-east-1');
    // WHEN every page is read
    const pages = [];
    for await (const page of port.listAccounts()) pages.push(page);
    port.destroy();
    // THEN four calls were made, and the suspended account says so whatever Status says
    assert.equal(organizations.commandCalls(ListAccountsCommand).length, 4);
    assert.deepEqual(pages.flat(), [
      { id: '111111111111', name: 'management', state: 'ACTIVE' },
      { id: '222222222222', name: 'dev', state: 'SUSPENDED' },
    ]);
  });

  test('a caller that may not list the organization is a configuration error naming who may', async () => {
    organizations.on(ListAccountsCommand).rejects(new OrganizationsServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'You don\'t have permissions to access this resource.' }));
    const port = new SdkOrganizationPort(settings, 'us-east-1');
    await assert.rejects(
      async () => {
        for await (const _page of port.listAccounts()) void _page;
      },
      (error: unknown) => isAmiAuditError(error) && error.code === 'InvalidCredentials' && /only the management account or a delegated administrator may list the accounts/.test(error.message),
    );
    port.destroy();
  });
});

describe('createOrganizationAccountPorts', () => {
  test('the caller\'s account uses its own credentials; the others assume the role once each, with the external id', async () => {
    // GIVEN STS that lets the role be assumed in one account and refuses it in another
    sts.on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::222222222222:role/ami-audit-read' }).resolves({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) },
    });
    sts.on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::333333333333:role/ami-audit-read' }).rejects(new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'not authorized' }));
    const planned = [
      { account: { id: '111111111111', name: 'management', state: 'ACTIVE' }, own: true },
      { account: { id: '222222222222', name: 'dev', state: 'ACTIVE' }, own: false },
      { account: { id: '333333333333', name: null, state: 'ACTIVE' }, own: false },
    ];
    // WHEN the ports identify themselves
    const { accounts, destroy } = createOrganizationAccountPorts(planned, { role: 'ami-audit-read', externalId: 'ext-1' }, settings, 'us-east-1');
    assert.deepEqual(accounts.map((account) => [account.label, account.accountId, account.name]), [
      ['default', '111111111111', 'management'],
      ['arn:aws:iam::222222222222:role/ami-audit-read', '222222222222', 'dev'],
      ['arn:aws:iam::333333333333:role/ami-audit-read', '333333333333', undefined],
    ]);
    // A mocked client skips the SDK's middleware, credentials included: the providers are called as its signer would.
    const credentialsOf = (account: AccountPort) => (account as unknown as { credentials?: () => Promise<{ accessKeyId: string }> }).credentials;
    assert.equal(credentialsOf(accounts[0]!), undefined, 'the caller\'s own chain');
    assert.equal((await credentialsOf(accounts[1]!)!()).accessKeyId, 'ASIAEXAMPLE');
    assert.equal((await credentialsOf(accounts[1]!)!()).accessKeyId, 'ASIAEXAMPLE');
    const refused = await credentialsOf(accounts[2]!)!().catch((error: unknown) => error);
    for (const account of accounts) account.destroy();
    destroy();
    // THEN the role was assumed once for the account that allows it, with the external id and a named session
    const assumed = sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);
    assert.equal(assumed.filter((input) => input.RoleArn!.includes('222222222222')).length, 1);
    assert.ok(assumed.every((input) => input.ExternalId === 'ext-1' && input.RoleSessionName!.startsWith('ami-audit-')));
    // AND the refusal names the role
    assert.ok(refused instanceof AwsCallError);
    assert.equal(refused.scanError.code, 'AccessDenied');
    assert.match(refused.message, /^Could not assume role arn:aws:iam::333333333333:role\/ami-audit-read: AccessDenied: /);
  });
});

describe('scan over the accounts of an organization', () => {
  /** An account of the organization with one image per region; `refuse` makes its role fail as STS would. */
  function member(accountId: string, name: string, options: { refuse?: boolean; images?: number; inFlight?: { now: number; max: number }; released?: string[] } = {}): AccountPort {
    return {
      label: `arn:aws:iam::${accountId}:role/ami-audit-read`,
      accountId,
      name,
      identify: async () => {
        if (options.refuse) throw new AwsCallError({ code: 'AccessDenied', action: 'AssumeRole', message: `Could not assume role arn:aws:iam::${accountId}:role/ami-audit-read: AccessDenied: deploy the role` });
        return accountId;
      },
      listRegions: async () => [],
      ec2: (region): Ec2Port => ({
        region,
        async *listImages(): AsyncIterable<ImageRecord[]> {
          if (options.inFlight) {
            options.inFlight.now += 1;
            options.inFlight.max = Math.max(options.inFlight.max, options.inFlight.now);
          }
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (options.inFlight) options.inFlight.now -= 1;
          yield Array.from({ length: options.images ?? 1 }, (_, index) => anImage({ imageId: `ami-${accountId.slice(0, 6)}${String(index).padStart(11, '0')}`, region, accountId: null, imdsSupport: null }));
        },
        readImageAttribute: async () => ({}),
      }),
      release: () => options.released?.push(accountId),
    };
  }
  const request = { regions: ['us-east-1', 'eu-west-1'], query: { owners: ['self'], executableUsers: [], imageIds: [], filters: [], includeDeprecated: false, includeDisabled: false }, checks: DEFAULT_CHECKS, attributes: [], concurrency: 4, regionConcurrency: 1 };

  test('a role that cannot be assumed is one error naming the account and the role; the others are scanned and named', async () => {
    // GIVEN three accounts, the second of which refuses the role
    const accounts = [member('111111111111', 'management'), member('222222222222', 'dev', { refuse: true }), member('333333333333', 'data', { images: 0 })];
    // WHEN they are scanned
    const result = await scan(request, { accounts, now: NOW });
    // THEN one error names the account, its name and the role, and not one per region
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0]!.accountId, '222222222222');
    assert.match(result.errors[0]!.message, /^Account 222222222222 \(dev\): Could not assume role arn:aws:iam::222222222222:role\/ami-audit-read/);
    assert.equal(result.summary.complete, false);
    // AND the images carry their account's name, and every account has its totals
    assert.deepEqual(new Set(result.images.map((image) => `${image.accountId} ${image.accountName}`)), new Set(['111111111111 management']));
    assert.deepEqual(
      Object.entries(result.summary.byAccount!).map(([id, totals]) => [id, totals.name, totals.images, totals.errors]),
      [['111111111111', 'management', 2, 0], ['222222222222', 'dev', 0, 1], ['333333333333', 'data', 0, 0]],
    );
  });

  test('--account-concurrency bounds the accounts in flight, and each account is released once done', async () => {
    // GIVEN twelve accounts that count the listings in flight
    const inFlight = { now: 0, max: 0 };
    const released: string[] = [];
    const accounts = Array.from({ length: 12 }, (_, index) => member(String(100000000000 + index), `a${index}`, { inFlight, released }));
    // WHEN they are scanned three at a time, one region at a time each
    const result = await scan({ ...request, accountConcurrency: 3 }, { accounts, now: NOW });
    // THEN never more than three regions were listed at once, all were read, and every account was released
    assert.equal(result.summary.images, 24);
    assert.ok(inFlight.max <= 3, `max in flight ${inFlight.max}`);
    assert.ok(inFlight.max >= 2, 'accounts ran side by side');
    assert.equal(released.length, 12);
  });

  test('what listing the organization found goes into the result: skipped accounts, errors and the scope', async () => {
    const organization = {
      skipped: [{ accountId: '444444444444', accountName: 'old', region: 'all', reason: 'the account is SUSPENDED in the organization: only ACTIVE accounts can be scanned' }],
      errors: [{ code: 'NotFound', accountId: '999999999999', message: 'Account 999999999999 (--accounts) is not in the organization' }],
      scope: { role: 'ami-audit-read', callerAccountId: '111111111111', listed: 3, selected: 1, shard: { index: 1, count: 2 } },
    };
    const result = await scan(request, { accounts: [member('111111111111', 'management')], now: NOW, organization });
    assert.deepEqual(result.skipped, organization.skipped);
    assert.deepEqual(result.errors, organization.errors);
    assert.deepEqual(result.scope.organization, organization.scope);
    assert.equal(result.summary.complete, false);
  });
});
