// `npm run emulator -- [options]`: serves an estate on 127.0.0.1 until SIGINT/SIGTERM.
// The first line of stdout is the URL (scripts read it); everything else goes to stderr.

import { parseArgs } from 'node:util';
import { generatedEstate, generatedFleetEstate, generateOrganizationEstate } from './generate.js';
import { EstateError, type EstateInput } from './estate.js';
import { startEmulator, type EmulatorOptions } from './server.js';
import { parseThrottleSpec } from './token-bucket.js';

const HELP = `Usage: npm run emulator -- [options]

Serves an EC2-compatible endpoint (DescribeImages, DescribeImageAttribute, DescribeRegions,
DescribeInstances, DescribeLaunchTemplates, DescribeLaunchTemplateVersions,
GetInstanceMetadataDefaults, ModifyImageAttribute, RegisterImage), STS
(GetCallerIdentity, AssumeRole), Organizations ListAccounts (JSON 1.1) and CloudWatch
GetMetricData (JSON 1.0) on 127.0.0.1.
Prints its URL as the first line of stdout.

Options:
  --estate <file>          estate JSON: an 'aws ec2 describe-images' document or the richer
                           format of examples/emulator-estate.json (default examples/estate.json)
  --region <region>        region of a plain describe-images estate (default us-east-1)
  --generate <n>           serve n synthetic images instead of an estate file
  --generate-fleet <images>:<instances>
                           serve one account (111122223333) in us-east-1 with a synthetic fleet:
                           images, instances, launch templates and metrics up to the current hour
  --generate-org <accounts>x<regions>x<images>
                           serve a synthetic organization (management account 100000000000,
                           access key AKIAORGMANAGEMENT000), e.g. 200x4x25
  --seed <n>               seed of the --generate options (default 1)
  --port <n>               TCP port (default 0: any free port)
  --latency <ms>           delay every response
  --throttle <spec>        token buckets per account/region/action: 'ec2' (100 burst, 20/s),
                           '<capacity>:<refillPerSecond>' (e.g. 100:200), or 'off' (default)
  --fault-rate <0..1>      answer this share of requests with InternalError 500 / Unavailable 503
  --fault-seed <n>         seed of --fault-rate (default 1)
  --fail-action <Action>   always answer InternalError 500 to this action (repeatable)
  --fail-region <region>   always answer InternalError 500 in this region (repeatable)
  --hang-action <Action>   accept this action's requests and never answer (repeatable)
  --page-size-cap <n>      return at most n items per page whatever MaxResults asks
  --now <iso-date>         fixed clock for deprecation checks
  --empty-account-pages <n>  ListAccounts serves n empty pages before each non-empty one
  --max-datapoints <n>     GetMetricData answers hold at most n datapoints (default 100800)
  --help                   show this help

Control endpoints: GET /__emulator/stats, POST /__emulator/reset, GET|POST /__emulator/options.
`;

function usageError(message: string): never {
  process.stderr.write(`emulator: ${message} (see --help)\n`);
  process.exit(2);
}

function number(name: string, value: string | undefined, check: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) usageError(`invalid --${name} ${JSON.stringify(value)}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        estate: { type: 'string' },
        region: { type: 'string' },
        generate: { type: 'string' },
        'generate-fleet': { type: 'string' },
        'generate-org': { type: 'string' },
        seed: { type: 'string' },
        port: { type: 'string' },
        latency: { type: 'string' },
        throttle: { type: 'string' },
        'fault-rate': { type: 'string' },
        'fault-seed': { type: 'string' },
        'fail-action': { type: 'string', multiple: true },
        'fail-region': { type: 'string', multiple: true },
        'hang-action': { type: 'string', multiple: true },
        'page-size-cap': { type: 'string' },
        now: { type: 'string' },
        'empty-account-pages': { type: 'string' },
        'max-datapoints': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    usageError((err as Error).message.split('\n')[0]!);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const sources = [values.estate, values.generate, values['generate-fleet'], values['generate-org']].filter((v) => v !== undefined);
  if (sources.length > 1) usageError('--estate, --generate, --generate-fleet and --generate-org are exclusive');

  const generate = number('generate', values.generate, (n) => Number.isInteger(n) && n >= 0);
  const seed = number('seed', values.seed, Number.isInteger) ?? 1;
  let estate: EstateInput | undefined = values.estate;
  if (generate !== undefined) estate = generatedEstate(generate, seed);
  if (values['generate-fleet'] !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(values['generate-fleet']);
    if (!m) usageError(`invalid --generate-fleet ${JSON.stringify(values['generate-fleet'])} (expected <images>:<instances>, e.g. 1000:10000)`);
    estate = generatedFleetEstate(seed, { images: Number(m[1]), instances: Number(m[2]), ...(values.now ? { now: values.now } : {}) });
  }
  if (values['generate-org'] !== undefined) {
    const m = /^(\d+)x(\d+)x(\d+)$/.exec(values['generate-org']);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[2]) > 8) {
      usageError(`invalid --generate-org ${JSON.stringify(values['generate-org'])} (expected <accounts>x<regions 1-8>x<images>, e.g. 200x4x25)`);
    }
    estate = generateOrganizationEstate(seed, { accounts: Number(m[1]), regions: Number(m[2]), imagesPerRegion: Number(m[3]) });
  }

  let throttle: EmulatorOptions['throttle'];
  if (values.throttle !== undefined) {
    try {
      throttle = parseThrottleSpec(values.throttle) ?? false;
    } catch (err) {
      usageError((err as Error).message);
    }
  }
  if (values.now !== undefined && Number.isNaN(Date.parse(values.now))) usageError(`invalid --now ${JSON.stringify(values.now)}`);

  const options: EmulatorOptions = {
    estate,
    estateOptions: values.region ? { region: values.region } : undefined,
    port: number('port', values.port, (n) => Number.isInteger(n) && n >= 0 && n < 65536) ?? 0,
    latencyMs: number('latency', values.latency, (n) => n >= 0),
    throttle,
    faultRate: number('fault-rate', values['fault-rate'], (n) => n >= 0 && n <= 1),
    faultSeed: number('fault-seed', values['fault-seed'], Number.isInteger),
    failAction: values['fail-action'],
    failRegion: values['fail-region'],
    hangAction: values['hang-action'],
    pageSizeCap: number('page-size-cap', values['page-size-cap'], (n) => Number.isInteger(n) && n > 0),
    now: values.now,
    maxDatapointsPerCall: number('max-datapoints', values['max-datapoints'], (n) => Number.isInteger(n) && n > 0),
    emptyAccountPages: number('empty-account-pages', values['empty-account-pages'], (n) => Number.isInteger(n) && n >= 0),
    onInternalError: (err) => process.stderr.write(`emulator: internal error: ${(err as Error)?.stack ?? String(err)}\n`),
  };

  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    if (err instanceof EstateError) {
      process.stderr.write(`emulator: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`emulator: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${emulator.url}\n`);

  const images = [...emulator.estate.regions.values()].reduce((n, r) => n + r.images.length, 0);
  const regions = [...emulator.estate.regions.values()].filter((r) => r.images.length > 0).map((r) => r.name);
  process.stderr.write(
    `emulator: serving ${images} image(s) in ${regions.join(', ') || 'no region'} ` +
      `(default account ${emulator.estate.defaultAccountId})\n` +
      `emulator: try  AWS_ENDPOINT_URL=${emulator.url} AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret ...\n` +
      `emulator: counters at ${emulator.url}/__emulator/stats; Ctrl-C to stop\n`,
  );

  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
