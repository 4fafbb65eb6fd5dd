import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { remediationFor } from '../core/remediation.js';
import { RULES } from '../core/rules.js';
import { SEVERITIES, type ClassifiedImage, type Finding, type ScanResult, type Severity } from '../core/types.js';
import { toJsonText } from './json-text.js';
import { renderWhole, type OutputFormatSpec, type ReportRenderer, type ScanReport, type ToolInfo } from './renderer.js';

/** GitHub code scanning takes at most this many results per run, and a file of at most 10 MB gzipped. */
export const SARIF_MAX_RESULTS = 25_000;
export const SARIF_MAX_GZIPPED_BYTES = 10 * 1024 * 1024;

/** GitHub shows `security-severity` as critical (9.0+), high (7.0+), medium (4.0+) or low; info has none. */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', info: undefined };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** One SARIF result, kept until the end: only what the result needs, never the image. */
interface SarifResult {
  severity: Severity;
  json: Record<string, unknown>;
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one result per finding.
 *
 * GitHub's rules shape it. Every result has a `physicalLocation` (GitHub rejects a file where one has
 * only logical locations): a stable synthetic path per image, `aws/<account>/<region>/<image>`, with
 * no date or name in it, since a path that changes closes and reopens the alert. The fingerprint is
 * computed here from the rule, account, region and image (the upload action cannot hash a path that
 * is not a file). `automationDetails.id` comes from the scope, so that scans of different accounts or
 * regions do not close each other's alerts.
 *
 * It keeps results (not images) until the end, and never more than GitHub takes: past 25,000 it
 * drops the lowest severities first, and says so in the run's properties.
 */
export class SarifRenderer implements ReportRenderer {
  private readonly kept = new Map<Severity, SarifResult[]>(SEVERITIES.map((severity) => [severity, []]));
  private keptCount = 0;
  private total = 0;
  private lastWritten = 0;
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();

  private suppressedLeftOut = 0;

  constructor(
    private readonly tool: ToolInfo,
    private readonly includeSuppressed = false,
  ) {}

  begin(): string {
    return '';
  }

  image(image: ClassifiedImage): string {
    if (image.accountId) this.accounts.add(image.accountId);
    if (image.region) this.regions.add(image.region);
    for (const finding of image.findings) {
      // GitHub ignores SARIF suppressions and would show a suppressed result as an open alert.
      if (finding.suppressed && !this.includeSuppressed) {
        this.suppressedLeftOut += 1;
        continue;
      }
      this.keep({ severity: finding.severity, json: sarifResult(image, finding, this.includeSuppressed) });
    }
    return '';
  }

  error(): string {
    return '';
  }

  end(report: ScanReport): string {
    let results = SEVERITIES.slice().reverse().flatMap((severity) => this.kept.get(severity)!.map((result) => result.json));
    let text = this.document(report, results);
    // Rare: results with long messages past GitHub's size limit. Halve the lowest-severity tail until it fits.
    while (results.length > 0 && gzipSync(text).length > SARIF_MAX_GZIPPED_BYTES) {
      results = results.slice(0, Math.floor(results.length / 2));
      text = this.document(report, results);
    }
    this.lastWritten = results.length;
    return text;
  }

  /** Keeps a result, dropping the lowest severity kept once there are more than GitHub takes. */
  private keep(result: SarifResult): void {
    this.total += 1;
    this.kept.get(result.severity)!.push(result);
    this.keptCount += 1;
    if (this.keptCount <= SARIF_MAX_RESULTS) return;
    const lowest = SEVERITIES.find((severity) => this.kept.get(severity)!.length > 0)!;
    this.kept.get(lowest)!.pop();
    this.keptCount -= 1;
  }

  private document(report: ScanReport, results: Record<string, unknown>[]): string {
    const omitted = this.total - results.length;
    const accounts = [...this.accounts].sort();
    const regions = [...this.regions].sort();
    const run = {
      tool: {
        driver: {
          name: this.tool.name,
          version: this.tool.version,
          semanticVersion: this.tool.version,
          rules: RULES.map((rule) => ({
            id: rule.id,
            name: ruleName(rule.id),
            shortDescription: { text: rule.summary },
            fullDescription: { text: `${rule.summary} Check: ${rule.check}.` },
            help: { text: remediationFor(rule.id), markdown: remediationFor(rule.id) },
            defaultConfiguration: { level: LEVEL[rule.severity] },
            properties: {
              tags: ['security', 'aws', 'ec2', 'ami'],
              precision: 'very-high',
              ...(SECURITY_SEVERITY[rule.severity] ? { 'security-severity': SECURITY_SEVERITY[rule.severity] } : {}),
            },
          })),
        },
      },
      automationDetails: { id: `ami-audit/${automationScope(report, accounts, regions)}/` },
      invocations: [{ executionSuccessful: report.summary.complete, endTimeUtc: report.scannedAt }],
      results,
      properties: {
        scope: { accounts, regions, source: report.scope.source },
        summary: report.summary,
        complete: report.summary.complete,
        suppressedResults: this.includeSuppressed
          ? 'included, each with an accepted external suppression'
          : `${this.suppressedLeftOut} suppressed finding${this.suppressedLeftOut === 1 ? '' : 's'} left out (GitHub shows SARIF suppressions as open alerts); --sarif-include-suppressed keeps them`,
        ...(omitted > 0
          ? { resultsOmitted: omitted, resultsOmittedReason: `GitHub code scanning takes at most ${SARIF_MAX_RESULTS} results and 10 MB gzipped per run: the lowest severities were left out` }
          : {}),
      },
    };
    return `${toJsonText({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] }, 2)}\n`;
  }

  /** Says, for stderr, how many results were left out to stay within GitHub's limits. */
  notices(): string[] {
    const omitted = this.total - this.lastWritten;
    return omitted > 0 ? [`SARIF: ${omitted} of ${this.total} results were left out (GitHub takes at most ${SARIF_MAX_RESULTS} per run and 10 MB gzipped): the lowest severities`] : [];
  }
}

/** Returns one SARIF result for one finding of one image. */
function sarifResult(image: ClassifiedImage, finding: Finding, withSuppressions: boolean): Record<string, unknown> {
  const account = image.accountId ?? 'unknown-account';
  const region = image.region ?? 'unknown-region';
  const arn = `arn:aws:ec2:${image.region ?? ''}::image/${image.imageId}`;
  const ruleIndex = RULES.findIndex((rule) => rule.id === finding.ruleId);
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[finding.severity],
    message: { text: `${image.imageId}${image.name ? ` (${image.name})` : ''}: ${finding.message}` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: `aws/${uriSegment(account)}/${uriSegment(region)}/${uriSegment(image.imageId)}` }, region: { startLine: 1 } },
        logicalLocations: [{ name: image.imageId, fullyQualifiedName: arn, kind: 'resource' }],
      },
    ],
    partialFingerprints: { primaryLocationLineHash: fingerprint(finding.ruleId, account, region, image.imageId) },
    ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
    // SARIF wants all or none of a run's results to carry suppressions: an empty list means "not suppressed".
    ...(withSuppressions
      ? { suppressions: finding.suppressed ? [{ kind: 'external', status: 'accepted', justification: finding.suppressed.reason }] : [] }
      : {}),
    properties: {
      accountId: image.accountId,
      ...(image.accountName !== undefined ? { accountName: image.accountName } : {}),
      region: image.region,
      imageId: image.imageId,
      arn,
      name: image.name,
      severity: finding.severity,
      ...(SECURITY_SEVERITY[finding.severity] ? { 'security-severity': SECURITY_SEVERITY[finding.severity] } : {}),
    },
  };
}

/** A stable fingerprint of a finding: the same rule on the same image keeps its alert across scans. */
export function fingerprint(ruleId: string, account: string, region: string, imageId: string): string {
  return `${createHash('sha256').update(`${ruleId}\u0000${account}\u0000${region}\u0000${imageId}`).digest('hex').slice(0, 32)}:1`;
}

/** The scope part of `automationDetails.id`: the accounts and regions scanned, or the input file. */
function automationScope(report: ScanReport, accounts: string[], regions: string[]): string {
  if (report.scope.source === 'file') return `input${regions.length > 0 ? `/${regions.join('+')}` : ''}`;
  // An organization is one scope however it was split or merged (and a thousand ids would make a useless id).
  const organization = report.scope.organization;
  const accountPart = organization ? `organization-${uriSegment(organization.callerAccountId)}` : accounts.length > 0 ? accounts.join('+') : report.scope.accounts.map(uriSegment).join('+');
  const regionPart = report.scope.regions.includes('all') ? 'all-regions' : regions.length > 0 ? regions.join('+') : report.scope.regions.join('+');
  return `${accountPart}/${regionPart}`;
}

/** A path segment from a value that came from AWS or a file: nothing that would change the path's shape. */
function uriSegment(value: string): string {
  return encodeURIComponent(value);
}

/** SARIF wants a readable rule name: IMDS_V1_ALLOWED becomes ImdsV1Allowed. */
function ruleName(ruleId: string): string {
  return ruleId
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

export const sarifFormat: OutputFormatSpec = {
  name: 'sarif',
  description: 'SARIF 2.1.0 for GitHub code scanning (one result per finding)',
  create: (context) => new SarifRenderer(context.tool, context.includeSuppressed === true),
};

/** Returns the SARIF log of a whole result. */
export function renderSarif(result: ScanResult, tool: ToolInfo): string {
  return renderWhole(new SarifRenderer(tool), result);
}
