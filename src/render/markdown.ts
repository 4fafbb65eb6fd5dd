import { SEVERITIES, type ClassifiedImage, type ScanResult } from '../core/types.js';
import { renderWhole, type OutputFormatSpec, type ReportRenderer, type ScanReport } from './renderer.js';
import { stripControlSequences } from './sanitize.js';

/** Images listed by name in the summary; the rest are counted. A job summary is read, not searched. */
export const MARKDOWN_MAX_IMAGES = 100;
const MARKDOWN_MAX_ERRORS = 20;

interface ListedImage {
  imageId: string;
  name: string | null;
  accountId: string | null;
  region: string | null;
  readiness: string;
  imdsSupport: string | null;
  findings: string[];
}

/**
 * A Markdown summary for pull requests and `$GITHUB_STEP_SUMMARY`: totals by verdict and severity,
 * whether the scan was complete, then the images that are not ready (the first 100, and a count of
 * the rest). Every string from AWS goes through `markdownText`, so an image name cannot open a link,
 * inject HTML or break the table.
 */
export class MarkdownRenderer implements ReportRenderer {
  private readonly listed: ListedImage[] = [];
  private unlisted = 0;

  begin(): string {
    return '';
  }

  image(image: ClassifiedImage): string {
    if (image.readiness === 'ready') return '';
    if (this.listed.length >= MARKDOWN_MAX_IMAGES) {
      this.unlisted += 1;
      return '';
    }
    this.listed.push({
      imageId: image.imageId,
      name: image.name,
      accountId: image.accountId,
      region: image.region,
      readiness: image.readiness,
      imdsSupport: image.imdsSupport,
      findings: image.findings.map((finding) => `${finding.severity} ${finding.ruleId}${finding.suppressed ? ' (suppressed)' : ''}`),
    });
    return '';
  }

  error(): string {
    return '';
  }

  end(report: ScanReport): string {
    const { summary } = report;
    const notReady = summary.byReadiness['not-ready'] + summary.byReadiness.unknown;
    const lines = [
      `## ami-audit: ${notReady} of ${summary.images} image${summary.images === 1 ? '' : 's'} not IMDSv2-ready`,
      '',
      summary.complete
        ? '**Scan complete.**'
        : `**Scan incomplete: ${summary.errors} error${summary.errors === 1 ? '' : 's'}.** Some images or regions were not read; an incomplete scan never passes the gate.`,
      '',
      '| Verdict | Images |',
      '|---|---:|',
      `| ready | ${summary.byReadiness.ready} |`,
      `| not ready | ${summary.byReadiness['not-ready']} |`,
      `| unknown | ${summary.byReadiness.unknown} |`,
      '',
      '| Severity | Findings |',
      '|---|---:|',
      ...[...SEVERITIES].reverse().map((severity) => `| ${severity} | ${summary.bySeverity[severity]} |`),
    ];
    if (summary.suppressions) {
      const { applied, expired, invalid, unused } = summary.suppressions;
      lines.push('', `${applied} finding${applied === 1 ? '' : 's'} suppressed by the ignore file (reported, not counted by the gate); ${expired.length} expired, ${invalid.length} invalid and ${unused.length} unused entr${expired.length + invalid.length + unused.length === 1 ? 'y' : 'ies'}.`);
    }
    if (summary.fleet) {
      const { instances, byEvidence } = summary.fleet;
      lines.push('', '### Fleet', '', `${instances.total} instance${instances.total === 1 ? '' : 's'} launched from these images (${instances.running} running); **${instances.imdsV1Allowed} allow IMDSv1**.`);
      if (byEvidence) {
        lines.push('', '| Evidence (CloudWatch) | Images |', '|---|---:|', ...Object.entries(byEvidence).map(([verdict, count]) => `| ${verdict} | ${count} |`));
      }
      for (const note of summary.fleet.notes) lines.push('', `Note: ${markdownText(note.message)}`);
    }
    if (this.listed.length > 0) {
      const showAccount = this.listed.some((image) => image.accountId !== null);
      lines.push('', `### Images that are not ready`, '');
      lines.push(`| Image | Name |${showAccount ? ' Account |' : ''} Region | IMDS | Verdict | Findings |`);
      lines.push(`|---|---|${showAccount ? '---|' : ''}---|---|---|---|`);
      for (const image of this.listed) {
        const cells = [
          code(image.imageId),
          image.name === null ? '-' : markdownText(image.name),
          ...(showAccount ? [image.accountId === null ? '-' : markdownText(image.accountId)] : []),
          image.region === null ? '-' : markdownText(image.region),
          image.imdsSupport === null ? 'v1 allowed' : markdownText(image.imdsSupport),
          image.readiness === 'unknown' ? 'UNKNOWN' : 'NOT READY',
          image.findings.map(markdownText).join('<br>') || '-',
        ];
        lines.push(`| ${cells.join(' | ')} |`);
      }
      if (this.unlisted > 0) lines.push('', `…and ${this.unlisted} more image${this.unlisted === 1 ? '' : 's'} not ready: see the JSON report.`);
    }
    if (report.errors.length > 0) {
      lines.push('', '### Errors', '');
      for (const error of report.errors.slice(0, MARKDOWN_MAX_ERRORS)) lines.push(`- ${markdownText(error.message)}`);
      if (report.errors.length > MARKDOWN_MAX_ERRORS) lines.push(`- …and ${report.errors.length - MARKDOWN_MAX_ERRORS} more`);
    }
    return `${lines.join('\n')}\n`;
  }
}

/**
 * Returns a string from AWS as Markdown text that renders as the same characters and nothing more:
 * control sequences stripped, line breaks flattened, HTML's `<`, `>` and `&` written as entities, and
 * every other character Markdown or a GFM table gives meaning to escaped with a backslash.
 */
export function markdownText(text: string): string {
  return stripControlSequences(text.replace(/[\r\n]+/g, ' '))
    .replace(/[\\`*_{}[\]()#+!|~]/g, (character) => `\\${character}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** An image id as code; ids come from AWS too, so anything but the id's own characters is dropped. */
function code(imageId: string): string {
  return `\`${imageId.replace(/[^\w-]/g, '')}\``;
}

export const markdownFormat: OutputFormatSpec = {
  name: 'markdown',
  description: 'a Markdown summary for pull requests and $GITHUB_STEP_SUMMARY',
  create: () => new MarkdownRenderer(),
};

/** Returns the Markdown summary of a whole result. */
export function renderMarkdown(result: ScanResult): string {
  return renderWhole(new MarkdownRenderer(), result);
}
