import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { reportCall, type ApiCallListener, type AwsClientSettings } from './client-config.js';
import { describeAwsError } from './describe-aws-error.js';
import { SdkAccountPort, shareCredentials, type CredentialIdentity } from './accounts.js';
import type { AccountPort, OrganizationAccount, OrganizationPort } from '../core/ports.js';
import type { PlannedAccount } from '../core/plan-organization.js';
import { AmiAuditError, AwsCallError } from '../errors.js';
import { redactSecrets } from '../redact-secrets.js';

/** The source of an organization scan: the caller's profile (or the default chain), and the role and external id for member accounts. */
export interface OrganizationAccess {
  profile?: string;
  role: string;
  externalId?: string;
}

/** Errors of Organizations that say the caller cannot list the organization: the fix is other credentials. */
const NOT_ALLOWED = new Set(['AccessDeniedException', 'AccessDenied', 'AWSOrganizationsNotInUseException']);

/**
 * Lists an organization with the caller's credentials: `ListAccounts` (works only from the
 * management account or a delegated administrator) and STS `GetCallerIdentity`. One client each,
 * destroyed with `destroy()`.
 */
export class SdkOrganizationPort implements OrganizationPort {
  private readonly organizations: OrganizationsClient;
  private readonly sts: STSClient;

  constructor(
    private readonly settings: AwsClientSettings,
    private readonly region: string,
    private readonly onCall?: ApiCallListener,
  ) {
    const common = {
      region,
      maxAttempts: settings.maxAttempts,
      retryMode: settings.retryMode,
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
      requestHandler: { requestTimeout: settings.requestTimeoutMs, throwOnRequestTimeout: true },
    };
    this.organizations = new OrganizationsClient(common);
    this.sts = new STSClient(common);
  }

  async callerAccountId(signal?: AbortSignal): Promise<string> {
    const started = performance.now();
    try {
      const output = await this.sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
      reportCall(this.onCall, { action: 'GetCallerIdentity', region: this.region, started }, output);
      if (!output.Account) throw new Error('GetCallerIdentity returned no account id');
      return output.Account;
    } catch (error) {
      reportCall(this.onCall, { action: 'GetCallerIdentity', region: this.region, started }, error);
      throw this.describe(error, 'GetCallerIdentity');
    }
  }

  async *listAccounts(signal?: AbortSignal): AsyncIterable<OrganizationAccount[]> {
    let token: string | undefined;
    // Organizations may answer a page with no account and a NextToken: only a missing token ends the list.
    do {
      const started = performance.now();
      let output;
      try {
        output = await this.organizations.send(new ListAccountsCommand(token ? { NextToken: token } : {}), { abortSignal: signal });
        reportCall(this.onCall, { action: 'ListAccounts', region: this.region, started }, output);
      } catch (error) {
        reportCall(this.onCall, { action: 'ListAccounts', region: this.region, started }, error);
        throw this.describe(error, 'ListAccounts');
      }
      yield (output.Accounts ?? []).filter((account) => account.Id).map((account) => ({ id: account.Id!, name: account.Name ?? null, state: account.State ?? 'UNKNOWN' }));
      token = output.NextToken;
    } while (token);
  }

  destroy(): void {
    this.organizations.destroy();
    this.sts.destroy();
  }

  /** Returns the error to stop the scan with: listing the organization is the first step, nothing is scanned without it. */
  private describe(error: unknown, action: string): AmiAuditError {
    const code = (error as { name?: string; Code?: string }).Code ?? (error as { name?: string }).name ?? '';
    if (action === 'ListAccounts' && NOT_ALLOWED.has(code)) {
      const reason = code === 'AWSOrganizationsNotInUseException' ? 'the account is not in an organization' : 'only the management account or a delegated administrator may list the accounts';
      return new AmiAuditError(
        'InvalidCredentials',
        `--org could not list the organization's accounts (${code}): ${reason}; run with their credentials (--profile), with organizations:ListAccounts allowed`,
        { cause: error },
      );
    }
    const described = describeAwsError(error, { action, region: this.region, maxAttempts: this.settings.maxAttempts, ...(this.settings.endpointUrl ? { endpoint: this.settings.endpointUrl } : {}) });
    if (described instanceof AwsCallError) return new AmiAuditError('Internal', `--org could not list the organization: ${described.message}`, { cause: error });
    return described;
  }
}

/**
 * Returns one account port per planned account: the caller's own account with the caller's
 * credentials, every other one through `arn:<partition>:iam::<id>:role/<role>`, assumed with one STS
 * client shared by all of them (with `--external-id`), once per account and renewed before it
 * expires. `release()` ends the shared client once the scan is over.
 */
export function createOrganizationAccountPorts(
  planned: readonly PlannedAccount[],
  access: OrganizationAccess,
  settings: AwsClientSettings,
  homeRegion: string,
  onCall?: ApiCallListener,
): { accounts: (AccountPort & { destroy(): void })[]; destroy(): void } {
  const source = shareCredentials(access.profile ? fromIni({ profile: access.profile }) : fromNodeProviderChain());
  const sts = new STSClient({
    region: homeRegion,
    credentials: source,
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
    requestHandler: { requestTimeout: settings.requestTimeoutMs, throwOnRequestTimeout: true },
  });
  const partition = partitionOf(homeRegion);
  const accounts = planned.map(({ account, own }) => {
    const known = { accountId: account.id, ...(account.name !== null ? { name: account.name } : {}) };
    if (own) return new SdkAccountPort(access.profile ?? 'default', access.profile ? { ...settings, profile: access.profile } : settings, homeRegion, undefined, onCall, known);
    const roleArn = `arn:${partition}:iam::${account.id}:role/${access.role}`;
    const assume = async (): Promise<CredentialIdentity> => {
      const started = performance.now();
      try {
        const output = await sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            // CloudTrail shows this name: it says who assumed the role and why.
            RoleSessionName: `ami-audit-${Date.now()}`,
            ...(access.externalId ? { ExternalId: access.externalId } : {}),
          }),
        );
        reportCall(onCall, { action: 'AssumeRole', region: homeRegion, started }, output);
        const credentials = output.Credentials;
        if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
        return {
          accessKeyId: credentials.AccessKeyId,
          secretAccessKey: credentials.SecretAccessKey,
          ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
          ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
        };
      } catch (error) {
        reportCall(onCall, { action: 'AssumeRole', region: homeRegion, started }, error);
        throw roleError(error, roleArn);
      }
    };
    return new SdkAccountPort(roleArn, settings, homeRegion, shareCredentials(assume), onCall, known);
  });
  return { accounts, destroy: () => sts.destroy() };
}

/**
 * Returns the error for a role that could not be assumed, in the words of `describeAwsError` (which
 * knows STS's refusal), with the role named even when STS's message does not name it.
 */
function roleError(error: unknown, roleArn: string): Error {
  const code = (error as { Code?: string; name?: string }).Code ?? (error as { name?: string }).name ?? 'Error';
  if (code === 'AccessDenied' || code === 'AccessDeniedException' || /sts:AssumeRole/.test(String((error as Error).message))) {
    return new AwsCallError({
      code: 'AccessDenied',
      action: 'AssumeRole',
      awsCode: redactSecrets(code),
      message: `Could not assume role ${roleArn}: ${redactSecrets(code)}: deploy the role in the account (see --org-role), let the scanning account assume it in its trust policy (and check --external-id)`,
    }, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** The partition of a region, for the role ARNs: aws, aws-cn or aws-us-gov. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
