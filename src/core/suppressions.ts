import type { Finding, ImageRecord } from './types.js';

/**
 * Known exceptions, written by hand in `.ami-audit-ignore.yml`: a rule, optional matchers that must
 * all match, a reason and an optional end date. Following audit-ci and trivy, a suppressed finding
 * stays in every output but does not count toward `--fail-on`; an entry past its date, without a
 * reason or with a date that cannot be read suppresses nothing (it fails closed), and an entry that
 * matched nothing is reported as unused, so that stale exceptions do not pile up.
 */
export interface SuppressionEntry {
  /** Position in the file's list, from 0: how messages and the summary name the entry. */
  index: number;
  rule: string;
  imageId?: string;
  /** A glob (`*`, `?`) on the image name. */
  name?: string;
  owner?: string;
  account?: string;
  region?: string;
  /** `key=value`; the value may be a glob. */
  tag?: string;
  reason?: string;
  /** As written: a date (`2027-03-31`, through the end of that day in UTC) or a date-time. */
  expires?: string;
}

/** What a finding carries once an entry suppressed it. */
export interface Suppressed {
  reason: string;
  expires: string | null;
}

/** The summary's account of the suppressions: what applied, and what did not and why. */
export interface SuppressionReport {
  /** Findings suppressed. */
  applied: number;
  expired: { index: number; rule: string; expires: string; reason: string }[];
  invalid: { index: number; rule: string; problem: string }[];
  unused: { index: number; rule: string }[];
}

interface ActiveEntry {
  entry: SuppressionEntry;
  reason: string;
  expires: string | null;
  name?: RegExp;
  tag?: { key: string; value: RegExp };
}

/** Matches findings against the entries of an ignore file, at one moment (`now`). */
export class Suppressor {
  private readonly active: ActiveEntry[] = [];
  private readonly report: SuppressionReport = { applied: 0, expired: [], invalid: [], unused: [] };
  private readonly used = new Set<number>();

  constructor(entries: readonly SuppressionEntry[], now: Date) {
    for (const entry of entries) {
      if (entry.reason === undefined || entry.reason.trim() === '') {
        this.report.invalid.push({ index: entry.index, rule: entry.rule, problem: 'no reason: every exception says why' });
        continue;
      }
      let expires: string | null = null;
      if (entry.expires !== undefined) {
        const end = endOf(entry.expires);
        if (end === undefined) {
          this.report.invalid.push({ index: entry.index, rule: entry.rule, problem: `"expires" ${JSON.stringify(entry.expires)} is not a date (YYYY-MM-DD)` });
          continue;
        }
        if (end.getTime() < now.getTime()) {
          this.report.expired.push({ index: entry.index, rule: entry.rule, expires: entry.expires, reason: entry.reason });
          continue;
        }
        expires = entry.expires;
      }
      const tag = entry.tag === undefined ? undefined : splitTag(entry.tag);
      this.active.push({
        entry,
        reason: entry.reason,
        expires,
        ...(entry.name !== undefined ? { name: globPattern(entry.name) } : {}),
        ...(tag ? { tag } : {}),
      });
    }
  }

  /** Returns the suppression of a finding on an image, or undefined when no active entry matches. */
  match(image: ImageRecord, finding: Finding): Suppressed | undefined {
    for (const active of this.active) {
      if (!matches(active, image, finding)) continue;
      this.used.add(active.entry.index);
      this.report.applied += 1;
      return { reason: active.reason, expires: active.expires };
    }
    return undefined;
  }

  /** Returns what the suppressions did so far; entries that matched nothing are unused. */
  summary(): SuppressionReport {
    const unused = this.active.filter((active) => !this.used.has(active.entry.index)).map((active) => ({ index: active.entry.index, rule: active.entry.rule }));
    return { ...this.report, expired: [...this.report.expired], invalid: [...this.report.invalid], unused };
  }
}

function matches(active: ActiveEntry, image: ImageRecord, finding: Finding): boolean {
  const { entry } = active;
  if (entry.rule !== finding.ruleId) return false;
  if (entry.imageId !== undefined && entry.imageId !== image.imageId) return false;
  if (active.name && !active.name.test(image.name ?? '')) return false;
  if (entry.owner !== undefined && entry.owner !== image.ownerId) return false;
  if (entry.account !== undefined && entry.account !== image.accountId) return false;
  if (entry.region !== undefined && entry.region !== image.region) return false;
  if (active.tag) {
    const { key, value } = active.tag;
    if (!image.tags.some((tag) => tag.key === key && value.test(tag.value))) return false;
  }
  return true;
}

/** Returns the last moment an `expires` value covers: a date lasts through its day in UTC. */
function endOf(expires: string): Date | undefined {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expires);
  if (dateOnly) {
    const [, year, month, day] = dateOnly.map(Number) as [number, number, number, number];
    const end = new Date(Date.UTC(year, month - 1, day, 23, 59, 59, 999));
    // Date.UTC rolls 2027-02-30 over to March: such a date is not a date.
    return end.getUTCMonth() === month - 1 && end.getUTCDate() === day ? end : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(expires)) return undefined;
  const moment = new Date(expires);
  return Number.isNaN(moment.getTime()) ? undefined : moment;
}

/** Returns a regular expression for a glob: `*` any run of characters, `?` one character, the rest literal. */
export function globPattern(glob: string): RegExp {
  const body = [...glob].map((character) => (character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

function splitTag(tag: string): { key: string; value: RegExp } {
  const equals = tag.indexOf('=');
  return equals < 0 ? { key: tag, value: /^[\s\S]*$/ } : { key: tag.slice(0, equals), value: globPattern(tag.slice(equals + 1)) };
}
