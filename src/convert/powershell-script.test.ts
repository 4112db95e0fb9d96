import { describe, expect, it } from 'vitest';

import type { MailboxSettingsScript } from '../domain/mailbox-settings.ts';
import { forwardingStep, psQuote, renderScript, signatureStep } from './powershell-script.ts';

/** PowerShell's single-quote characters (about_Quoting_Rules; the tokenizer's IsSingleQuote). */
const SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);

interface Token {
  readonly kind: 'string' | 'code' | 'comment';
  readonly text: string;
  readonly line: number;
}

/**
 * A tokenizer for the subset of PowerShell the script uses: verbatim strings (a quote character
 * doubled is one quote), line comments, and code. It refuses what the script must never contain:
 * an unterminated string, a double-quoted (expanding) string, a block comment, a here-string.
 */
function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  let code = '';
  const flush = () => {
    if (code !== '') tokens.push({ kind: 'code', text: code, line });
    code = '';
  };
  while (i < script.length) {
    const c = script[i]!;
    if (SINGLE_QUOTES.has(c)) {
      flush();
      const start = line;
      let value = '';
      i++;
      for (;;) {
        if (i >= script.length) throw new Error(`unterminated string from line ${start}`);
        const d = script[i]!;
        if (SINGLE_QUOTES.has(d)) {
          if (SINGLE_QUOTES.has(script[i + 1] ?? '')) {
            value += d;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === '\n') line++;
        value += d;
        i++;
      }
      tokens.push({ kind: 'string', text: value, line: start });
      continue;
    }
    if (c === '"' || c === '\u201C' || c === '\u201D' || c === '\u201E')
      throw new Error(`double-quoted string on line ${line}`);
    if (c === '@' && SINGLE_QUOTES.has(script[i + 1] ?? '')) throw new Error(`here-string on line ${line}`);
    if (c === '<' && script[i + 1] === '#') throw new Error(`block comment on line ${line}`);
    if (c === '#') {
      flush();
      const end = script.indexOf('\n', i);
      const text = script.slice(i, end < 0 ? undefined : end);
      tokens.push({ kind: 'comment', text, line });
      i += text.length;
      continue;
    }
    if (c === '\n') line++;
    code += c;
    i++;
  }
  flush();
  return tokens;
}

/** Braces, parentheses and brackets balance in the code (strings and comments left aside). */
function checkBalanced(tokens: readonly Token[]): void {
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  const stack: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'code') continue;
    for (const c of token.text) {
      if ('({['.includes(c)) stack.push(c);
      else if (c in pairs) {
        if (stack.pop() !== pairs[c]) throw new Error(`unbalanced ${c} on line ${token.line}`);
      }
    }
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join('')}`);
}

/**
 * Every command that changes something (Set-, Add-, New-, Remove-…) sits inside a ShouldProcess
 * block (-WhatIf) that sits inside a guard comparing the current state: a second run changes nothing.
 */
function checkGuarded(script: string): number {
  // Strings (which may span lines) stand as one placeholder, so lines are lines of code.
  const code = tokenize(script)
    .map((t) => (t.kind === 'string' ? "'s'" : t.text))
    .join('');
  const lines = code.split(/\r?\n/);
  let changes = 0;
  lines.forEach((line, index) => {
    // Set-StrictMode changes the script's own session, not the tenant.
    if (!/^\s*(Set|Add|New|Remove|Enable|Disable)-\w+/.test(line) || line.startsWith('Set-StrictMode'))
      return;
    changes++;
    expect(lines[index - 1]).toMatch(/^ {4}if \(\$PSCmdlet\.ShouldProcess\(/);
    expect(lines[index - 2]).toMatch(/^if \(.+ -(c?ne) .+\) \{$/);
    expect(lines[index - 3]).toMatch(/^\$current = Get-/);
    expect(lines[index + 1]).toBe('    }');
    expect(lines[index + 2]).toBe('}');
  });
  return changes;
}

const HOSTILE = `It's “quoted” ‘twice’ ‚low‛ "double" $(Remove-Mailbox -Identity x) \`n { } #> <# @'\n'@\r\nline 2`;

function hostileScript(): MailboxSettingsScript {
  const identity = "o'brien@contoso.com";
  return {
    source: "o'brien@zimbra.test",
    destination: identity,
    steps: [
      signatureStep(
        identity,
        { id: '1', name: HOSTILE, html: `<p>${HOSTILE}</p>`, text: HOSTILE },
        {
          newMessages: true,
          replies: false,
        },
      ),
      forwardingStep(identity, "it's@partner.example", false),
    ],
    notMigrated: [`Filter not migrated: ${HOSTILE}`],
    notes: [],
    signatures: [],
  };
}

describe('psQuote', () => {
  it('doubles every quote character PowerShell ends a verbatim string with', () => {
    expect(psQuote("l'équipe ’ ‘")).toBe("'l''équipe ’’ ‘‘'");
    const [token] = tokenize(psQuote(HOSTILE));
    expect(token).toEqual({ kind: 'string', text: HOSTILE, line: 1 });
  });
});

describe('renderScript', () => {
  const script = renderScript([hostileScript()], '2026-12-08T01:00:00Z');

  it('tokenizes into balanced code, comments and verbatim strings only', () => {
    const tokens = tokenize(script);
    checkBalanced(tokens);
    expect(tokens.filter((t) => t.kind === 'comment').every((t) => !t.text.includes('\n'))).toBe(true);
  });

  it('carries every value through one quoting, unchanged', () => {
    const strings = tokenize(script)
      .filter((t) => t.kind === 'string')
      .map((t) => t.text);
    expect(strings).toContain(HOSTILE);
    expect(strings).toContain(`<p>${HOSTILE}</p>`);
    expect(strings).toContain("o'brien@contoso.com");
    expect(strings).toContain("smtp:it's@partner.example");
  });

  it('guards every change and supports -WhatIf', () => {
    expect(checkGuarded(script)).toBe(2);
    expect(script).toContain('[CmdletBinding(SupportsShouldProcess = $true)]');
  });

  it('lists what it does and what could not move in its header', () => {
    const header = script.slice(0, script.indexOf('[CmdletBinding'));
    expect(header).toContain('# What it does:');
    expect(header).toMatch(/# {3}- Signature ".*" of o'brien@contoso\.com, added to new messages/);
    expect(header).toMatch(/# {3}- Forward the mail of o'brien@contoso\.com to it's@partner\.example/);
    expect(header).toContain('# Not migrated');
  });

  it('is the same for the same input', () => {
    expect(renderScript([hostileScript()], '2026-12-08T01:00:00Z')).toBe(script);
  });

  it('the checks catch what they are for', () => {
    expect(() => tokenize("Set-Mailbox -Identity 'x")).toThrow(/unterminated/);
    expect(() => tokenize('Write-Host "a $b"')).toThrow(/double-quoted/);
    expect(() => checkBalanced(tokenize("if ('{') { x"))).toThrow(/unclosed/);
    expect(() => checkGuarded("$current = Get-Mailbox\r\nSet-Mailbox -Identity 'x'")).toThrow();
  });
});
