// Rapier's deterministic build, initialised once per process: same inputs → same poses on any machine, which a
// build spread over many workers relies on.
import RAPIER from '@dimforge/rapier3d-deterministic-compat';

let ready: Promise<typeof RAPIER> | undefined;

export function loadRapier(): Promise<typeof RAPIER> {
  ready ??= RAPIER.init().then(() => RAPIER);
  return ready;
}

export type Rapier = typeof RAPIER;
