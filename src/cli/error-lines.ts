import type { ScanError } from '../core/types.js';
import { stripControlSequences } from '../render/sanitize.js';

/** How many image ids a grouped line names before it says "and N more". */
const IDS_SHOWN = 3;

/**
 * Returns the stderr lines for a scan's errors, in the order they came. Images that `--timeout` left
 * unread are summed up in one line per account and region (a count and the first few ids) rather
 * than one line per image, which ran to thousands of lines; `--output json` and `ndjson` keep every
 * error. Other errors get one line each, made by `formatOne`.
 */
export function errorLines(errors: readonly ScanError[], formatOne: (error: ScanError) => string, nameAccount = false): string[] {
  const groups = new Map<string, ScanError[]>();
  for (const error of errors) {
    if (!isUnreadImage(error)) continue;
    const key = `${error.accountId ?? ''} ${error.region ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(error);
    else groups.set(key, [error]);
  }
  const lines: string[] = [];
  const printed = new Set<string>();
  for (const error of errors) {
    if (!isUnreadImage(error)) {
      lines.push(formatOne(error));
      continue;
    }
    const key = `${error.accountId ?? ''} ${error.region ?? ''}`;
    const group = groups.get(key)!;
    if (group.length === 1) lines.push(formatOne(error));
    else if (!printed.has(key)) lines.push(unreadImagesLine(group, nameAccount));
    printed.add(key);
  }
  return lines;
}

/** An image (or one attribute of it) that was not read because the scan's deadline came first. */
function isUnreadImage(error: ScanError): boolean {
  return error.code === 'ScanTimeout' && error.imageId !== undefined;
}

/** One line for the unread images of one account and region. */
function unreadImagesLine(group: readonly ScanError[], nameAccount: boolean): string {
  const ids = [...new Set(group.map((error) => error.imageId!))];
  const { region, accountId } = group[0]!;
  const shown = ids.slice(0, IDS_SHOWN).join(', ');
  const more = ids.length > IDS_SHOWN ? ` and ${(ids.length - IDS_SHOWN).toLocaleString('en-US')} more` : '';
  const where = `${region ?? 'unknown region'}${nameAccount && accountId ? ` [account ${accountId}]` : ''}`;
  return stripControlSequences(
    `${where}: ${ids.length.toLocaleString('en-US')} images not fully read, the scan reached --timeout first (${shown}${more}; --output json lists each)`,
  );
}
