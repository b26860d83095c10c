// BENCHMARKS.md holds one `## Section` per benchmark; each benchmark rewrites only its own section.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repo root: the nearest folder above this file with a package.json (bench/ from source, dist/bench built). */
function repoRoot(): string {
  let d = import.meta.dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
}

export function writeBenchSection(title: string, body: string): void {
  const path = join(repoRoot(), 'BENCHMARKS.md');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const section = `## ${title}\n\n${body.trim()}\n`;
  const re = new RegExp(`## ${title}\\n[\\s\\S]*?(?=\\n## |$)`);
  const next = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(path, next.endsWith('\n') ? next : `${next}\n`);
}
