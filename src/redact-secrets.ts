/**
 * Redaction of credentials from text that ami-audit prints or stores: error messages from AWS or from
 * a proxy in front of it (some echo the request headers), stacks under `--debug`, endpoint URLs.
 * Pure string work, imported by the AWS adapter, the error types and the terminal sanitiser alike.
 */

/** What a secret is replaced with. */
export const REDACTED = '***';

/**
 * Names whose value is a credential wherever it appears: a header (`Authorization: ...`), a query
 * parameter (`X-Amz-Signature=...`), a JSON member (`"SessionToken": "..."`), an XML element
 * (`<SessionToken>...`) or an SDK canonical request (`x-amz-security-token:...`). Longest first, so
 * that `X-Amz-Credential` is matched whole rather than as `Credential`.
 */
const SECRET_NAMES = [
  'proxy-authorization',
  'authorization',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-credential',
  'aws_secret_access_key',
  'aws_session_token',
  'secret[-_ ]?access[-_ ]?key',
  'session[-_ ]?token',
  'security[-_ ]?token',
  'credential',
  'signature',
  'password',
  'cookie',
].join('|');

/**
 * A value: an `Authorization` value with its scheme (`AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
 * Signature=...`, `Bearer ...`), otherwise one run of characters up to a delimiter of headers, query
 * strings, JSON or XML.
 */
const SECRET_VALUE = String.raw`AWS4-HMAC-SHA256\s+[^\s"'<>,;]+(?:,\s*(?:SignedHeaders=[^\s"'<>,]+|Signature=[0-9a-fA-F]+))*|(?:Bearer|Basic|Digest|AWS)\s+[^\s"'<>,;&]+|[^\s"'<>,;&]+`;

/** `name: value`, `name=value`, `"name": "value"`, `<name>value`; the name not part of a longer word. */
const NAMED_SECRET = new RegExp(String.raw`(?<![\w-])(${SECRET_NAMES})(["']?\s*[:=]\s*["']?|>)(${SECRET_VALUE})`, 'gi');

/** AWS access key ids: long-term (`AKIA`) and temporary (`ASIA`) keys, and the rarer prefixes of the same shape. */
const ACCESS_KEY_ID = /(?<![A-Z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g;

/**
 * A word about a secret or token, a separator (`:`, `=`, a space), then a long token-shaped value:
 * "session token FQoGZX...". The separator is required: `my-secrets/dist/chunk-4F2A.js` is a path.
 */
const WORDED_SECRET = /(\b[\w-]*(?:secret|token)[\w-]*["']?(?:\s*[:=]\s*|\s+(?:is\s+)?)["']?)([A-Za-z0-9+/_=.-]{16,})/gi;

/** A long base64 run, the shape of a secret access key (40 characters) or a session token (hundreds). */
const BASE64_RUN = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])/g;

/** `scheme://userinfo@`: the authority's userinfo is everything before its last `@`. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>]*)@/gi;

/**
 * Returns `text` with credentials replaced by `***`: the values of `Authorization`,
 * `X-Amz-Security-Token`, `X-Amz-Signature`, `X-Amz-Credential` (and `Credential=`/`Signature=` of a
 * SigV4 header), access key ids (`AKIA...`, `ASIA...`), long token-shaped values after words such as
 * "secret" or "token", long base64 runs, and the password (or token) in a URL's userinfo.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(NAMED_SECRET, (_match, name: string, separator: string, value: string) => `${name}${separator}${redactedValue(value)}`)
    .replace(ACCESS_KEY_ID, (_match, prefix: string) => `${prefix}${REDACTED}`)
    .replace(WORDED_SECRET, (match, words: string, value: string) => (looksLikeToken(value) ? `${words}${REDACTED}` : match))
    .replace(BASE64_RUN, (run) => (looksLikeBase64Secret(run) ? REDACTED : run))
    .replace(URL_USERINFO, (_match, scheme: string, userinfo: string) => `${scheme}${redactedUserinfo(userinfo)}@`);
}

/**
 * Returns a URL with its userinfo redacted (`http://user:***@host`), for messages that name an
 * endpoint; also a malformed one without `//` (`user:password@host`), whose userinfo goes whole.
 */
export function redactUrl(url: string): string {
  if (!url.includes('://') && url.includes('@')) return `${REDACTED}@${url.slice(url.lastIndexOf('@') + 1)}`;
  return url.replace(URL_USERINFO, (_match, scheme: string, userinfo: string) => `${scheme}${redactedUserinfo(userinfo)}@`);
}

/** Keeps the scheme of an `Authorization` value, which says what kind of credential was hidden. */
function redactedValue(value: string): string {
  const scheme = /^(AWS4-HMAC-SHA256|Bearer|Basic|Digest|AWS)\s+/i.exec(value);
  return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

/** `user:password` keeps the user name; a lone name (often a token, as in `https://<token>@host`) goes whole. */
function redactedUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  return colon >= 0 ? `${userinfo.slice(0, colon)}:${REDACTED}` : REDACTED;
}

/** A token has a digit or a base64 symbol somewhere; words such as "configuration_not_found" do not. */
function looksLikeToken(value: string): boolean {
  return !value.startsWith(REDACTED) && /[0-9+/]/.test(value);
}

/**
 * Mixed case and digits, and not a file path (a stack under `--debug` is full of long paths, and the
 * look-behind keeps a run from starting inside one).
 */
function looksLikeBase64Secret(run: string): boolean {
  return !run.startsWith('/') && /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run);
}
