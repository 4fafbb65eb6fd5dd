// DescribeRegions: the regions enabled for the caller's account; AllRegions=true adds the
// opt-in regions it has not enabled. RegionName.N narrows the list (unknown name:
// InvalidParameterValue); filters: endpoint, opt-in-status, region-name. The extraRegions knob
// appends regions as given (hostile text) to an answer that names no region.

import type { RegionState } from '../estate.js';
import { optInStatus } from '../estate.js';
import { Errors } from '../errors.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { regionEndpoint } from '../regions.js';
import { item, leaf, list } from '../xml.js';
import { checkDryRun, type ActionContext, type ActionDefinition } from './context.js';

function describeRegions(ctx: ActionContext) {
  const { params, estate, account } = ctx;
  const allRegions = params.bool('AllRegions') ?? false;
  const names = params.list('RegionName');
  const table: FilterTable<RegionState> = {
    names: {
      endpoint: (r) => [regionEndpoint(r.name)],
      'opt-in-status': (r) => [optInStatus(account, r)],
      'region-name': (r) => [r.name],
    },
  };
  const matches = compileFilters(params.filters(), table);
  for (const name of names) if (!estate.regions.has(name)) throw Errors.invalidParameterValue(`Invalid region: ${name}`);
  checkDryRun(ctx);
  const regions = [...estate.regions.values()]
    .filter((r) => (names.length > 0 ? names.includes(r.name) : true))
    .filter((r) => allRegions || names.length > 0 || optInStatus(account, r) !== 'not-opted-in')
    .filter(matches)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const extra = names.length > 0 ? [] : ctx.extraRegions.map((r) => item(leaf('regionName', r.regionName), leaf('optInStatus', r.optInStatus)));
  return [
    list('regionInfo', [
      ...regions.map((r) => item(leaf('regionName', r.name), leaf('regionEndpoint', regionEndpoint(r.name)), leaf('optInStatus', optInStatus(account, r)))),
      ...extra,
    ]),
  ];
}

export const DescribeRegions: ActionDefinition = { service: 'ec2', handle: describeRegions };
