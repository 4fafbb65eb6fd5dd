import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { AmiAuditError } from '../errors.js';
import { stripControlSequences } from '../render/sanitize.js';

/** The AWS shared config and credentials files, read once, with the paths they were read from. */
export interface SharedConfig {
  configPath: string;
  credentialsPath: string;
  /** Each profile's settings, the credentials file's under the config file's (the SDK's precedence). */
  profiles: Map<string, Record<string, string | undefined>>;
}

/**
 * Reads the shared files the way the SDK and the AWS CLI find them: `AWS_CONFIG_FILE` and
 * `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and `~/.aws/credentials`. A missing file is empty.
 */
export async function readSharedConfig(env: NodeJS.ProcessEnv): Promise<SharedConfig> {
  const home = env.HOME || env.USERPROFILE || homedir();
  const expand = (path: string): string => (path.startsWith('~/') ? join(home, path.slice(2)) : path);
  const configPath = expand(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'));
  const credentialsPath = expand(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'));
  // ignoreCache: the loader caches by path for the life of the process, which a library caller may outlive.
  const files = await loadSharedConfigFiles({ configFilepath: configPath, filepath: credentialsPath, ignoreCache: true });
  const profiles = new Map<string, Record<string, string | undefined>>();
  for (const [name, values] of Object.entries(files.credentialsFile)) profiles.set(name, { ...values });
  // Sections such as [sso-session x] come back as "sso-session.x": they are not profiles.
  for (const [name, values] of Object.entries(files.configFile)) {
    if (!/^(?:sso-session|services)\./.test(name)) profiles.set(name, { ...profiles.get(name), ...values });
  }
  return { configPath, credentialsPath, profiles };
}

/**
 * Throws, before any network call, when a named profile is in neither file: the SDK would otherwise
 * fall back to a "no credentials" message that sends the user looking in the wrong place. The AWS CLI
 * stops the same way ("The config profile (x) could not be found").
 */
export function checkProfilesExist(names: readonly string[], config: SharedConfig): void {
  const missing = names.filter((name) => !config.profiles.has(name));
  if (missing.length === 0) return;
  const known = [...config.profiles.keys()].sort();
  throw new AmiAuditError(
    'Usage',
    `AWS profile ${missing.map((name) => `"${stripControlSequences(name)}"`).join(', ')} not found in ${config.configPath} or ${config.credentialsPath}` +
      ` (${known.length > 0 ? `profiles there: ${stripControlSequences(known.join(', '))}` : 'no profile is defined there'}): check the name, or set AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE to the files that define it`,
  );
}

/**
 * Returns the region a profile brings, as the AWS CLI chooses it: `AWS_REGION`, then
 * `AWS_DEFAULT_REGION`, then the profile's `region` setting; undefined when none is set.
 */
export function regionFor(profile: string | undefined, config: SharedConfig, env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || config.profiles.get(profile ?? (env.AWS_PROFILE || 'default'))?.region || undefined;
}
