import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOCS = [
  'README.md',
  'bench/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Markdown outside fenced code blocks (links and headings inside examples do not count). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's heading anchors (lower case, punctuation dropped, spaces to hyphens) and explicit `<a id>` ones. */
function anchors(file: string): Set<string> {
  const text = prose(read(file));
  const headings = text.match(/^#{1,6} .+$/gm) ?? [];
  return new Set([
    ...headings.map((heading) =>
      heading
        .replace(/^#+ /, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
        .replace(/ /g, '-'),
    ),
    ...[...text.matchAll(/<a id="([^"]+)"><\/a>/g)].map((match) => match[1]!),
  ]);
}

/** Every relative link of a document: `[text](target)` not starting with a scheme. */
function relativeLinks(file: string): Array<{ target: string; path: string; anchor: string | undefined }> {
  return [...prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target))
    .map((target) => {
      const [path = '', anchor] = target.split('#');
      return { target, path: path === '' ? file : relative(ROOT, join(ROOT, dirname(file), path)), anchor };
    });
}

describe('the documentation', () => {
  it.each(DOCS)('%s links only to files and headings that exist', (file) => {
    const broken = relativeLinks(file).filter(
      ({ path, anchor }) =>
        !existsSync(join(ROOT, path)) ||
        (anchor !== undefined && path.endsWith('.md') && !anchors(path).has(anchor)),
    );

    expect(broken.map(({ target }) => target)).toEqual([]);
  });

  it('README is the entry point: at most 16 KB, the two commands first, a link to every docs file', () => {
    const readme = read('README.md');
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(16 * 1024);
    expect(firstBlock).toMatch(/npm install && npm start/);
    expect(firstBlock).toMatch(/npm install && npm test/);
    expect(readme).toContain('```mermaid');
    for (const file of DOCS.filter((doc) => doc !== 'README.md')) expect(readme).toContain(`](${file}`);
  });

  it("names the Node.js version package.json's engines allows, so npm install agrees with the README", () => {
    const { engines } = JSON.parse(read('package.json')) as { engines: { node: string } };

    expect(read('README.md')).toContain(`Node.js ≥ ${engines.node.replace(/^>=\s*/, '')} `);
  });

  it('every docs section names the source of its mechanism (a link into the code)', () => {
    for (const file of ['docs/events.md', 'docs/architecture.md', 'docs/operations.md']) {
      const sections = prose(read(file)).split(/^## /m).slice(1);
      const withoutSource = sections
        .filter((section) => !/\]\(\.\.\/(lib|functions|infra|scripts|bin)\//.test(section))
        .map((section) => `${file}: ${section.split('\n')[0]}`);

      expect(withoutSource).toEqual([]);
    }
  });
});

describe('the repository', () => {
  // The team's brief lives outside the repository: nothing in it may send a reader there.
  const outside = new RegExp(['CONTRACT(\\.md| ?§)', '\\.\\./shared/', '/work/share[d]'].join('|'));
  // What the repository holds: tracked files and new ones not ignored (build output and local state are not).
  function files(): string[] {
    return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => file !== '' && existsSync(join(ROOT, file)));
  }

  it('cites no file outside it', () => {
    const citing = files()
      .filter((file) => /\.(ts|mjs|js|json|md|ya?ml)$/.test(file) && file !== 'package-lock.json')
      .filter((file) => outside.test(read(file)));

    expect(citing).toEqual([]);
  });
});
