import { classify } from './classify.js';
import type { CheckName } from './rules.js';
import { summarize, withComparisons } from './summarize.js';
import type { Baseline } from './baseline.js';
import type { Suppressor } from './suppressions.js';
import type { ImageRecord, ScanResult } from './types.js';

/** Returns the result of classifying images read from a saved document: no AWS call, nothing incomplete. */
export function scanDocument(
  images: readonly ImageRecord[],
  options: { checks: CheckName[]; input: string; region: string | null; now?: Date; suppressor?: Suppressor; baseline?: Baseline },
): ScanResult {
  const now = options.now ?? new Date();
  const classifyOptions = { checks: options.checks, now, ...(options.suppressor ? { suppressor: options.suppressor } : {}), ...(options.baseline ? { baseline: options.baseline } : {}) };
  const classified = images.map((image) => classify(image, {}, classifyOptions));
  return {
    scannedAt: now.toISOString(),
    scope: {
      source: 'file',
      input: options.input,
      accounts: [],
      regions: options.region ? [options.region] : [],
      owners: [],
      executableUsers: [],
      imageIds: [],
      filters: [],
      includeDeprecated: true,
      includeDisabled: true,
      checks: options.checks,
      attributes: [],
    },
    images: classified,
    errors: [],
    skipped: [],
    summary: withComparisons(summarize(classified, []), options),
  };
}
