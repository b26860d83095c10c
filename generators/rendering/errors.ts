// The one error a caller sees when this machine cannot render. It is thrown, never swallowed: a dataset
// rendered by some other path (or not rendered) would silently differ from what the config asked for.

export const DRIVER_HINT =
  'install a Vulkan driver — Mesa lavapipe >= 24 (Debian 12: apt-get install -t bookworm-backports mesa-vulkan-drivers) or the NVIDIA driver';

export class RendererUnavailableError extends Error {
  override readonly name = 'RendererUnavailableError';

  constructor(detail?: string, options?: { cause?: unknown }) {
    super(`no WebGPU adapter: ${DRIVER_HINT}${detail ? ` (${detail})` : ''}`, options);
  }
}
