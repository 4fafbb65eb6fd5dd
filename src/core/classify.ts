import { effectiveBootMode } from './boot-mode.js';
import type { Baseline } from './baseline.js';
import type { Suppressor } from './suppressions.js';
import { imageFleetView, type ImageFleetFacts } from './fleet/image-fleet.js';
import { RULES, type CheckName, type RuleContext } from './rules.js';
import type { AttributeFailure, ClassifiedImage, Finding, ImageAttributes, ImageRecord, Readiness } from './types.js';

export interface ClassifyOptions {
  checks: readonly CheckName[];
  now: Date;
  /** Known exceptions from an ignore file: a matching finding is marked suppressed, never dropped. */
  suppressor?: Suppressor;
  /** The previous report (`--baseline`): each finding is marked new, unchanged or updated. */
  baseline?: Baseline;
}

/** What was read of an image beyond `DescribeImages`. */
export interface ImageExtras {
  attributes?: ImageAttributes;
  failures?: AttributeFailure[];
  /** With `--fleet`/`--evidence`: what the region's fleet reads say about the image. */
  fleet?: ImageFleetFacts;
}

/**
 * Returns the image with its classification and findings.
 *
 * An attribute read with `DescribeImageAttribute` wins over the value `DescribeImages` gave: it is the
 * one the user asked to verify. An image any of whose attributes could not be read is `unknown`, never
 * `ready`, so that a partial read cannot pass a gate.
 */
export function classify(image: ImageRecord, extras: ImageExtras, options: ClassifyOptions): ClassifiedImage {
  const attributes = extras.attributes ?? {};
  const imdsSupport = attributes.imdsSupport !== undefined ? attributes.imdsSupport : image.imdsSupport;
  const bootMode = attributes.bootMode !== undefined ? attributes.bootMode : image.bootMode;
  const tpmSupport = attributes.tpmSupport !== undefined ? attributes.tpmSupport : image.tpmSupport;
  const isPublic = image.public || (attributes.launchPermission ?? []).some((permission) => permission.group === 'all');
  const context: RuleContext = {
    image,
    imdsSupport,
    bootMode,
    effectiveBootMode: effectiveBootMode(bootMode, image.architecture),
    tpmSupport,
    isPublic,
    uefiData: attributes.uefiData,
    launchPermission: attributes.launchPermission,
    ...(extras.attributes ? { attributes: extras.attributes } : {}),
    ...(extras.fleet ? { fleet: imageFleetView(imdsSupport, extras.fleet) } : {}),
    now: options.now,
  };

  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (!options.checks.includes(rule.check)) continue;
    const outcome = rule.evaluate(context);
    if (!outcome) continue;
    const finding: Finding = { ruleId: rule.id, ...outcome };
    const suppressed = options.suppressor?.match(image, finding);
    if (suppressed) finding.suppressed = suppressed;
    if (options.baseline) finding.baselineState = options.baseline.stateOf(image, finding);
    findings.push(finding);
  }

  // Ready means EC2 says IMDSv2 is required. Any other ImdsSupport, unset or a value EC2 may add later,
  // is not-ready: the gate must not pass an image on a guess (IMDS_V1_ALLOWED names the value).
  const readiness: Readiness =
    (extras.failures?.length ?? 0) > 0 ? 'unknown' : imdsSupport === 'v2.0' ? 'ready' : 'not-ready';
  const classified: ClassifiedImage = {
    ...image,
    public: isPublic,
    imdsSupport,
    bootMode,
    effectiveBootMode: context.effectiveBootMode,
    tpmSupport,
    readiness,
    findings,
  };
  if (extras.attributes) classified.attributes = attributesForReport(extras.attributes);
  if (context.fleet) {
    classified.effectiveHttpTokens = context.fleet.effectiveHttpTokens;
    classified.effectiveSource = context.fleet.effectiveSource;
    classified.usage = context.fleet.usage;
    if (context.fleet.evidence) classified.evidence = context.fleet.evidence;
  }
  return classified;
}

/** Flattens what was read into one object for the report, in EC2's attribute names. */
function attributesForReport(attributes: ImageAttributes): Record<string, unknown> {
  const { other, ...known } = attributes;
  return { ...known, ...other };
}
