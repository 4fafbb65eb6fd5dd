/**
 * The shape of one `Image` of `aws ec2 describe-images` output, as far as ami-audit reads it: one row
 * per field, each with the check its value must pass. Fields not listed are ignored (EC2 adds fields).
 * A field that is absent or null is unset, as EC2 leaves it; `ImageId` is the one field required.
 */

/** What a field's check found wrong; a problem below the field (in a tag) has its path and value. */
interface ShapeProblem {
  problem: string;
  below?: { path: string; value: unknown };
}

type FieldCheck = (value: unknown) => ShapeProblem | undefined;

/** Returns how a value looks, for a message: its JSON type and, for scalars, the value made safe. */
export function describeValue(value: unknown, show: (text: string) => string): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${show(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

const AMI_ID = /^ami-[0-9a-f]+$/;
// EC2 writes times as ISO 8601 in UTC, such as 2025-11-03T08:12:44.000Z.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const isString: FieldCheck = (value) => (typeof value === 'string' ? undefined : { problem: 'must be a string' });
const isBoolean: FieldCheck = (value) => (typeof value === 'boolean' ? undefined : { problem: 'must be true or false' });
const isAmiId: FieldCheck = (value) =>
  typeof value === 'string' && AMI_ID.test(value) ? undefined : { problem: 'must be an AMI id (ami- and hexadecimal digits)' };
const isTimestamp: FieldCheck = (value) =>
  typeof value === 'string' && TIMESTAMP.test(value) && Number.isFinite(Date.parse(value))
    ? undefined
    : { problem: 'must be an ISO 8601 time such as 2025-11-03T08:12:44.000Z' };

/** `Tags` is a list of `{"Key": string, "Value": string}`; EC2 always sets `Key`, and `Value` may be empty. */
const isTagList: FieldCheck = (value) => {
  if (!Array.isArray(value)) return { problem: 'must be a list of {"Key": ..., "Value": ...}' };
  for (const [index, tag] of value.entries()) {
    if (typeof tag !== 'object' || tag === null || Array.isArray(tag)) {
      return { problem: 'must be an object {"Key": ..., "Value": ...}', below: { path: `[${index}]`, value: tag } };
    }
    const { Key: key, Value: text } = tag as { Key?: unknown; Value?: unknown };
    if (typeof key !== 'string') return { problem: 'must be a string', below: { path: `[${index}].Key`, value: key } };
    if (text !== undefined && typeof text !== 'string') return { problem: 'must be a string', below: { path: `[${index}].Value`, value: text } };
  }
  return undefined;
};

/** Every field of an `Image` that `imageRecordFromEc2` reads, with the check of its value. */
export const IMAGE_FIELDS: readonly (readonly [field: string, check: FieldCheck])[] = [
  ['ImageId', isAmiId],
  ['Name', isString],
  ['Description', isString],
  ['OwnerId', isString],
  ['Public', isBoolean],
  ['Architecture', isString],
  ['State', isString],
  ['CreationDate', isTimestamp],
  ['DeprecationTime', isTimestamp],
  ['ImdsSupport', isString],
  ['BootMode', isString],
  ['TpmSupport', isString],
  ['Tags', isTagList],
];

/** What is wrong with one field of an image: its name (with the path below it) and the problem. */
export interface FieldProblem {
  field: string;
  problem: string;
  value: unknown;
}

/** Returns the first field of `image` whose value breaks its check, or undefined when the image fits. */
export function checkImageShape(image: Record<string, unknown>): FieldProblem | undefined {
  for (const [field, check] of IMAGE_FIELDS) {
    const value = image[field];
    // Absent or null is unset, except for the id, which every image has.
    if ((value === undefined || value === null) && field !== 'ImageId') continue;
    const found = check(value);
    if (found) return found.below ? { field: `${field}${found.below.path}`, problem: found.problem, value: found.below.value } : { field, problem: found.problem, value };
  }
  return undefined;
}
