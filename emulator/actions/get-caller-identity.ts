// STS GetCallerIdentity: the account, ARN and user id of the access key's account.
// The server wraps the result in GetCallerIdentityResponse/GetCallerIdentityResult (awsQuery).

import { leaf } from '../xml.js';
import type { ActionContext, ActionDefinition } from './context.js';

function getCallerIdentity(ctx: ActionContext) {
  const { account } = ctx;
  return [leaf('UserId', account.userId)!, leaf('Account', account.accountId)!, leaf('Arn', account.arn)!];
}

export const GetCallerIdentity: ActionDefinition = { service: 'sts', handle: getCallerIdentity };
