// Bad input to `convert` is reported as one line that names the file (or place) and the problem, so the CLI can print
// it as is and exit non-zero; anything else that escapes is a bug and keeps its stack.

export class InputError extends Error {
  constructor(
    /** the file or place at fault, e.g. a path, `path#record 3`, or `calibration.json: cameras.top.K` */
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`.replace(/\s*\n\s*/g, ' '));
    this.name = 'InputError';
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
