// GetInstanceMetadataDefaults: the account's IMDS defaults for new instances in this region.
// An account without defaults answers an empty `<accountLevel/>` (the SDK gives AccountLevel: {}).

import { metadataDefaultsFor } from '../estate.js';
import { el, leaf } from '../xml.js';
import { checkDryRun, type ActionContext, type ActionDefinition } from './context.js';

function getInstanceMetadataDefaults(ctx: ActionContext) {
  checkDryRun(ctx);
  const d = metadataDefaultsFor(ctx.account, ctx.region.name);
  return [
    el(
      'accountLevel',
      d && [
        leaf('httpTokens', d.HttpTokens),
        leaf('httpPutResponseHopLimit', d.HttpPutResponseHopLimit),
        leaf('httpEndpoint', d.HttpEndpoint),
        leaf('instanceMetadataTags', d.InstanceMetadataTags),
        leaf('managedBy', d.ManagedBy),
        leaf('managedExceptionMessage', d.ManagedExceptionMessage),
        leaf('httpTokensEnforced', d.HttpTokensEnforced),
      ],
    ),
  ];
}

export const GetInstanceMetadataDefaults: ActionDefinition = { service: 'ec2', handle: getInstanceMetadataDefaults };
