import { effectiveImds } from './effective-imds.js';
import { evidenceFor, LISTED_INSTANCES } from './evidence.js';
import type { AccountImdsDefaults, EffectiveSource, HttpTokens, ImageEvidence, ImageUsage, InstanceSummary, LaunchTemplateUse, MetadataCallSums } from './types.js';

/** What the fleet reads of a region say about one image; a null part could not be read. */
export interface ImageFleetFacts {
  defaults: AccountImdsDefaults | null;
  instances: readonly InstanceSummary[] | null;
  launchTemplates: readonly LaunchTemplateUse[] | null;
  /** With `--evidence`: the call sums of the image's instances (null when CloudWatch could not be read). */
  metrics?: { calls: ReadonlyMap<string, MetadataCallSums> | null; windowDays: number };
}

/** The fleet fields of a classified image. */
export interface ImageFleetView {
  /** Null when the account's defaults could not be read. */
  effectiveHttpTokens: HttpTokens | null;
  effectiveSource: EffectiveSource | null;
  usage: ImageUsage;
  evidence?: ImageEvidence;
}

/** Returns an image's fleet view from the facts of its region and its (classified) `ImdsSupport`. */
export function imageFleetView(imdsSupport: string | null, facts: ImageFleetFacts): ImageFleetView {
  const effective = facts.defaults ? effectiveImds(imdsSupport, facts.defaults) : null;
  const usage: ImageUsage = {};
  if (facts.instances) {
    let running = 0;
    let imdsV1Allowed = 0;
    for (const instance of facts.instances) {
      if (instance.state === 'running') running += 1;
      if (instance.httpTokens === 'optional') imdsV1Allowed += 1;
    }
    usage.instances = {
      total: facts.instances.length,
      running,
      imdsV1Allowed,
      ids: facts.instances.slice(0, LISTED_INSTANCES).map((instance) => instance.instanceId),
    };
  }
  if (facts.launchTemplates) usage.launchTemplates = [...facts.launchTemplates];
  const view: ImageFleetView = { effectiveHttpTokens: effective?.httpTokens ?? null, effectiveSource: effective?.source ?? null, usage };
  // Evidence needs both the instances and their metrics: without either there is nothing to judge.
  if (facts.metrics && facts.metrics.calls && facts.instances) {
    view.evidence = evidenceFor(imdsSupport, facts.instances, facts.metrics.calls, facts.metrics.windowDays);
  }
  return view;
}
