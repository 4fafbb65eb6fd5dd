/**
 * ami-audit as a library: list, classify and judge AMIs without the CLI. Nothing here prints or exits.
 */
export { classify, type ClassifyOptions } from './core/classify.js';
export { effectiveBootMode } from './core/boot-mode.js';
export { RULES, CHECKS, CHECK_NAMES, DEFAULT_CHECKS, type Rule, type CheckName } from './core/rules.js';
export { scan, attributesToRead, type ScanRequest, type ScanDependencies, type ScanObserver } from './core/scan.js';
export { scanDocument } from './core/scan-document.js';
export { gate, gateExitCode, EXIT, type FailOn, type GateVerdict } from './core/policy.js';
export { summarize } from './core/summarize.js';
export { parseFilter, type ImageFilter } from './core/filter-shorthand.js';
export { parseImagesDocument, readImagesDocument, type ImagesDocument } from './input/read-images-document.js';
export { OUTPUT_FORMATS, OUTPUT_FORMAT_NAMES, type OutputFormat } from './render/index.js';
export type { OutputFormatSpec, RenderContext, ReportRenderer, ScanReport, ToolInfo } from './render/renderer.js';
export { renderWhole } from './render/renderer.js';
export { renderJson, JsonRenderer, SCHEMA_VERSION } from './render/json.js';
export { renderTable, TableRenderer, summaryLine } from './render/table.js';
export { renderCsv, CsvRenderer } from './render/csv.js';
export { renderNdjson, NdjsonRenderer, renderNdjsonImage, renderNdjsonError, renderNdjsonSummary } from './render/ndjson.js';
export { toJsonText } from './render/json-text.js';
export { renderSarif, SarifRenderer } from './render/sarif.js';
export { renderMarkdown, MarkdownRenderer } from './render/markdown.js';
export { stripControlSequences } from './render/sanitize.js';
export { SdkEc2Port, createEc2Client, resolveDefaultRegion, describeImagesInput } from './aws/ec2-sdk.js';
export type { AccountPort, Ec2Port, FleetPort, ImageQuery, MetricWindow, OrganizationAccount, OrganizationPort, RegionInfo } from './core/ports.js';
export { AmiAuditError, AwsCallError, isAmiAuditError } from './errors.js';
export type * from './core/types.js';
export type * from './core/fleet/types.js';
export { effectiveImds, type EffectiveImds } from './core/fleet/effective-imds.js';
export { evidenceFor } from './core/fleet/evidence.js';
export { Suppressor, type SuppressionEntry, type SuppressionReport } from './core/suppressions.js';
export { Baseline, type BaselineImage, type BaselineReport, type BaselineState } from './core/baseline.js';
export { diffReports } from './core/diff.js';
export { mergeReports, type MergeOutcome, type ReportPart } from './core/merge.js';
export { planOrganization, selectAccounts, type OrganizationPlan, type OrganizationSelection, type PlannedAccount } from './core/plan-organization.js';
export { parseReport, parseWholeReport, readReport, readWholeReport, type ReportFile } from './input/read-report.js';
export { parseIgnoreFile } from './input/read-ignore-file.js';
