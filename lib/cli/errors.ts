/** Exit codes of the command line: 2 for a wrong call (as getopt tools do), 1 for a failure. */
export const EXIT = { Ok: 0, Failure: 1, Usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A mistake the user can fix: printed as one line, without a stack, naming
 * the argument or file and the fix.
 *
 * @example
 * throw new CliError('--bins must be an integer from 2 to 100, got "ten"', EXIT.Usage);
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode = EXIT.Failure, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file stands where a folder should be',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/**
 * A file-system error in words (`no such file or folder`), without Node's
 * syscall prefix; the error's own message for codes not listed.
 *
 * @example
 * fsReason(Object.assign(new Error('x'), { code: 'ENOENT' })); // 'no such file or folder'
 */
export function fsReason(error: unknown): string {
  const reason = FS_REASONS[errorCode(error) ?? ''];
  if (reason) return reason;
  return error instanceof Error ? error.message : String(error);
}

/** The `code` of a Node system error, if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
