import { setMaxListeners } from 'node:events';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { reportCall, type ApiCallListener, type AwsClientSettings } from './client-config.js';
import { describeAwsError } from './describe-aws-error.js';
import type { AccountPort, FixAccountPort, RegionInfo } from '../core/ports.js';
import { createEc2Client, SdkEc2Port, type Credentials } from './ec2-sdk.js';
import { createCloudWatchClient, SdkFleetPort } from './fleet-sdk.js';
import { MUTATING_CALL_BUCKET, SdkImageWriter } from './image-writer-sdk.js';
import { TokenBucket } from './token-bucket.js';

/** Who to scan as: profiles, roles to assume, or the SDK's default chain. */
export interface AccountSelection {
  profiles: string[];
  roleArns: string[];
  externalId?: string;
}

/** An account reached through the SDK: one credentials provider, a client per region, all destroyed at the end. */
export class SdkAccountPort implements AccountPort, FixAccountPort {
  readonly label: string;
  readonly accountId?: string;
  readonly name?: string;
  private readonly clients: { destroy(): void }[] = [];
  private readonly writers = new Map<string, SdkImageWriter>();
  /** Ends the clients' throttle waits once the account is done with, so no timer outlives the scan. */
  private readonly stop = new AbortController();

  constructor(
    label: string,
    private readonly settings: AwsClientSettings,
    readonly homeRegion: string,
    private readonly credentials: Credentials | undefined,
    private readonly onCall: ApiCallListener | undefined,
    known: { accountId?: string; name?: string } = {},
  ) {
    this.label = label;
    if (known.accountId !== undefined) this.accountId = known.accountId;
    if (known.name !== undefined) this.name = known.name;
    // Every waiting call listens on it (up to --concurrency per region): not a leak.
    setMaxListeners(0, this.stop.signal);
  }

  async identify(signal?: AbortSignal): Promise<string> {
    // Called once per account: its client goes as soon as it has answered, so that planning a
    // thousand accounts leaves no thousand idle clients behind.
    const client = (
      new STSClient({
        region: this.homeRegion,
        maxAttempts: this.settings.maxAttempts,
        ...this.credentialOptions(),
        ...(this.settings.endpointUrl ? { endpoint: this.settings.endpointUrl } : {}),
        requestHandler: { requestTimeout: this.settings.requestTimeoutMs, throwOnRequestTimeout: true },
      })
    );
    const started = performance.now();
    try {
      const output = await client.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
      this.report('GetCallerIdentity', started, output);
      if (!output.Account) throw new Error('GetCallerIdentity returned no account id');
      return output.Account;
    } catch (error) {
      this.report('GetCallerIdentity', started, error);
      throw describeAwsError(error, { action: 'GetCallerIdentity', region: this.homeRegion, ...this.callContext() });
    } finally {
      client.destroy();
    }
  }

  async listRegions(signal?: AbortSignal): Promise<RegionInfo[]> {
    const client = createEc2Client(this.settings, this.homeRegion, this.credentials, { stop: this.stop.signal });
    const started = performance.now();
    try {
      const output = await client.send(new DescribeRegionsCommand({ AllRegions: true }), { abortSignal: signal });
      this.report('DescribeRegions', started, output);
      return (output.Regions ?? [])
        .filter((region) => region.RegionName)
        .map((region) => ({ name: region.RegionName!, optInStatus: region.OptInStatus ?? 'opt-in-not-required' }));
    } catch (error) {
      this.report('DescribeRegions', started, error);
      throw describeAwsError(error, { action: 'DescribeRegions', region: this.homeRegion, ...this.callContext() });
    } finally {
      client.destroy();
    }
  }

  ec2(region: string): SdkEc2Port {
    const stop = this.stop.signal;
    const client = this.track(createEc2Client(this.settings, region, this.credentials, { stop }));
    // EC2 throttles each action apart: DescribeImageAttribute gets a client (and so a rate limiter) of
    // its own, capped by --attribute-rate when one is given.
    const shape = this.settings.attributeRate;
    const ceiling = shape ? new TokenBucket(shape) : undefined;
    const attributeClient = this.track(createEc2Client(this.settings, region, this.credentials, { stop, ...(ceiling ? { ceiling } : {}) }));
    return new SdkEc2Port(client, { region, ...this.callContext(), ...(this.onCall ? { onCall: this.onCall } : {}), attributeClient });
  }

  fleet(region: string): SdkFleetPort {
    const stop = this.stop.signal;
    const ec2 = this.track(createEc2Client(this.settings, region, this.credentials, { stop }));
    const cloudWatch = this.track(createCloudWatchClient(this.settings, region, this.credentials, stop));
    return new SdkFleetPort(ec2, cloudWatch, { region, ...this.callContext(), ...(this.onCall ? { onCall: this.onCall } : {}) });
  }

  imageWriter(region: string): SdkImageWriter {
    // One writer per region: EC2's bucket of mutating calls is per account and region, and so is the ceiling.
    const existing = this.writers.get(region);
    if (existing) return existing;
    const client = this.track(createEc2Client(this.settings, region, this.credentials, { stop: this.stop.signal, ceiling: new TokenBucket(MUTATING_CALL_BUCKET) }));
    const writer = new SdkImageWriter(client, { region, ...this.callContext(), ...(this.onCall ? { onCall: this.onCall } : {}) });
    this.writers.set(region, writer);
    return writer;
  }

  destroy(): void {
    this.stop.abort();
    for (const client of this.clients.splice(0)) client.destroy();
  }

  /** The scan is done with the account: its clients go now rather than at the end of the scan. */
  release(): void {
    this.destroy();
  }

  private credentialOptions(): { credentials?: Credentials; profile?: string } {
    if (this.credentials) return { credentials: this.credentials };
    return this.settings.profile ? { profile: this.settings.profile } : {};
  }

  /** What error messages need to know of the client: the endpoint, and the attempt limit (to tell it from the SDK's retry quota). */
  private callContext(): { endpoint?: string; maxAttempts: number } {
    return { maxAttempts: this.settings.maxAttempts, ...(this.settings.endpointUrl ? { endpoint: this.settings.endpointUrl } : {}) };
  }

  private track<T extends { destroy(): void }>(client: T): T {
    this.clients.push(client);
    return client;
  }

  private report(action: string, started: number, outcome: unknown): void {
    reportCall(this.onCall, { action, region: this.homeRegion, started }, outcome);
  }
}

/** What a credentials provider resolves to: keys, a session token, an expiry. */
export type CredentialIdentity = Awaited<ReturnType<Extract<Credentials, (...args: never[]) => unknown>>>;

/**
 * Returns a provider that all of an account's clients share: one AssumeRole call, not one per client
 * (the STS and EC2 clients ask at the same moment), renewed five minutes before the credentials expire.
 */
export function shareCredentials(provider: () => Promise<CredentialIdentity>): () => Promise<CredentialIdentity> {
  let pending: Promise<CredentialIdentity> | undefined;
  const refresh = (): Promise<CredentialIdentity> => {
    pending = provider().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return async () => {
    const current = pending ?? refresh();
    const identity = await current;
    const expiresSoon = identity.expiration !== undefined && identity.expiration.getTime() - Date.now() < 300_000;
    if (!expiresSoon) return identity;
    // Only the first caller to notice renews; the others wait for its answer.
    return pending === current ? refresh() : pending!;
  };
}

/**
 * Returns one account port per account to scan: each `--role-arn` (assumed with the first `--profile`
 * or the default chain as the source, with `--external-id` and a session name that says ami-audit),
 * otherwise each `--profile`, otherwise the default credential chain.
 *
 * `homeRegion` is one region for every account, or each profile's own (called with the profile, or
 * undefined for the default chain; roles get their source profile's): where account-level calls go,
 * and the region scanned when the request names none.
 */
export function createAccountPorts(
  selection: AccountSelection,
  settings: AwsClientSettings,
  homeRegion: string | ((profile: string | undefined) => string),
  onCall?: ApiCallListener,
): (AccountPort & FixAccountPort & { destroy(): void })[] {
  const regionOf = typeof homeRegion === 'string' ? () => homeRegion : homeRegion;
  if (selection.roleArns.length > 0) {
    const source = selection.profiles[0];
    const sourceRegion = regionOf(source);
    return selection.roleArns.map((roleArn) => {
      const credentials = fromTemporaryCredentials({
        params: {
          RoleArn: roleArn,
          // CloudTrail shows this name: it says who assumed the role and why.
          RoleSessionName: `ami-audit-${Date.now()}`,
          ...(selection.externalId ? { ExternalId: selection.externalId } : {}),
        },
        ...(source ? { masterCredentials: fromIni({ profile: source }) } : {}),
        clientConfig: { region: sourceRegion, ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}) },
      });
      return new SdkAccountPort(roleArn, settings, sourceRegion, shareCredentials(credentials), onCall);
    });
  }
  if (selection.profiles.length > 1) {
    return selection.profiles.map(
      (profile) => new SdkAccountPort(profile, { ...settings, profile }, regionOf(profile), undefined, onCall),
    );
  }
  const profile = selection.profiles[0];
  return [new SdkAccountPort(profile ?? 'default', profile ? { ...settings, profile } : settings, regionOf(profile), undefined, onCall)];
}
