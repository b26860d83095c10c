// Bad input to `convert` is reported as one line that names the file (or place) and the problem, so the CLI can print
// it as is and exit non-zero; anything else that escapes is a bug and keeps its stack.
import { PlaceError } from '../core/errors.js';

export class InputError extends PlaceError {
  override name = 'InputError';
}
