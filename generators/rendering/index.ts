// Off-screen rendering of spatialgen scenes: three.js WebGPU on Dawn (Vulkan), one MRT pass per camera giving
// sRGB colour, camera-frame depth and instance ids, read back asynchronously.
export { Renderer, shutdownRendering, type FrameBuffers, type RendererOptions, type RenderMemory } from './renderer.js';
export { RendererUnavailableError, DRIVER_HINT } from './errors.js';
