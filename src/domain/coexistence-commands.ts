/**
 * The commands a batch migration with coexistence needs (seed guide: "set up Zimbra mail forwarding
 * and Office 365 mail routing"): Zimbra forwards mail of the users already moved to their Microsoft
 * 365 mailboxes, and Exchange Online relays mail for the users still on Zimbra back to it. Each
 * command checks first and changes nothing when it is already done, so a script runs again safely;
 * every value goes into a command through one quoting function per shell.
 */
import { UserError } from './errors.ts';

export interface CoexistenceBatch {
  /** Shown in the scripts' comments ("Batch 2 – Sales"). */
  readonly name: string;
  /** The migrated users of the batch: Zimbra account and Microsoft 365 UPN. */
  readonly users: readonly { readonly source: string; readonly destination: string }[];
  /**
   * Where Zimbra forwards: a domain that routes to Microsoft 365 only — the tenant's
   * "contoso.onmicrosoft.com" or a routing domain whose MX points to Exchange Online.
   */
  readonly forwardingDomain: string;
  /** Keep a copy in the Zimbra mailbox (zimbraPrefMailLocalDeliveryDisabled FALSE). */
  readonly keepLocalCopy: boolean;
  /** The domains Zimbra and Microsoft 365 share while users are on both sides. */
  readonly sharedDomains: readonly string[];
  /** The Zimbra host Exchange Online relays to (its MTA, reachable on port 25 from the internet). */
  readonly zimbraSmartHost: string;
  /** Time of generation, in the scripts' headers. */
  readonly generatedAt: Date;
}

/** The connector Ferry's commands create and look for. */
export const CONNECTOR_NAME = 'Ferry coexistence: to Zimbra';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const ADDRESS = /^[^\s@"`$\\;<>|&()]+@[^\s@]+$/;

/** POSIX shell: single quotes, each embedded quote closed, escaped, reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** PowerShell: single quotes take nothing literally but a doubled quote (and its typographic forms). */
export function powerShellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (quote) => quote + quote)}'`;
}

/** Comments carry names the admin typed: one line, no control characters. */
function comment(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return `# ${text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')}`;
}

export function checkBatch(batch: CoexistenceBatch): void {
  const problems: string[] = [];
  if (batch.users.length === 0) problems.push('select at least one migrated mailbox');
  if (!DOMAIN.test(batch.forwardingDomain))
    problems.push(`the forwarding domain "${batch.forwardingDomain}" is not a domain name`);
  if (!DOMAIN.test(batch.zimbraSmartHost))
    problems.push(`the Zimbra host "${batch.zimbraSmartHost}" is not a host name`);
  for (const domain of batch.sharedDomains)
    if (!DOMAIN.test(domain)) problems.push(`"${domain}" is not a domain name`);
  for (const user of batch.users)
    for (const address of [user.source, user.destination])
      if (!ADDRESS.test(address)) problems.push(`"${address}" is not an address these commands can carry`);
  if (problems.length > 0)
    throw new UserError(
      'COEXISTENCE_INPUT_INVALID',
      `The commands were not generated: ${problems.join('; ')}.`,
    );
}

/** Where Zimbra forwards a user: the local part of the Microsoft 365 address at the forwarding domain. */
export function forwardingAddress(destination: string, forwardingDomain: string): string {
  return `${destination.slice(0, destination.lastIndexOf('@'))}@${forwardingDomain.toLowerCase()}`;
}

/** Bash for the Zimbra server, run as the zimbra user. */
export function zimbraForwardingScript(batch: CoexistenceBatch): string {
  checkBatch(batch);
  const localDeliveryDisabled = batch.keepLocalCopy ? 'FALSE' : 'TRUE';
  const lines = [
    '#!/bin/bash',
    comment(`Ferry: Zimbra mail forwarding for ${batch.name} (${batch.users.length} users)`),
    comment(`generated ${batch.generatedAt.toISOString()}`),
    comment('Run as the zimbra user on a Zimbra mailbox server (su - zimbra). Each setting is read'),
    comment('first and written only when it differs, so running the script again changes nothing.'),
    comment(
      batch.keepLocalCopy
        ? 'Local delivery kept: a copy also stays in Zimbra (zimbraPrefMailLocalDeliveryDisabled FALSE).'
        : 'Local delivery off: mail goes to Microsoft 365 only (zimbraPrefMailLocalDeliveryDisabled TRUE).',
    ),
    'set -euo pipefail',
    '',
    comment('ferry_set ACCOUNT ATTRIBUTE VALUE: zmprov ma only when the current value differs.'),
    'ferry_set() {',
    '  local current',
    '  current="$(zmprov ga "$1" "$2" | sed -n "s/^$2: //p")"',
    '  if [ "$current" != "$3" ]; then',
    '    zmprov ma "$1" "$2" "$3"',
    '    echo "$1: $2 set to $3"',
    '  else',
    '    echo "$1: $2 already $3"',
    '  fi',
    '}',
  ];
  for (const user of batch.users) {
    const target = forwardingAddress(user.destination, batch.forwardingDomain);
    lines.push(
      '',
      comment(`${user.source} → ${target} (Microsoft 365 mailbox ${user.destination})`),
      `ferry_set ${shellQuote(user.source)} zimbraMailForwardingAddress ${shellQuote(target)}`,
      `ferry_set ${shellQuote(user.source)} zimbraPrefMailLocalDeliveryDisabled ${localDeliveryDisabled}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Exchange Online PowerShell (Connect-ExchangeOnline first): the shared domains become
 * InternalRelay, so mail for recipients Exchange Online does not have leaves through an outbound
 * connector to Zimbra instead of bouncing (https://learn.microsoft.com/exchange/mail-flow-best-practices/manage-accepted-domains/manage-accepted-domains,
 * https://learn.microsoft.com/powershell/module/exchange/new-outboundconnector).
 */
export function exchangeRoutingScript(batch: CoexistenceBatch): string {
  checkBatch(batch);
  const domains = batch.sharedDomains.map((d) => d.toLowerCase());
  const list = `@(${domains.map(powerShellQuote).join(', ')})`;
  const lines = [
    comment(`Ferry: Exchange Online mail routing for ${batch.name} (${batch.users.length} users moved)`),
    comment(`generated ${batch.generatedAt.toISOString()}`),
    comment('Run in Exchange Online PowerShell after Connect-ExchangeOnline. Each step checks first, so'),
    comment('running the script again (for the next batch) changes nothing already done.'),
    "$ErrorActionPreference = 'Stop'",
    '',
    comment('1. Shared domains: InternalRelay, so mail for users still on Zimbra is relayed, not refused.'),
    `foreach ($name in ${list}) {`,
    '  $domain = Get-AcceptedDomain | Where-Object { $_.DomainName -eq $name }',
    '  if ($null -eq $domain) { Write-Warning "$name is not an accepted domain of this tenant: add and verify it first" }',
    "  elseif ($domain.DomainType -ne 'InternalRelay') {",
    '    Set-AcceptedDomain -Identity $domain.Identity -DomainType InternalRelay',
    '    Write-Host "$name set to InternalRelay"',
    '  } else { Write-Host "$name already InternalRelay" }',
    '}',
    '',
    comment(
      `2. Outbound connector: mail for the shared domains' recipients not in Exchange Online goes to ${batch.zimbraSmartHost}.`,
    ),
    `$connector = Get-OutboundConnector -Identity ${powerShellQuote(CONNECTOR_NAME)} -ErrorAction SilentlyContinue`,
    'if ($null -eq $connector) {',
    `  New-OutboundConnector -Name ${powerShellQuote(CONNECTOR_NAME)} -ConnectorType OnPremises -UseMXRecord $false -SmartHosts ${powerShellQuote(batch.zimbraSmartHost)} -RecipientDomains ${list} -TlsSettings EncryptionOnly -Comment 'Created by Ferry for coexistence with Zimbra'`,
    `  Write-Host ${powerShellQuote(`connector created to ${batch.zimbraSmartHost}`)}`,
    '} else {',
    `  Set-OutboundConnector -Identity ${powerShellQuote(CONNECTOR_NAME)} -Enabled $true -UseMXRecord $false -SmartHosts ${powerShellQuote(batch.zimbraSmartHost)} -RecipientDomains ${list}`,
    `  Write-Host ${powerShellQuote('connector present: smart host and domains confirmed')}`,
    '}',
    '',
    comment('3. Users of this batch: their mailboxes receive what Zimbra forwards to the forwarding domain.'),
  ];
  for (const user of batch.users) {
    const target = forwardingAddress(user.destination, batch.forwardingDomain);
    lines.push(
      `$mailbox = Get-Mailbox -Identity ${powerShellQuote(user.destination)} -ErrorAction SilentlyContinue`,
      `if ($null -eq $mailbox) { Write-Warning ${powerShellQuote(`${user.destination} has no mailbox`)} }`,
      `elseif (-not ($mailbox.EmailAddresses -contains ${powerShellQuote(`smtp:${target}`)})) {`,
      `  Set-Mailbox -Identity ${powerShellQuote(user.destination)} -EmailAddresses @{Add=${powerShellQuote(target)}}`,
      `  Write-Host ${powerShellQuote(`${target} added to ${user.destination}`)}`,
      `} else { Write-Host ${powerShellQuote(`${user.destination} already receives ${target}`)} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}
