/**
 * A name (a path, a file name) as it may appear inside one output line: as it is, or JSON-quoted when it holds a
 * line break or another control character, so a crafted file name cannot forge a line of a command's output.
 */
export function shown(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name) : name;
}

/** Why a file operation failed, in a few words: its code (ENOENT, EACCES, ELOOP), else its message's first line. */
export function fsCause(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0];
}

// A problem with the user's input, said in one line that names the file or place at fault and what is wrong, so a
// command can print it as is and exit non-zero. Each command family names its own subclass.
export class PlaceError extends Error {
  constructor(
    /** the file or place at fault, e.g. a path, `path#record 3`, or `calibration.json: cameras.top.K` */
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`.replace(/\s*\n\s*/g, ' '));
    this.name = 'PlaceError';
  }
}
