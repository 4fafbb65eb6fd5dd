// What an action handler gets: the parsed request, the caller and where it called.
// Handlers return the children of the response element (after requestId) or throw ApiError.

import type { Account, Estate, RegionState } from '../estate.js';
import { Errors } from '../errors.js';
import type { QueryParams } from '../query-protocol.js';
import { codePointName, forbiddenXmlCharacter, type XmlChild } from '../xml.js';

export interface ActionContext {
  params: QueryParams;
  estate: Estate;
  account: Account;
  region: RegionState;
  now: Date;
  /** Largest page EC2 returns whatever MaxResults says (undefined: no cap). */
  pageSizeCap: number | undefined;
  /** Regions DescribeRegions adds as they are (the extraRegions knob). */
  extraRegions: { regionName: string; optInStatus: string }[];
  /** Random hex digits for new resource ids. */
  randomHex(count: number): string;
}

export type ActionHandler = (ctx: ActionContext) => XmlChild[];

export interface ActionDefinition {
  service: 'ec2' | 'sts';
  handle: ActionHandler;
}

/** `DryRun=true`: answers DryRunOperation (the caller's permission was checked before). */
export function checkDryRun(ctx: ActionContext): void {
  if (ctx.params.bool('DryRun')) throw Errors.dryRun();
}

/** InvalidParameterValue for a parameter holding a control character EC2 would not store (XML 1.0 cannot carry it). */
export function rejectUnstorableText(ctx: ActionContext): void {
  for (const [name, value] of ctx.params.entries()) {
    const ch = forbiddenXmlCharacter(value);
    if (ch !== undefined) throw Errors.invalidParameterValue(`Value for parameter ${name} holds the invalid character ${codePointName(ch)}.`);
  }
}
