import type { AccountImdsDefaults, EffectiveSource, HttpTokens } from './types.js';

/** What a plain launch of an image gets (no launch template, no launch parameter), and why. */
export interface EffectiveImds {
  httpTokens: HttpTokens;
  source: EffectiveSource;
}

/**
 * Returns the `HttpTokens` of an instance launched from an image with nothing but the account's
 * defaults, in EC2's order of precedence: launch parameters and launch templates first (not seen
 * here), then the account's metadata defaults, then the image's `ImdsSupport`, then EC2's default
 * (`optional`).
 *
 * The account default wins over the image in both directions: `required` makes an unflagged image
 * safe, and `optional` ("V1 or V2") makes a `v2.0` image launch with IMDSv1 allowed. An enforced
 * account (`HttpTokensEnforced` enabled) refuses launches that allow IMDSv1, so whatever launches
 * requires tokens. A default value ami-audit does not know cannot be shown to require tokens.
 */
export function effectiveImds(imdsSupport: string | null, defaults: Pick<AccountImdsDefaults, 'httpTokens' | 'httpTokensEnforced'>): EffectiveImds {
  if (defaults.httpTokensEnforced === 'enabled') return { httpTokens: 'required', source: 'account-default' };
  const preference = defaults.httpTokens;
  if (preference !== null && preference !== 'no-preference') {
    return { httpTokens: preference === 'required' ? 'required' : 'optional', source: 'account-default' };
  }
  return { httpTokens: imdsSupport === 'v2.0' ? 'required' : 'optional', source: 'ami' };
}
