// EC2 `Filter.N` semantics: a filter matches when any of its values matches any of the
// resource's values for that filter name (values OR), and a resource must match every filter
// (filters AND). Values may use `*` (any run of characters) and `?` (one character), with `\`
// escaping a literal `*`, `?` or `\`. Matching is case-sensitive, as in EC2.

import { Errors } from './errors.js';
import type { QueryFilter } from './query-protocol.js';

/** Returns the values a resource has for one filter name (empty: the filter never matches). */
export type FilterExtractor<T> = (resource: T) => Array<string | number | boolean | undefined>;

export interface FilterTable<T> {
  /** Exact filter names. */
  names: Record<string, FilterExtractor<T>>;
  /** `tag:<key>` support: the resource's tags. */
  tags?: (resource: T) => { Key: string; Value?: string }[] | undefined;
}

/** Compiles a glob with `*`, `?` and backslash escapes into an anchored RegExp. */
export function wildcardToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      re += escapeRegExp(pattern[++i]!);
    } else if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else re += escapeRegExp(ch);
  }
  return new RegExp(`^${re}$`, 'u');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function text(v: string | number | boolean | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

/**
 * Validates the request's filters against the table and returns one predicate for all of them.
 * Unknown filter names answer InvalidParameterValue, as EC2 does.
 */
export function compileFilters<T>(filters: QueryFilter[], table: FilterTable<T>): (resource: T) => boolean {
  const predicates = filters.map((filter) => {
    let extract: FilterExtractor<T> | undefined = table.names[filter.name];
    if (!extract && table.tags) {
      const tags = table.tags;
      if (filter.name === 'tag-key') extract = (r) => (tags(r) ?? []).map((t) => t.Key);
      else if (filter.name.startsWith('tag:') && filter.name.length > 4) {
        const key = filter.name.slice(4);
        extract = (r) => (tags(r) ?? []).filter((t) => t.Key === key).map((t) => t.Value ?? '');
      }
    }
    if (!extract) throw Errors.invalidFilter(filter.name);
    if (filter.values.length === 0) {
      throw Errors.invalidParameterValue(`The filter '${filter.name}' must have at least one value`);
    }
    const patterns = filter.values.map(wildcardToRegExp);
    const get = extract;
    return (r: T) => {
      const values = get(r).map(text).filter((v): v is string => v !== undefined);
      return values.some((v) => patterns.some((p) => p.test(v)));
    };
  });
  return (r: T) => predicates.every((p) => p(r));
}
