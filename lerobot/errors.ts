// Bad input to `export lerobot` is one line naming the place and the problem (the CLI prints it as is); anything
// else that escapes is a bug and keeps its stack.
import { PlaceError } from '../core/errors.js';

export class ExportError extends PlaceError {
  override name = 'ExportError';
}
