import { EC2Client, paginateDescribeImages, type DescribeImagesCommandInput } from '@aws-sdk/client-ec2';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server.js';
import { FAKE_AWS_ENV, runCli, type CliRun } from './run-cli.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Starts the emulator on 127.0.0.1 for one test file. */
export function emulatorFor(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator(options);
}

/** Runs the built CLI against the emulator, with fake credentials and `--endpoint-url`. */
export function scanAgainst(emulator: RunningEmulator, args: string[], env: Record<string, string> = {}, timeoutMs?: number): Promise<CliRun> {
  return runCli(['scan', '--endpoint-url', emulator.url, ...args], { env: { ...FAKE_AWS_ENV, ...env }, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** The image ids the emulator itself returns for a query, read with the SDK directly: the reference answer. */
export async function emulatorImageIds(emulator: RunningEmulator, input: DescribeImagesCommandInput, region = 'us-east-1'): Promise<string[]> {
  const client = new EC2Client({ region, endpoint: emulator.url, credentials: { accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: 'x' }, maxAttempts: 1 });
  const ids: string[] = [];
  for await (const page of paginateDescribeImages({ client }, { ...input })) for (const image of page.Images ?? []) ids.push(image.ImageId!);
  client.destroy();
  return ids.sort();
}

/** The parsed `--output json` document of a run. */
export function jsonOf(run: CliRun): { images: { imageId: string; readiness: string; region: string; accountId: string | null }[]; errors: { code: string; message: string; region?: string; imageId?: string }[]; summary: { complete: boolean; images: number }; skipped: { region: string; accountId: string | null }[] } {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}): ${run.stdout.slice(0, 200)} / stderr: ${run.stderr.slice(0, 500)}`);
  }
}
