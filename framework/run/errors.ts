/** Errors of running a job that more than one way of running it raises. */
import { EtlError, displayPath } from '../errors/index.ts';
import type { BadRecord } from '../io/types.ts';

export class InputFailFastError extends EtlError {
  override readonly name: string = 'InputFailFastError';
  readonly phase = 'input' as const;
  constructor(readonly record: BadRecord) {
    super(
      `${displayPath(record.file)}:${record.line}: ${record.reason} (onBadRecord: 'failfast'); nothing was written`,
      "fix the record, or set onBadRecord: 'permissive' to quarantine bad records and go on",
    );
  }
}
