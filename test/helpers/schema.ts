import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import Ajv4 from 'ajv-draft-04';

const load = (name: string): object => JSON.parse(readFileSync(new URL(`../../schema/${name}`, import.meta.url), 'utf8'));
// Formats (date-time) are documentation here; the tests check the timestamp themselves.
const ajv = new Ajv2020.default({ allErrors: true, validateFormats: false });
const documentSchema = load('scan-result.v1.json') as { $id: string };
ajv.addSchema(documentSchema);
const validateDocument = ajv.getSchema(documentSchema.$id)!;
const validateLine = ajv.compile(load('scan-line.v1.json'));

function describeErrors(errors: typeof validateDocument.errors): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
}

/** Returns the schema violations of a scan document, as readable lines (empty when valid). */
export function schemaErrors(document: unknown): string[] {
  return validateDocument(document) ? [] : describeErrors(validateDocument.errors);
}

/** Returns the schema violations of one NDJSON line's object (empty when valid). */
export function lineSchemaErrors(line: unknown): string[] {
  return validateLine(line) ? [] : describeErrors(validateLine.errors);
}

// The official SARIF 2.1.0 schema is draft-04, which Ajv 8 reads only through ajv-draft-04.
const sarifSchema = JSON.parse(readFileSync(new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
const validateSarif = new Ajv4.default({ allErrors: true, validateFormats: false, strict: false }).compile(sarifSchema);

/** Returns the violations of a SARIF log against the official SARIF 2.1.0 schema (empty when valid). */
export function sarifErrors(log: unknown): string[] {
  return validateSarif(log) ? [] : describeErrors(validateSarif.errors);
}

const validateDiff = ajv.compile(load('diff-result.v1.json'));

/** Returns the schema violations of an `ami-audit diff --output json` document (empty when valid). */
export function diffSchemaErrors(document: unknown): string[] {
  return validateDiff(document) ? [] : describeErrors(validateDiff.errors);
}

const validateFix = ajv.compile(load('fix-result.v1.json'));

/** Returns the schema violations of an `ami-audit fix --output json` document (empty when valid). */
export function fixSchemaErrors(document: unknown): string[] {
  return validateFix(document) ? [] : describeErrors(validateFix.errors);
}
