/**
 * AWS errors as the CLI reports them: the service's error code, the resource, and what to do.
 * Messages name resources without account ids, and never include credentials or signed URLs.
 */
import { EtlError, type Phase } from '../../framework/errors/index.ts';

export class AwsError extends EtlError {
  override readonly name: string = 'AwsError';
  readonly phase: Phase = 'deploy';
  constructor(
    readonly code: string,
    readonly action: string,
    readonly resource: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

/** The error code of an SDK error (`name` in SDK v3), or undefined for other errors. */
export function awsErrorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('$metadata' in e)) return undefined;
  return (e as { name?: string }).name;
}

const HINTS: Record<string, (resource: string, action: string) => string> = {
  AccessDeniedException: (r, a) => `the credentials in use may not ${a} on ${r}; grant that permission to the role or user (see README.md, "AWS permissions")`,
  AccessDenied: (r, a) => `the credentials in use may not ${a} on ${r}; grant that permission to the role or user (see README.md, "AWS permissions")`,
  NoSuchBucket: () => 'the bucket does not exist: run `etl bootstrap --env <env>` to create it, or fix `bucket` in etl.config.ts',
  EntityNotFoundException: () => 'the Glue database or table does not exist: run `etl bootstrap --env <env>` for databases, `etl deploy` for tables',
  ExpiredTokenException: () => 'the session credentials have expired: sign in again (e.g. `aws sso login`) and rerun',
  ExpiredToken: () => 'the session credentials have expired: sign in again (e.g. `aws sso login`) and rerun',
  UnrecognizedClientException: () => 'the credentials are not valid for this account or region: check AWS_PROFILE / the profile in etl.config.ts',
  InvalidAccessKeyId: () => 'the access key is not valid: check AWS_PROFILE / the profile in etl.config.ts',
  NetworkError: () => 'the AWS endpoint could not be reached: check the network, the region, and AWS_ENDPOINT_URL if it is set',
  SlowDown: () => 'S3 kept asking to slow down after several retries: wait a minute and rerun',
  ThrottlingException: () => 'AWS kept throttling the calls after several retries: wait a minute and rerun, or ask for a higher quota',
  ResourceNumberLimitExceededException: () => 'an account limit was reached (Glue keeps at most 100,000 versions per table): prune old versions with `etl schema prune`, or ask AWS for a higher limit',
  CredentialsProviderError: () => 'no AWS credentials were found: set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY',
};

/** Wraps an SDK error from `action` on `resource` into an AwsError with a hint. */
export function fromAws(e: unknown, action: string, resource: string): AwsError | unknown {
  const sdkCode = awsErrorCode(e) ?? ((e as Error)?.name === 'CredentialsProviderError' ? 'CredentialsProviderError' : undefined);
  if (!sdkCode) return e;
  // Connection failures come through the SDK as a plain Error with a Node errno code.
  const code = sdkCode === 'Error' && typeof (e as NodeJS.ErrnoException).code === 'string' ? 'NetworkError' : sdkCode;
  const detail = redact((e as Error).message ?? '');
  return new AwsError(code, action, resource, `${action} on ${resource} failed: ${code}${detail && detail !== code ? `: ${detail}` : ''}`, HINTS[code]?.(resource, action));
}

/** Removes what must never reach a terminal or log: account ids in ARNs, signatures, keys. */
export function redact(text: string): string {
  return text
    .replace(/arn:aws:([a-z0-9-]+):([a-z0-9-]*):\d{12}:/g, 'arn:aws:$1:$2:<account>:')
    .replace(/X-Amz-(Signature|Credential|Security-Token)=[^&\s]+/g, 'X-Amz-$1=<redacted>')
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '<access-key>');
}

/** Errors after which the request may or may not have reached AWS (a lost response, a server error): check before retrying a call that is not idempotent. */
export function outcomeUnknown(e: unknown): boolean {
  const code = awsErrorCode(e);
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return code === 'ThrottlingException' || code === 'InternalServerError' || code === 'InternalFailure' || code === 'Error' || code === 'TimeoutError' || (status !== undefined && status >= 500) || code === undefined;
}
