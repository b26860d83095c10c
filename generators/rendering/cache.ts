// A cache of GPU-backed three.js resources (geometries, materials) that survives scene rebuilds but not forever.
// Each setScene() opens a generation; whatever no scene has used for `keep` generations is disposed, so a worker
// that renders thousands of episodes with ever-new colours or meshes holds a bounded set, while consecutive
// episodes that share assets reuse them (and their compiled pipelines) for free.

export interface Disposable {
  dispose(): void;
}

interface Entry<V> {
  value: V;
  lastUsed: number;
  /** pinned entries (the unit primitives) are never evicted */
  pinned: boolean;
}

export class GenerationalCache<K, V extends Disposable> {
  private readonly entries = new Map<K, Entry<V>>();
  private generation = 0;

  constructor(private readonly keep = 2) {}

  get(key: K, make: () => V, pinned = false): V {
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { value: make(), lastUsed: this.generation, pinned };
      this.entries.set(key, e);
    }
    e.lastUsed = this.generation;
    return e.value;
  }

  /** Starts a new scene: disposes what the last `keep` scenes did not use. */
  nextGeneration(): void {
    this.generation++;
    for (const [k, e] of this.entries) {
      if (!e.pinned && this.generation - e.lastUsed > this.keep) {
        e.value.dispose();
        this.entries.delete(k);
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    for (const e of this.entries.values()) e.value.dispose();
    this.entries.clear();
  }
}

/**
 * A map of at most `max` entries that forgets the least recently used one to make room (`onEvict` hears of it: a GPU
 * resource is freed there). For what is costly to make and is wanted again in no particular scene order: decoded
 * images, painted patterns, render targets by size.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly max: number,
    private readonly onEvict: (key: K, value: V) => void = () => {},
  ) {}

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) {
      const [oldKey, old] = this.entries.entries().next().value as [K, V];
      this.entries.delete(oldKey);
      this.onEvict(oldKey, old);
    }
    this.entries.set(key, value);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  clear(): void {
    this.entries.clear();
  }
}
