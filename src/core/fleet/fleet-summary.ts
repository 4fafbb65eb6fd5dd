import type { ClassifiedImage } from '../types.js';
import { EVIDENCE_VERDICTS, type AccountImdsDefaults, type EvidenceVerdict, type FleetNote, type FleetSummary } from './types.js';

/** How many images the summary names under "instances that allow IMDSv1". */
const LISTED_IMAGES = 20;

/**
 * Counts the fleet view as images are classified, so that a streamed scan has the totals too. Holds
 * one entry per region (defaults), per note, and the 20 images with the most IMDSv1-allowing instances.
 */
export class FleetCounter {
  private readonly accountDefaults: AccountImdsDefaults[] = [];
  private readonly notes: FleetNote[] = [];
  private readonly instances = { total: 0, running: 0, imdsV1Allowed: 0 };
  private top: FleetSummary['imdsV1AllowedByImage'] = [];
  private readonly byEvidence: Record<EvidenceVerdict, number> | undefined;

  constructor(withEvidence: boolean) {
    this.byEvidence = withEvidence ? (Object.fromEntries(EVIDENCE_VERDICTS.map((verdict) => [verdict, 0])) as Record<EvidenceVerdict, number>) : undefined;
  }

  addDefaults(defaults: AccountImdsDefaults): void {
    this.accountDefaults.push(defaults);
  }

  addNote(note: FleetNote): void {
    this.notes.push(note);
  }

  add(image: Pick<ClassifiedImage, 'imageId' | 'accountId' | 'region' | 'usage' | 'evidence'>): void {
    const instances = image.usage?.instances;
    if (instances) {
      this.instances.total += instances.total;
      this.instances.running += instances.running;
      this.instances.imdsV1Allowed += instances.imdsV1Allowed;
      if (instances.imdsV1Allowed > 0) this.rank({ imageId: image.imageId, accountId: image.accountId, region: image.region, instances: instances.imdsV1Allowed });
    }
    if (this.byEvidence && image.evidence) this.byEvidence[image.evidence.verdict] += 1;
  }

  summary(): FleetSummary {
    const order = (a: { accountId: string | null; region: string }, b: typeof a) =>
      `${a.accountId ?? ''} ${a.region}`.localeCompare(`${b.accountId ?? ''} ${b.region}`);
    return {
      accountDefaults: [...this.accountDefaults].sort(order),
      instances: { ...this.instances },
      imdsV1AllowedByImage: [...this.top],
      ...(this.byEvidence ? { byEvidence: { ...this.byEvidence } } : {}),
      notes: [...this.notes].sort(order),
    };
  }

  /** Keeps the images with the most IMDSv1-allowing instances; ties keep the order they came in. */
  private rank(entry: FleetSummary['imdsV1AllowedByImage'][number]): void {
    if (this.top.length === LISTED_IMAGES && this.top[LISTED_IMAGES - 1]!.instances >= entry.instances) return;
    const at = this.top.findIndex((other) => other.instances < entry.instances);
    this.top.splice(at === -1 ? this.top.length : at, 0, entry);
    if (this.top.length > LISTED_IMAGES) this.top.pop();
  }
}
