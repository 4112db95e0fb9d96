// The dependency rule of ARCHITECTURE.md ("rooms"), enforced on every relative import under src/.
import path from 'node:path';

/** room -> rooms it may import (besides itself). */
export const ALLOWED = {
  domain: [],
  convert: ['domain'],
  zimbra: ['domain'],
  graph: ['domain'],
  db: ['domain'],
  secrets: ['domain'],
  mailer: ['domain'],
  config: ['domain'],
  emulators: ['domain'],
  net: ['domain'],
  engine: ['domain', 'convert'],
  control: ['domain', 'db'],
  api: [
    'domain',
    'config',
    'convert',
    'zimbra',
    'graph',
    'db',
    'secrets',
    'mailer',
    'engine',
    'control',
    'net',
  ],
  worker: [
    'domain',
    'config',
    'convert',
    'zimbra',
    'graph',
    'db',
    'secrets',
    'mailer',
    'engine',
    'control',
    'net',
  ],
  cli: [
    'domain',
    'control',
    'config',
    'convert',
    'zimbra',
    'graph',
    'db',
    'secrets',
    'mailer',
    'engine',
    'net',
    'api',
    'worker',
    'emulators',
  ],
  web: [],
};

const srcRoot = path.resolve(import.meta.dirname, '..', 'src');

function roomOf(file) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep)[0];
}

/** @type {import('eslint').Rule.RuleModule} */
export const layerRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps imports between src/ rooms pointing the way ARCHITECTURE.md says.' },
    schema: [],
    messages: {
      forbidden: "The '{{from}}' room may not import from '{{to}}' (allowed: {{allowed}}).",
      unknownRoom: "'{{room}}' is not a room listed in scripts/eslint-layer-rule.js.",
    },
  },
  create(context) {
    const file = context.filename;
    const from = roomOf(file);
    if (from === undefined) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = roomOf(path.resolve(path.dirname(file), source));
      if (to === undefined || to === from) return;
      const allowed = ALLOWED[from];
      if (allowed === undefined) {
        context.report({ node, messageId: 'unknownRoom', data: { room: from } });
        return;
      }
      if (!allowed.includes(to)) {
        context.report({
          node,
          messageId: 'forbidden',
          data: { from, to, allowed: allowed.join(', ') || 'nothing' },
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
