// Parsers for command-line values, shared by every command so the same kind of value is checked the same way and a
// bad one is the same one line ("spatialgen: option '--workers <n>' argument '0x10' is invalid: …").
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';

/** An integer in [min, max] written in decimal digits ("", " ", "1e3", "0x10" and "1.0" are refused). */
export const intArg = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) => (v: string): number => {
  const t = v.trim();
  const n = /^-?\d{1,16}$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}`);
  }
  return n;
};

/** A finite number >= min. */
export const numberArg = (name: string, min: number) => (v: string): number => {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} must be a number >= ${min}`);
  return n;
};

/** A value that must say something: not empty or blank, no NUL or line break. */
export const textArg = (name: string, what = 'value') => (v: string): string => {
  if (v.trim() === '') throw new InvalidArgumentError(`${name} is an empty ${what}`);
  if (/[\0\n\r]/.test(v)) throw new InvalidArgumentError(`${name} holds a NUL or line break`);
  return v;
};

/** A path: never empty or blank (resolving '' would silently mean the current folder). */
export const pathArg = (name: string) => textArg(name, 'path');

/**
 * Local worker processes a command may start on this machine: each holds a renderer (a GPU device and ~300 MB) and
 * a physics world, so beyond a few per core they only contend. 4 per core, so a GPU machine with few cores can still
 * keep its GPU busy.
 */
export function maxLocalWorkers(): number {
  return 4 * availableParallelism();
}

/** A count of local worker processes, from `min` to maxLocalWorkers(). */
export const workersArg = (name: string, min: number) => intArg(name, min, maxLocalWorkers());

/**
 * Local episode workers when `--workers` is not given: one per core. Measured on the `demo` preset
 * (BENCHMARKS.md § Workers): on a 2-core machine 2 workers build fastest; a third only adds contention.
 */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}
