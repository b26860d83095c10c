// A small XML element-tree parser: enough for URDF (elements, attributes, comments, declarations, CDATA), no
// namespaces or DTDs. URDF needs no more, and it keeps the importer free of a dependency.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

export class XmlError extends Error {
  override name = 'XmlError';
}

export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  let i = 0;
  const line = (at: number) => text.slice(0, at).split('\n').length;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) throw new XmlError(`unclosed comment at line ${line(lt)}`);
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      if (end < 0) throw new XmlError(`unclosed CDATA at line ${line(lt)}`);
      i = end + 3;
    } else if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      const end = text.indexOf('>', lt);
      if (end < 0) throw new XmlError(`unclosed declaration at line ${line(lt)}`);
      i = end + 1;
    } else if (text.startsWith('</', lt)) {
      const end = text.indexOf('>', lt);
      const name = text.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name || stack.length === 0) throw new XmlError(`unexpected </${name}> at line ${line(lt)}`);
      i = end + 1;
    } else {
      const m = /^<([A-Za-z_][\w:.-]*)/.exec(text.slice(lt, lt + 200));
      if (!m) throw new XmlError(`bad tag at line ${line(lt)}`);
      const el: XmlElement = { name: m[1], attrs: {}, children: [] };
      let j = lt + m[0].length;
      const attr = /\s*([A-Za-z_][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/y;
      for (;;) {
        attr.lastIndex = j;
        const a = attr.exec(text);
        if (!a) break;
        el.attrs[a[1]] = decode(a[3] ?? a[4] ?? '');
        j = attr.lastIndex;
      }
      while (j < text.length && /\s/.test(text[j])) j++;
      stack[stack.length - 1].children.push(el);
      if (text.startsWith('/>', j)) i = j + 2;
      else if (text[j] === '>') {
        stack.push(el);
        i = j + 1;
      } else throw new XmlError(`bad attribute in <${el.name}> at line ${line(j)}`);
    }
  }
  if (stack.length !== 1) throw new XmlError(`<${stack[stack.length - 1].name}> is never closed`);
  return root;
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
