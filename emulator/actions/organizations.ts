// AWS Organizations (JSON 1.1, `AWSOrganizationsV20161128.<Operation>`): ListAccounts, answered
// only to the management account and delegated administrators. Organizations may answer empty
// pages that still carry a NextToken; the emptyAccountPages knob reproduces that.

import type { Account } from '../estate.js';
import { ApiError } from '../errors.js';
import { optionalInteger, optionalString, type JsonContext, type JsonService } from '../json-protocol.js';
import { decodeOpaqueToken, encodeOpaqueToken } from '../pagination.js';

const invalidInput = (reason: string, message: string) => new ApiError('InvalidInputException', message, 400, { Reason: reason });

// The retired `Status` field had no CLOSED: closed accounts read SUSPENDED there.
const RETIRED_STATUS: Record<Account['organizationState'], string> = {
  ACTIVE: 'ACTIVE',
  SUSPENDED: 'SUSPENDED',
  PENDING_CLOSURE: 'PENDING_CLOSURE',
  CLOSED: 'SUSPENDED',
};

function accountJson(account: Account, organization: { id: string; managementAccountId: string }) {
  return {
    Id: account.accountId,
    Arn: `arn:aws:organizations::${organization.managementAccountId}:account/${organization.id}/${account.accountId}`,
    Email: account.email,
    Name: account.name,
    Status: RETIRED_STATUS[account.organizationState],
    State: account.organizationState,
    JoinedMethod: account.joinedMethod,
    // JSON 1.1 timestamps are epoch seconds.
    JoinedTimestamp: account.joinedTimestamp.getTime() / 1000,
  };
}

function listAccounts(ctx: JsonContext) {
  const org = ctx.estate.organization;
  if (!org) throw new ApiError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 404);
  const caller = ctx.account.accountId;
  if (caller !== org.managementAccountId && !org.delegatedAdministrators.has(caller)) {
    throw new ApiError('AccessDeniedException', "You don't have permissions to access this resource.", 403);
  }
  const maxResults = optionalInteger(ctx.input, 'MaxResults', (m) => invalidInput('INVALID_INPUT', m)) ?? 20;
  if (maxResults < 1) throw invalidInput('MIN_VALUE_EXCEEDED', 'You provided a value that is below the minimum allowed value: MaxResults must be at least 1.');
  if (maxResults > 20) throw invalidInput('MAX_VALUE_EXCEEDED', 'You provided a value that exceeds the maximum allowed value: MaxResults must be at most 20.');
  const nextToken = optionalString(ctx.input, 'NextToken', (m) => invalidInput('INVALID_NEXT_TOKEN', m));

  // The token carries the offset and how many empty pages were served before it.
  let offset = 0;
  let empties = 0;
  if (nextToken !== undefined) {
    const t = decodeOpaqueToken(nextToken);
    if (!t || t.s !== 'ListAccounts' || !Number.isInteger(t.o) || !Number.isInteger(t.e) || (t.o as number) > org.accountIds.length) {
      throw invalidInput('INVALID_NEXT_TOKEN', 'The specified pagination token is not valid.');
    }
    offset = t.o as number;
    empties = t.e as number;
  }
  if (empties < ctx.emptyAccountPages) {
    return { Accounts: [], NextToken: encodeOpaqueToken({ s: 'ListAccounts', o: offset, e: empties + 1 }) };
  }
  const page = org.accountIds.slice(offset, offset + maxResults);
  const end = offset + page.length;
  return {
    Accounts: page.map((id) => accountJson(ctx.estate.accounts.get(id)!, org)),
    ...(end < org.accountIds.length ? { NextToken: encodeOpaqueToken({ s: 'ListAccounts', o: end, e: 0 }) } : {}),
  };
}

/** Organizations as `@aws-sdk/client-organizations` speaks it. */
export const ORGANIZATIONS: JsonService = {
  iamPrefix: 'organizations',
  targetPrefix: 'AWSOrganizationsV20161128',
  jsonVersion: '1.1',
  queryCompatible: false,
  regional: false,
  messageKey: 'Message',
  errorNamespace: 'com.amazonaws.organizations',
  operations: { ListAccounts: listAccounts },
  errors: {
    throttled: () => new ApiError('TooManyRequestsException', 'You have sent too many requests in too short a period of time.', 429, { Type: 'AccountThrottled' }),
    internal: () => new ApiError('ServiceException', 'AWS Organizations can\'t complete your request because of an internal service error.', 500),
    unavailable: () => new ApiError('ServiceException', 'AWS Organizations is temporarily unavailable.', 503),
    denied: () => new ApiError('AccessDeniedException', "You don't have permissions to access this resource.", 403),
    regionDisabled: () => new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400),
  },
};
