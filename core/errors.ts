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
