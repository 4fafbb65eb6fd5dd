import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

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
