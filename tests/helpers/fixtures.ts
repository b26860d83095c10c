// The test fixtures made by others live in `shared/fixtures/` next to the checkout (where CI puts them), or where
// $SPATIALGEN_FIXTURES says. Tests that need them fail with this path in the message when they are missing.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const FIXTURES = process.env.SPATIALGEN_FIXTURES ?? fileURLToPath(new URL('../../../shared/fixtures', import.meta.url));

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}
