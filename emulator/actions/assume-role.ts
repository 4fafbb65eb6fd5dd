// STS AssumeRole: returns temporary credentials whose access key id authenticates as the role's
// account, so a caller that assumes a role in another account then sees that account's estate.

import { randomBytes } from 'node:crypto';
import { ApiError } from '../errors.js';
import { leaf, el } from '../xml.js';
import type { ActionContext, ActionDefinition } from './context.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/([\w+=,.@/-]+)$/;
/** Sessions handed out, newest last: tests read them to check the session name and external id. */
export const roleSessions: { roleArn: string; sessionName: string; externalId: string | undefined; accessKeyId: string }[] = [];

function assumeRole(ctx: ActionContext) {
  const roleArn = ctx.params.get('RoleArn');
  const sessionName = ctx.params.get('RoleSessionName');
  if (!roleArn || !sessionName) throw new ApiError('ValidationError', 'RoleArn and RoleSessionName are required', 400);
  const match = ROLE_ARN.exec(roleArn);
  const target = match ? ctx.estate.accounts.get(match[1]!) : undefined;
  // STS answers AccessDenied, not NoSuchEntity, for a role that does not exist (Accounts[].Roles).
  const roleName = match?.[2]!.split('/').pop();
  if (!match || !target || (target.roles !== undefined && !target.roles.has(roleName!))) {
    throw new ApiError('AccessDenied', `User: ${ctx.account.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  }
  const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  ctx.estate.accountByAccessKey.set(accessKeyId, target.accountId);
  roleSessions.push({ roleArn, sessionName, externalId: ctx.params.get('ExternalId'), accessKeyId });
  const expiration = new Date(ctx.now.getTime() + 3600_000).toISOString();
  return [
    el('AssumedRoleUser', leaf('AssumedRoleId', `AROA${randomBytes(8).toString('hex').toUpperCase()}:${sessionName}`)!, leaf('Arn', `arn:aws:sts::${target.accountId}:assumed-role/${match[2]}/${sessionName}`)!),
    el(
      'Credentials',
      leaf('AccessKeyId', accessKeyId)!,
      leaf('SecretAccessKey', randomBytes(20).toString('base64'))!,
      leaf('SessionToken', randomBytes(32).toString('base64'))!,
      leaf('Expiration', expiration)!,
    ),
  ];
}

export const AssumeRole: ActionDefinition = { service: 'sts', handle: assumeRole };
