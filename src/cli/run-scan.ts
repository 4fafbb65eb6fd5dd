import { createEc2Client, resolveDefaultRegion, SdkEc2Port } from '../aws/ec2-sdk.js';
import type { ApiCallEvent } from '../aws/client-config.js';
import { gateExitCode } from '../core/policy.js';
import { scan } from '../core/scan.js';
import { scanDocument } from '../core/scan-document.js';
import type { ScanError, ScanResult } from '../core/types.js';
import { readImagesDocument } from '../input/read-images-document.js';
import { renderJson, type ToolInfo } from '../render/json.js';
import { stripControlSequences } from '../render/sanitize.js';
import { renderTable } from '../render/table.js';
import type { RawScanOptions } from './options.js';
import { shouldColor, type CliIo } from './terminal.js';
import { validateScanOptions, type ScanSettings } from './validate-options.js';

/** Runs `ami-audit scan` and returns its exit status. Usage errors are thrown as `AmiAuditError`. */
export async function runScan(raw: RawScanOptions, io: CliIo, tool: ToolInfo): Promise<number> {
  const settings = validateScanOptions(raw, io.env);
  const result = settings.input !== undefined ? await scanInput(settings) : await scanAws(settings, io);

  for (const error of result.errors) io.stderr.write(`ami-audit: error: ${formatScanError(error)}\n`);
  if (settings.output === 'json') {
    io.stdout.write(renderJson(result, tool));
  } else {
    io.stdout.write(renderTable(result, { color: shouldColor(settings.colorAllowed, io) }));
  }
  return gateExitCode(result, settings.failOn);
}

async function scanInput(settings: ScanSettings & { input?: string }): Promise<ScanResult> {
  const region = settings.regions.length === 1 ? settings.regions[0]! : null;
  const images = await readImagesDocument(settings.input!, region);
  return scanDocument(images, { checks: settings.checks, input: settings.input!, region });
}

async function scanAws(settings: ScanSettings, io: CliIo): Promise<ScanResult> {
  const regions = settings.regions.length > 0 ? settings.regions : [await resolveDefaultRegion(settings.profile)];
  const onCall = settings.debug ? (event: ApiCallEvent) => io.stderr.write(`${formatCall(event)}\n`) : undefined;
  const clientSettings = {
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    requestTimeoutMs: settings.requestTimeoutMs,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
  };
  const clients: { destroy(): void }[] = [];
  try {
    return await scan(
      {
        regions,
        query: settings.query,
        checks: settings.checks,
        attributes: settings.attributes,
        concurrency: settings.concurrency,
        regionConcurrency: settings.regionConcurrency,
      },
      {
        portFor: (region) => {
          const client = createEc2Client(clientSettings, region);
          clients.push(client);
          return new SdkEc2Port(client, {
            region,
            ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
            ...(onCall ? { onCall } : {}),
          });
        },
      },
    );
  } finally {
    for (const client of clients) client.destroy();
  }
}

/** One line for an error of the scan; the message came partly from AWS, so it is made safe to print. */
export function formatScanError(error: ScanError): string {
  return stripControlSequences(`${error.message}${error.awsCode && !error.message.includes(error.awsCode) ? ` [${error.awsCode}]` : ''}`);
}

/** One `--debug` line for an API call: action, region, duration, attempts, request id or error. */
function formatCall(event: ApiCallEvent): string {
  const outcome = event.errorCode ? `error=${event.errorCode}` : `requestId=${event.requestId ?? '-'}`;
  return `[debug] ${event.action} ${event.region}${event.imageId ? ` ${event.imageId}` : ''} ${event.durationMs}ms attempts=${event.attempts} ${stripControlSequences(outcome)}`;
}
