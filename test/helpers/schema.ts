import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/scan-result.v1.json', import.meta.url), 'utf8'));
// Formats (date-time) are documentation here; the tests check the timestamp themselves.
const ajv = new Ajv2020.default({ allErrors: true, validateFormats: false });
const validate = ajv.compile(schema);

/** Returns the schema violations of a scan document, as readable lines (empty when valid). */
export function schemaErrors(document: unknown): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
}
