// The emulator's HTTP server: Node's own `http`, bound to 127.0.0.1 only. It turns Query
// requests (EC2, STS) and JSON requests (the services of JSON_SERVICES, picked by X-Amz-Target)
// into action calls, applies the test knobs (latency, throttling, faults, hangs) and keeps the
// counters. Control endpoints under /__emulator/ let another process read and reset the counters
// or change the knobs.

import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EC2_ACTIONS, STS_ACTIONS, type ActionContext } from './actions/index.js';
import { ORGANIZATIONS } from './actions/organizations.js';
import { accountForAccessKey, optInStatus, resolveEstate, type Estate, type EstateInput, type ParseEstateOptions } from './estate.js';
import { ApiError, Errors, ec2ErrorDocument, stsErrorDocument } from './errors.js';
import { adaptGenericError, isJsonRequest, jsonError, jsonResult, jsonServiceTable, parseJsonRequest, type JsonRequest } from './json-protocol.js';
import { seededRandom, type Random } from './prng.js';
import { parseQueryRequest, type QueryRequest } from './query-protocol.js';
import { StatsRecorder, type EmulatorStats } from './stats.js';
import { EC2_THROTTLE_PRESET, Throttle, type ThrottleConfig } from './token-bucket.js';
import { elAttrs, el, leaf, renderDocument, type XmlChild } from './xml.js';

export type { EmulatorStats } from './stats.js';
export type { ThrottleConfig } from './token-bucket.js';

/** Behaviour that can change while the emulator runs (setOptions, POST /__emulator/options). */
export interface EmulatorKnobs {
  /** Delay before every response, in ms (default 0). */
  latencyMs?: number;
  /** Per-action delay overriding latencyMs. */
  latencyByAction?: Record<string, number>;
  /** Token buckets per account/region/action: off by default; 'ec2' = 100 burst, 20/s refill. */
  throttle?: ThrottleConfig | 'ec2' | false;
  /** Share of requests (0..1) answered InternalError 500 or Unavailable 503 at random. */
  faultRate?: number;
  /** Seed of the fault-rate random draws (default 1). */
  faultSeed?: number;
  /** Actions that always fail with failError. */
  failAction?: string | string[];
  /** Regions where every call fails with failError. */
  failRegion?: string | string[];
  /** The failure of failAction/failRegion (default InternalError, HTTP 500). */
  failError?: { code: string; message?: string; status?: number };
  /**
   * Actions answered with a 400 error (`code`, default `InvalidRequest`) whose message repeats the
   * request's headers (Authorization, X-Amz-Security-Token...) as JSON on one line, as some proxies
   * do: tests that clients redact them.
   */
  echoHeaders?: { action: string | string[]; code?: string };
  /**
   * Regions added, as given, to every DescribeRegions answer that names no region: hostile names or
   * opt-in statuses for client tests. Calls into them fail like calls into any unknown region.
   */
  extraRegions?: { regionName: string; optInStatus: string }[];
  /** Actions whose requests are accepted and never answered (to test client timeouts). */
  hangAction?: string | string[];
  /** Largest page returned whatever MaxResults asks (EC2 may return short pages). */
  pageSizeCap?: number;
  /** Fixed clock for deprecation checks and new images (default: the real clock). */
  now?: Date | string;
  /** Organizations ListAccounts: empty pages (with a NextToken) served before each non-empty page (default 0). */
  emptyAccountPages?: number;
}

export interface EmulatorOptions extends EmulatorKnobs {
  /** A file path, an estate document (either format) or a parsed Estate; default examples/estate.json. */
  estate?: EstateInput;
  /** Region/account for a plain `{"Images": [...]}` estate (default us-east-1 / the images' owner). */
  estateOptions?: ParseEstateOptions;
  /** TCP port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Called with unexpected exceptions (answered as InternalError); the library never logs. */
  onInternalError?: (err: unknown) => void;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`: pass it as the SDK's `endpoint`. */
  url: string;
  port: number;
  /** The live estate (ModifyImageAttribute and RegisterImage change it). */
  estate: Estate;
  stats(): EmulatorStats;
  resetStats(): void;
  setOptions(partial: Partial<EmulatorKnobs>): void;
  /** Stops listening and destroys every open or hung connection. */
  close(): Promise<void>;
}

const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const STS_VERSION = '2011-06-15';
const DEFAULT_REGION = 'us-east-1';
const MAX_BODY_BYTES = 1024 * 1024;

/** The services spoken in a JSON protocol, by X-Amz-Target prefix. */
const JSON_SERVICES = jsonServiceTable([ORGANIZATIONS]);

/** An HTTP answer in any protocol. */
interface Answer {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

/** One API call, whatever its protocol: the counters' key, who calls where, and how to answer. */
interface Call {
  action: string;
  region: string;
  accessKeyId: string | undefined;
  /** Runs the action: the success answer, or throws ApiError. */
  run(): Answer;
  /** The error answer in the protocol's envelope. */
  fail(err: ApiError): Answer;
  /** Rewords the emulator's own errors (throttling, injected faults) the way the service words them. */
  adapt(err: ApiError): ApiError;
}

const KNOB_KEYS: (keyof EmulatorKnobs)[] = [
  'latencyMs', 'latencyByAction', 'throttle', 'faultRate', 'faultSeed', 'failAction', 'failRegion', 'failError',
  'hangAction', 'pageSizeCap', 'now', 'echoHeaders', 'extraRegions', 'emptyAccountPages',
];

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function validateKnobs(k: Partial<EmulatorKnobs>): void {
  if (k.latencyMs !== undefined && !(k.latencyMs >= 0)) throw new Error('latencyMs must be >= 0');
  if (k.faultRate !== undefined && !(k.faultRate >= 0 && k.faultRate <= 1)) throw new Error('faultRate must be between 0 and 1');
  if (k.pageSizeCap !== undefined && !(Number.isInteger(k.pageSizeCap) && k.pageSizeCap > 0)) throw new Error('pageSizeCap must be a positive integer');
  if (k.emptyAccountPages !== undefined && !(Number.isInteger(k.emptyAccountPages) && k.emptyAccountPages >= 0)) {
    throw new Error('emptyAccountPages must be a non-negative integer');
  }
  if (k.now !== undefined && Number.isNaN(new Date(k.now).getTime())) throw new Error('now must be a date');
  if (k.throttle !== undefined && k.throttle !== false && k.throttle !== 'ec2') {
    if (!(k.throttle.capacity >= 1) || !(k.throttle.refillPerSecond >= 0)) {
      throw new Error('throttle needs capacity >= 1 and refillPerSecond >= 0');
    }
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('InvalidParameterValue', 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  validateKnobs(options);
  const estate = resolveEstate(options.estate, options.estateOptions);
  const knobs: EmulatorKnobs = {};
  for (const key of KNOB_KEYS) if (options[key] !== undefined) Object.assign(knobs, { [key]: options[key] });

  const stats = new StatsRecorder();
  let throttle: Throttle | undefined;
  let faultRandom: Random = seededRandom(1);
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  function applyKnobs(partial: Partial<EmulatorKnobs>): void {
    validateKnobs(partial);
    for (const key of KNOB_KEYS) if (key in partial) Object.assign(knobs, { [key]: partial[key] });
    if ('throttle' in partial || throttle === undefined) {
      const t = knobs.throttle;
      throttle = t ? new Throttle(t === 'ec2' ? EC2_THROTTLE_PRESET : t) : undefined;
    }
    if ('faultSeed' in partial || 'faultRate' in partial) faultRandom = seededRandom(knobs.faultSeed ?? 1);
  }
  applyKnobs(knobs);

  function delay(ms: number): Promise<void> {
    if (ms <= 0 || closing) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  function send(res: http.ServerResponse, answer: Answer, requestId: string): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(answer.status, {
      ...answer.headers,
      'Content-Type': answer.contentType,
      'Content-Length': Buffer.byteLength(answer.body),
      'x-amzn-RequestId': requestId,
    });
    res.end(answer.body);
  }

  function xmlAnswer(status: number, body: string, service: 'ec2' | 'sts'): Answer {
    return { status, contentType: 'text/xml;charset=UTF-8', headers: { Server: service === 'ec2' ? 'AmazonEC2' : 'AmazonSTS' }, body };
  }

  /** Decides the answer to one Query request: an XML body or an ApiError. */
  function dispatch(parsed: QueryRequest, service: 'ec2' | 'sts', regionName: string, action: string | undefined): XmlChild[] {
    if (!action) throw Errors.missingAction();
    const account = accountForAccessKey(estate, parsed.scope?.accessKeyId);
    const region = estate.regions.get(regionName);
    if (service === 'ec2') {
      // EC2 is regional: a region the account has not enabled refuses every call.
      if (!region) throw new ApiError('AuthFailure', `AWS was not able to validate the provided access credentials (unknown region ${regionName})`);
      if (optInStatus(account, region) === 'not-opted-in') {
        throw estate.notOptedInError === 'OptInRequired'
          ? new ApiError('OptInRequired', `You are not subscribed to this service in region ${regionName}. Please enable the region.`)
          : new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials');
      }
    }
    const definition = (service === 'sts' ? STS_ACTIONS : EC2_ACTIONS)[action];
    if (!definition) throw Errors.invalidAction(action);
    if (account.deniedActions.has(action)) throw Errors.unauthorized();
    const ctx: ActionContext = {
      params: parsed.params,
      estate,
      account,
      region: region ?? { name: regionName, optInRequired: false, images: [], instances: [] },
      now: knobs.now !== undefined ? new Date(knobs.now) : new Date(),
      pageSizeCap: knobs.pageSizeCap,
      extraRegions: knobs.extraRegions ?? [],
      randomHex: (count) => randomBytes(Math.ceil(count / 2)).toString('hex').slice(0, count),
    };
    return definition.handle(ctx);
  }

  /** Injected failures, checked after throttling. */
  function injectedFault(action: string, regionName: string): ApiError | undefined {
    if (asList(knobs.failAction).includes(action) || asList(knobs.failRegion).includes(regionName)) {
      const f = knobs.failError ?? { code: 'InternalError' };
      return f.code === 'InternalError' && f.message === undefined ? Errors.internalError() : new ApiError(f.code, f.message ?? `Injected ${f.code}`, f.status);
    }
    if (knobs.faultRate && faultRandom() < knobs.faultRate) {
      return faultRandom() < 0.5 ? Errors.internalError() : Errors.unavailable();
    }
    return undefined;
  }

  /** Applies the knobs (hang, throttle, faults, echoed headers, latency) around one call and answers it. */
  async function serve(res: http.ServerResponse, requestId: string, call: Call, headers: http.IncomingHttpHeaders): Promise<void> {
    stats.request(call.action, call.region);
    const leave = stats.enter(call.action);
    res.on('close', leave);
    res.on('finish', leave);

    if (asList(knobs.hangAction).includes(call.action)) return; // never answered; close() destroys the socket

    let answer: Answer;
    try {
      const account = accountForAccessKey(estate, call.accessKeyId);
      if (throttle && !throttle.tryTake(account.accountId, call.region, call.action)) {
        stats.throttled(call.action);
        throw call.adapt(Errors.requestLimitExceeded());
      }
      const fault = injectedFault(call.action, call.region);
      if (fault) {
        stats.fault(call.action);
        throw call.adapt(fault);
      }
      if (knobs.echoHeaders && asList(knobs.echoHeaders.action).includes(call.action)) {
        stats.fault(call.action);
        throw new ApiError(knobs.echoHeaders.code ?? 'InvalidRequest', `Request rejected by proxy; request headers: ${JSON.stringify(headers)}`, 400);
      }
      answer = call.run();
    } catch (err) {
      if (!(err instanceof ApiError)) options.onInternalError?.(err);
      answer = call.fail(err instanceof ApiError ? err : call.adapt(Errors.internalError()));
    }
    await delay(knobs.latencyByAction?.[call.action] ?? knobs.latencyMs ?? 0);
    send(res, answer, requestId);
  }

  async function handleQuery(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const requestId = randomUUID();
    let parsed: QueryRequest;
    try {
      parsed = parseQueryRequest(req.url ?? '/', req.headers, body);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : Errors.internalError();
      send(res, xmlAnswer(apiError.status, ec2ErrorDocument(apiError, requestId), 'ec2'), requestId);
      return;
    }
    const service: 'ec2' | 'sts' = parsed.scope?.service === 'sts' || parsed.version === STS_VERSION ? 'sts' : 'ec2';
    const regionName = parsed.scope?.region ?? DEFAULT_REGION;
    await serve(res, requestId, {
      action: parsed.action ?? '(none)',
      region: regionName,
      accessKeyId: parsed.scope?.accessKeyId,
      adapt: (err) => err,
      fail: (err) => xmlAnswer(err.status, service === 'sts' ? stsErrorDocument(err, requestId) : ec2ErrorDocument(err, requestId), service),
      run: () => {
        const children = dispatch(parsed, service, regionName, parsed.action);
        const action = parsed.action!;
        const xml =
          service === 'sts'
            ? renderDocument(
                elAttrs(`${action}Response`, { xmlns: STS_NAMESPACE }, el(`${action}Result`, children), el('ResponseMetadata', leaf('RequestId', requestId))),
              )
            : renderDocument(elAttrs(`${action}Response`, { xmlns: EC2_NAMESPACE }, leaf('requestId', requestId), children));
        return xmlAnswer(200, xml, service);
      },
    }, req.headers);
  }

  /** Decides the answer to one JSON request: its output, or an ApiError. */
  function dispatchJson(request: JsonRequest): unknown {
    const service = request.service!;
    const account = accountForAccessKey(estate, request.scope?.accessKeyId);
    const regionName = request.scope?.region ?? DEFAULT_REGION;
    const region = estate.regions.get(regionName);
    if (service.regional && (!region || optInStatus(account, region) === 'not-opted-in')) throw service.errors.regionDisabled(regionName);
    const op = request.operation;
    if (account.deniedActions.has(op) || account.deniedActions.has(`${service.iamPrefix}:${op}`)) throw service.errors.denied(account, op);
    return service.operations[op]!({
      input: request.input,
      estate,
      account,
      regionName,
      region,
      now: knobs.now !== undefined ? new Date(knobs.now) : new Date(),
      emptyAccountPages: knobs.emptyAccountPages ?? 0,
    });
  }

  async function handleJson(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const requestId = randomUUID();
    let request: JsonRequest;
    try {
      request = parseJsonRequest(req.headers, body, JSON_SERVICES);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : Errors.internalError();
      const service = JSON_SERVICES.get(String(req.headers['x-amz-target'] ?? '').replace(/\.[^.]*$/, ''));
      send(res, jsonError(service, apiError), requestId);
      return;
    }
    const service = request.service!;
    await serve(res, requestId, {
      action: request.operation,
      region: request.scope?.region ?? DEFAULT_REGION,
      accessKeyId: request.scope?.accessKeyId,
      adapt: (err) => adaptGenericError(service, err),
      fail: (err) => jsonError(service, err),
      run: () => jsonResult(service, dispatchJson(request)),
    }, req.headers);
  }

  /** Reads the body, then answers in the request's protocol (JSON when it names an X-Amz-Target). */
  async function handleApiRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body: string;
    try {
      body = await readBody(req);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : Errors.internalError();
      const requestId = randomUUID();
      send(res, xmlAnswer(apiError.status, ec2ErrorDocument(apiError, requestId), 'ec2'), requestId);
      return;
    }
    if (isJsonRequest(req.headers)) return handleJson(req, res, body);
    return handleQuery(req, res, body);
  }

  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const json = (status: number, value: unknown) => {
      const text = JSON.stringify(value, null, 2);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      if (req.method === 'GET' && path === '/__emulator/stats') return json(200, stats.snapshot());
      if (req.method === 'POST' && path === '/__emulator/reset') {
        await readBody(req);
        stats.reset();
        return json(200, { reset: true });
      }
      if (path === '/__emulator/options') {
        if (req.method === 'POST') applyKnobs(JSON.parse((await readBody(req)) || '{}') as Partial<EmulatorKnobs>);
        return json(200, knobs);
      }
      return json(404, { error: `unknown control endpoint ${req.method} ${path}` });
    } catch (err) {
      return json(400, { error: (err as Error).message });
    }
  }

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const work = path.startsWith('/__emulator/') ? handleControl(req, res, path) : handleApiRequest(req, res);
    work.catch(() => {
      if (!res.headersSent) res.destroy();
    });
  });
  // Clients keep connections alive; never let an idle socket hold up close().
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    estate,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    setOptions: (partial) => applyKnobs(partial),
    close: () => {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
