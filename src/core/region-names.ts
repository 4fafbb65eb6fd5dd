/**
 * AWS region names: their shape, the ones known today, and the nearest known name to a typo.
 * AWS adds regions every year, so a well-shaped name that is not in the list is still accepted: only
 * the shape decides what is an error, the list only helps to suggest a fix.
 */

/** Regions known when this list was written: commercial, GovCloud, China, European Sovereign Cloud, ISO. */
export const KNOWN_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1',
  'us-gov-east-1', 'us-gov-west-1',
  'cn-north-1', 'cn-northwest-1',
  'eusc-de-east-1',
  'us-iso-east-1', 'us-iso-west-1', 'us-isob-east-1', 'us-isof-south-1', 'us-isof-east-1', 'eu-isoe-west-1',
];

/** Lower-case words joined by hyphens, ending in a number: `us-east-1`, `us-gov-west-1`, `eusc-de-east-1`. */
const REGION_SHAPE = /^[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}$/;

/** Returns true when a name has the shape of an AWS region name (known or not). */
export function isRegionShaped(name: string): boolean {
  return REGION_SHAPE.test(name);
}

/** Returns the known region nearest to a name (edit distance, case and spaces ignored). */
export function closestRegion(name: string): string {
  const wanted = name.trim().toLowerCase();
  let best = KNOWN_REGIONS[0]!;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const region of KNOWN_REGIONS) {
    const distance = editDistance(wanted, region);
    if (distance < bestDistance) {
      best = region;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
