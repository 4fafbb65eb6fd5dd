import type { ImageEvidence, InstanceSummary, MetadataCallSums } from './types.js';

/** Days of IMDS metrics `--evidence` reads when it is given no number. */
export const DEFAULT_EVIDENCE_DAYS = 14;

/** How many instance ids a report lists for one image. */
export const LISTED_INSTANCES = 20;

/**
 * Returns what CloudWatch's IMDS metrics say of one image, from its instances and their call sums
 * (`calls` has no entry, or null sums, for an instance without datapoints).
 *
 * Only datapoints are evidence: an instance that published none (stopped all along, or metrics not
 * reported) says nothing about the software in the image. A running instance that already requires
 * tokens is evidence too: the software works without IMDSv1.
 */
export function evidenceFor(
  imdsSupport: string | null,
  instances: readonly InstanceSummary[],
  calls: ReadonlyMap<string, MetadataCallSums>,
  windowDays: number,
): ImageEvidence {
  let noTokenCalls = 0;
  let rejectedCalls = 0;
  let instancesObserved = 0;
  const callers: string[] = [];
  for (const instance of instances) {
    const sums = calls.get(instance.instanceId);
    if (!sums || (sums.noToken === null && sums.rejected === null)) continue;
    instancesObserved += 1;
    noTokenCalls += sums.noToken ?? 0;
    rejectedCalls += sums.rejected ?? 0;
    if ((sums.noToken ?? 0) > 0) callers.push(instance.instanceId);
  }
  const counts = { noTokenCalls, rejectedCalls, instancesObserved, windowDays };
  if (imdsSupport === 'v2.0') return { verdict: 'not-needed', ...counts };
  if (noTokenCalls > 0) return { verdict: 'blocked', ...counts, instancesCallingV1: callers.slice(0, LISTED_INSTANCES) };
  const runsWithTokens = instances.some((instance) => instance.state === 'running' && instance.httpTokens === 'required');
  if (instancesObserved === 0 && !runsWithTokens) return { verdict: 'untested', ...counts };
  return {
    verdict: 'safe-to-flag',
    ...counts,
    ...(rejectedCalls > 0
      ? { warning: `${rejectedCalls} IMDSv1 calls were refused on instances that require tokens: something in the image still tries IMDSv1 and fails` }
      : {}),
  };
}
