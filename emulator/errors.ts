// API errors as EC2 and STS send them. Handlers throw ApiError; the server renders it in the
// service's error envelope with the HTTP status the real service uses for that code.

import { el, elAttrs, leaf, renderDocument } from './xml.js';

/** HTTP status EC2 answers for an error code; anything not listed is a 400 client error. */
const STATUS_BY_CODE: Record<string, number> = {
  AuthFailure: 401,
  OptInRequired: 401,
  UnauthorizedOperation: 403,
  DryRunOperation: 412,
  RequestLimitExceeded: 503,
  Unavailable: 503,
  ServiceUnavailable: 503,
  InternalError: 500,
  InternalFailure: 500,
};

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 400;
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra members of a JSON error body (Organizations' `Reason`, `Type`...). */
  readonly fields: Record<string, string>;
  constructor(code: string, message: string, status: number = statusForCode(code), fields: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

// Messages follow the wording EC2 uses where it is known.
export const Errors = {
  invalidParameterValue: (message: string) => new ApiError('InvalidParameterValue', message),
  invalidParameterCombination: (message: string) => new ApiError('InvalidParameterCombination', message),
  missingParameter: (name: string) =>
    new ApiError('MissingParameter', `The request must contain the parameter ${name}`),
  invalidFilter: (name: string) => new ApiError('InvalidParameterValue', `The filter '${name}' is invalid`),
  invalidPaginationToken: (token: string) =>
    new ApiError('InvalidPaginationToken', `Invalid pagination token: ${token}`),
  invalidAction: (action: string) =>
    new ApiError('InvalidAction', `The action ${action} is not valid for this web service.`),
  missingAction: () => new ApiError('MissingAction', 'The request must contain the parameter Action'),
  dryRun: () => new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'),
  unauthorized: () => new ApiError('UnauthorizedOperation', 'You are not authorized to perform this operation.'),
  amiNotFound: (ids: string[]) => new ApiError('InvalidAMIID.NotFound', `The image id '[${ids.join(', ')}]' does not exist`),
  amiMalformed: (id: string) => new ApiError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`),
  notAuthorizedForImage: (id: string) => new ApiError('AuthFailure', `Not authorized for image:${id}`),
  requestLimitExceeded: () => new ApiError('RequestLimitExceeded', 'Request limit exceeded.'),
  internalError: () =>
    new ApiError('InternalError', 'An internal error has occurred'),
  unavailable: () =>
    new ApiError('Unavailable', 'The server is overloaded and can\'t handle the request.'),
};

/** EC2's error envelope: `<Response><Errors><Error>..</Error></Errors><RequestID>..</RequestID></Response>`. */
export function ec2ErrorDocument(err: ApiError, requestId: string): string {
  return renderDocument(
    el('Response', el('Errors', el('Error', leaf('Code', err.code), leaf('Message', err.message))), leaf('RequestID', requestId)),
  );
}

/** STS (awsQuery) error envelope: `<ErrorResponse><Error><Type>..</Type>..</Error><RequestId>..</RequestId></ErrorResponse>`. */
export function stsErrorDocument(err: ApiError, requestId: string): string {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return renderDocument(
    elAttrs(
      'ErrorResponse',
      { xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/' },
      el('Error', leaf('Type', type), leaf('Code', err.code), leaf('Message', err.message)),
      leaf('RequestId', requestId),
    ),
  );
}
