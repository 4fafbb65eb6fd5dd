import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RULES } from '../core/rules.js';
import type { SuppressionEntry } from '../core/suppressions.js';
import { AmiAuditError } from '../errors.js';
import { terminalSafe } from '../render/sanitize.js';

/** The ignore file a scan reads when `--ignore-file` is not given, if it exists in the working directory. */
export const DEFAULT_IGNORE_FILE = '.ami-audit-ignore.yml';

const MATCHERS = ['imageId', 'name', 'owner', 'account', 'region', 'tag'] as const;
const KEYS = new Set<string>(['rule', ...MATCHERS, 'reason', 'expires']);

/**
 * Returns the entries of an ignore file: `--ignore-file <path>`, or `.ami-audit-ignore.yml` in the
 * working directory when it exists, or none. A file that is not YAML (or JSON), or not the shape the
 * README shows, is a usage error that names the file, the entry and what is wrong. An entry without a
 * reason or with an unreadable date is kept: the suppressor fails it closed and reports it.
 */
export async function readIgnoreFile(path: string | undefined, cwd: string): Promise<{ path: string; entries: SuppressionEntry[] } | undefined> {
  const defaultFile = join(cwd, DEFAULT_IGNORE_FILE);
  if (path === undefined && !existsSync(defaultFile)) return undefined;
  // Messages name the file as the user would: the path given, or the default file's own name.
  const chosen = path ?? DEFAULT_IGNORE_FILE;
  let text: string;
  try {
    text = await readFile(path ?? defaultFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AmiAuditError('InvalidInput', `Cannot read --ignore-file ${chosen}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`, { cause: error });
  }
  return { path: chosen, entries: parseIgnoreFile(text, chosen) };
}

/** Returns the entries of an ignore file's text; `source` names it in messages. */
export function parseIgnoreFile(text: string, source: string): SuppressionEntry[] {
  const fail = (problem: string): never => {
    throw new AmiAuditError('InvalidInput', terminalSafe(`--ignore-file ${source}: ${problem}`));
  };
  let document: unknown;
  try {
    // YAML 1.2 is a superset of JSON: one parser reads both. The failsafe schema reads every scalar as
    // text, so an account id such as 012345678901 keeps its leading zero and a date stays as written.
    document = parseYaml(text, { schema: 'failsafe', uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    fail(`not valid YAML or JSON (${(error as Error).message.split('\n', 1)[0]})`);
  }
  if (document === null || document === undefined || document === '') return [];
  if (typeof document !== 'object' || Array.isArray(document) || !('suppressions' in document)) {
    fail('expected a mapping with a "suppressions" list, e.g. "suppressions:\\n  - rule: IMDS_V1_ALLOWED\\n    reason: ..."');
  }
  const list = (document as { suppressions: unknown }).suppressions;
  if (list === null || list === '') return [];
  if (!Array.isArray(list)) fail('"suppressions" must be a list of entries');
  const ruleIds = RULES.map((rule) => rule.id);
  return (list as unknown[]).map((raw, index) => {
    const where = `suppressions[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${where} must be a mapping with "rule" and "reason"`);
    const record = raw as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!KEYS.has(key)) fail(`${where} has an unknown key "${key}": use rule, ${MATCHERS.join(', ')}, reason, expires`);
    }
    if (typeof record.rule !== 'string') fail(`${where} needs "rule", a rule id such as IMDS_V1_ALLOWED`);
    const rule = record.rule as string;
    if (!ruleIds.includes(rule)) fail(`${where}: "${rule}" is not a rule id: choose from ${ruleIds.join(', ')}`);
    const entry: SuppressionEntry = { index, rule };
    for (const key of [...MATCHERS, 'reason'] as const) {
      const value = record[key];
      if (value === undefined) continue;
      if (typeof value !== 'string') fail(`${where}: "${key}" must be text, not a list or a mapping`);
      entry[key] = value as string;
    }
    if (record.expires !== undefined) {
      if (typeof record.expires !== 'string') fail(`${where}: "expires" must be a date such as 2027-03-31`);
      // Kept as written even when it is not a date: the suppressor fails such an entry closed and says so.
      entry.expires = record.expires as string;
    }
    return entry;
  });
}
