// Whether one path lies inside another, judged after symbolic links are resolved: the check behind every rule of the
// kind "never write over an input" (export/out-dir.ts) and "read only what lies inside the dataset"
// (convert/readers/common.ts).
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** Whether `child` is `parent` or lies inside it (both absolute and resolved). */
export function isInside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!isAbsolute(r) && r !== '..' && !r.startsWith('../'));
}

/** The absolute path with every symbolic link in its existing part resolved (the rest appended as given). */
export function realPath(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail);
    } catch {
      if (dirname(head) === head) return abs;
      tail.unshift(basename(head));
      head = dirname(head);
    }
  }
}
