/**
 * The Exchange Online PowerShell script for what Graph cannot write (signatures, forwarding that
 * must not keep a copy): one guarded, -WhatIf-aware block per change, so it is safe to run twice.
 * Every value enters the script through `psQuote`; the script has no double-quoted string, so
 * nothing in it is expanded.
 */
import type { MailboxSettingsScript, ScriptStep, SourceSignature } from '../domain/mailbox-settings.ts';

/**
 * A PowerShell verbatim string: single-quoted, with every quote character doubled — PowerShell
 * also ends single-quoted strings at the typographic quotes U+2018–U+201B (about_Quoting_Rules,
 * and the tokenizer's IsSingleQuote). NUL cannot appear in a script.
 */
export function psQuote(value: string): string {
  return `'${value.replaceAll('\0', '').replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** A comment line: line breaks flattened, so text can never leave the comment. */
function comment(text: string): string {
  return `# ${text.replace(/[\r\n\u2028\u2029\u0085]+/g, ' ')}`;
}

/** Set-MailboxMessageConfiguration with the signature, unless it is already in place. */
export function signatureStep(
  identity: string,
  signature: SourceSignature,
  use: { readonly newMessages: boolean; readonly replies: boolean },
): ScriptStep {
  const html = signature.html ?? textSignatureHtml(signature.text ?? '');
  const text = signature.text ?? '';
  const id = psQuote(identity);
  const flag = (value: boolean) => (value ? '$true' : '$false');
  return {
    title: `Signature "${signature.name}" of ${identity}${use.newMessages ? ', added to new messages' : ''}${use.replies ? ', added to replies and forwards' : ''}`,
    read: `$current = Get-MailboxMessageConfiguration -Identity ${id}`,
    condition: [
      `$current.SignatureHtml -cne ${psQuote(html)}`,
      `$current.SignatureText -cne ${psQuote(text)}`,
      `$current.AutoAddSignature -ne ${flag(use.newMessages)}`,
      `$current.AutoAddSignatureOnReply -ne ${flag(use.replies)}`,
    ].join(' -or '),
    change: `Set-MailboxMessageConfiguration -Identity ${id} -SignatureHtml ${psQuote(html)} -SignatureText ${psQuote(text)} -AutoAddSignature ${flag(use.newMessages)} -AutoAddSignatureOnReply ${flag(use.replies)}`,
  };
}

function textSignatureHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/\r?\n/g, '<br>');
}

/** Set-Mailbox forwarding to one address; `keepCopy` false delivers nothing to the mailbox. */
export function forwardingStep(identity: string, address: string, keepCopy: boolean): ScriptStep {
  const id = psQuote(identity);
  const keep = keepCopy ? '$true' : '$false';
  return {
    title: `Forward the mail of ${identity} to ${address}${keepCopy ? ' (a copy stays in the mailbox)' : ' (nothing stays in the mailbox)'}`,
    read: `$current = Get-Mailbox -Identity ${id}`,
    condition: `[string]$current.ForwardingSmtpAddress -ne ${psQuote(`smtp:${address}`)} -or $current.DeliverToMailboxAndForward -ne ${keep}`,
    change: `Set-Mailbox -Identity ${id} -ForwardingSmtpAddress ${psQuote(address)} -DeliverToMailboxAndForward ${keep}`,
  };
}

function renderStep(step: ScriptStep, identity: string): string[] {
  return [
    comment(step.title),
    step.read,
    `if (${step.condition}) {`,
    `    if ($PSCmdlet.ShouldProcess(${psQuote(identity)}, ${psQuote(step.title)})) {`,
    `        ${step.change}`,
    '    }',
    '}',
  ];
}

/** The script for these mailboxes: a header listing what it does, then one section per mailbox. */
export function renderScript(mailboxes: readonly MailboxSettingsScript[], generatedAt: string): string {
  const withSteps = mailboxes.filter((m) => m.steps.length > 0);
  const header = [
    comment('Ferry: the mailbox settings only Exchange Online PowerShell can write.'),
    comment(`Generated ${generatedAt} for ${mailboxes.length} mailbox(es).`),
    comment(
      'Every change is guarded: a setting already in place is left alone, so running the script twice is safe.',
    ),
    comment(
      'Preview with -WhatIf. Needs the ExchangeOnlineManagement module and Connect-ExchangeOnline first.',
    ),
    comment(
      'Microsoft 365 blocks automatic forwarding to external addresses by default (outbound spam policy,',
    ),
    comment('AutoForwardingMode): allow it for these mailboxes, or forwarded mail is refused.'),
    '#',
    comment('What it does:'),
    ...(withSteps.length === 0 ? [comment('  nothing: no mailbox needs PowerShell.')] : []),
    ...withSteps.flatMap((m) => m.steps.map((step) => comment(`  - ${step.title}`))),
    ...(mailboxes.some((m) => m.notMigrated.length > 0)
      ? [
          '#',
          comment('Not migrated (neither Graph nor PowerShell can carry them exactly; re-create by hand):'),
          ...mailboxes.flatMap((m) =>
            m.notMigrated.map((line) => comment(`  - ${m.source} -> ${m.destination}: ${line}`)),
          ),
        ]
      : []),
  ];
  const body = withSteps.flatMap((m) => [
    '',
    comment(`---- ${m.source} -> ${m.destination} ----`),
    ...m.steps.flatMap((step) => renderStep(step, m.destination)),
  ]);
  return [
    ...header,
    '[CmdletBinding(SupportsShouldProcess = $true)]',
    'param()',
    'Set-StrictMode -Version 3.0',
    "$ErrorActionPreference = 'Stop'",
    "if (-not (Get-Command -Name 'Set-MailboxMessageConfiguration' -ErrorAction SilentlyContinue)) {",
    "    throw 'Run Connect-ExchangeOnline (module ExchangeOnlineManagement) first.'",
    '}',
    ...body,
    '',
  ].join('\r\n');
}
