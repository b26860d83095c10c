// A model that cannot be imported: the reason (one of INVALID_REASONS) and a short detail; reported as one line.
import type { InvalidReason } from '../core/asset.js';

export class AssetError extends Error {
  constructor(
    readonly reason: InvalidReason,
    detail: string,
  ) {
    super(detail);
  }
}

export function fail(reason: InvalidReason, detail: string): never {
  throw new AssetError(reason, detail);
}
