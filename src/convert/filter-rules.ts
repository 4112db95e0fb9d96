/**
 * Zimbra filter rules (GetFilterRulesResponse JSON, zimbra.md §9) → Graph inbox rules
 * (`messageRule`, microsoft-graph.md §10). A rule is converted whole or not at all: a test or an
 * action Graph cannot say exactly makes the rule "not migrated", with every reason and the rule's
 * original text, never a rule that filters differently from the one the user wrote.
 *
 * Graph's semantics [D messageRulePredicates]: the conditions of a rule are ANDed, the values of
 * one list condition ORed; every exception that matches stops the rule. Matching is
 * case-insensitive and by substring (`…Contains`) or by address (`fromAddresses`, `sentToAddresses`).
 */
import type { SourceFilterRule } from '../domain/mailbox-settings.ts';

type Json = Readonly<Record<string, unknown>>;

/** A Graph inbox rule, except the folder of a file-into action, which the engine resolves. */
export interface ConvertedRule {
  readonly displayName: string;
  readonly isEnabled: boolean;
  readonly conditions: Readonly<Record<string, unknown>>;
  readonly exceptions: Readonly<Record<string, unknown>>;
  readonly actions: Readonly<Record<string, unknown>>;
  /** The Zimbra folder path of `fileinto`: the engine maps it through the folder plan. */
  readonly fileInto: { readonly folderPath: string; readonly copy: boolean } | undefined;
}

export type RuleConversion =
  | { readonly ok: true; readonly rule: ConvertedRule; readonly original: string }
  | { readonly ok: false; readonly reasons: readonly string[]; readonly original: string };

/** Zimbra's JSON repeats an element as an array, or gives a lone one as an object (zimbra.md §1.2). */
function list(value: unknown): Json[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter(
    (v): v is Json => typeof v === 'object' && v !== null,
  );
}

function str(element: Json, name: string): string | undefined {
  const value = element[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function yes(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1 || value === 'TRUE';
}

/** Children of a tests or actions element, each with its kind, in `index` order (Zimbra keeps it). */
function entries(elements: readonly Json[], skip: readonly string[]): { kind: string; element: Json }[] {
  const found: { kind: string; element: Json; order: number }[] = [];
  for (const element of elements) {
    for (const [kind, value] of Object.entries(element)) {
      if (skip.includes(kind) || kind.startsWith('_')) continue;
      for (const item of list(value)) {
        const index = Number(item.index);
        found.push({ kind, element: item, order: Number.isFinite(index) ? index : found.length });
      }
    }
  }
  return found.sort((a, b) => a.order - b.order);
}

/** The rule as the user would read it in Sieve, for the report (zimbra.md §9: zimbraMailSieveScript). */
export function ruleText(rule: SourceFilterRule): string {
  const inactive = yes(rule.active) ? '' : ' (disabled)';
  return `"${str(rule, 'name') ?? ''}"${inactive}: ${ruleBody(rule)}`;
}

function ruleBody(rule: Json): string {
  const tests = list(rule.filterTests);
  const condition = str(tests[0] ?? {}, 'condition') ?? 'allof';
  const testText = entries(tests, ['condition']).map(({ kind, element }) => describeTest(kind, element));
  const actionText = entries(list(rule.filterActions), []).map(
    ({ kind, element }) => `${describeAction(kind, element)};`,
  );
  const nested = list(rule.nestedRule).map(ruleBody);
  return `if ${condition} (${testText.join(', ')}) { ${[...actionText, ...nested].join(' ')} }`;
}

function describeTest(kind: string, t: Json): string {
  const not = yes(t.negative) ? 'not ' : '';
  const comparison = str(t, 'stringComparison');
  const value = JSON.stringify(str(t, 'value') ?? '');
  switch (kind) {
    case 'headerTest':
    case 'mimeHeaderTest':
      return `${not}header :${comparison ?? 'is'} "${str(t, 'header') ?? ''}" ${value}`;
    case 'addressTest':
    case 'envelopeTest':
      return `${not}${kind === 'addressTest' ? 'address' : 'envelope'} :${str(t, 'part') ?? 'all'} :${comparison ?? 'is'} "${str(t, 'header') ?? ''}" ${value}`;
    case 'bodyTest':
      return `${not}body :contains ${value}`;
    case 'sizeTest':
      return `${not}size :${str(t, 'numberComparison') ?? 'over'} ${str(t, 's') ?? ''}`;
    case 'dateTest':
      return `${not}date :${str(t, 'dateComparison') ?? ''} ${str(t, 'd') ?? ''}`;
    case 'headerExistsTest':
      return `${not}exists "${str(t, 'header') ?? ''}"`;
    case 'importanceTest':
      return `${not}importance ${str(t, 'imp') ?? ''}`;
    case 'attachmentTest':
      return `${not}attachment`;
    default:
      return `${not}${kind} ${JSON.stringify(t)}`;
  }
}

function describeAction(kind: string, a: Json): string {
  switch (kind) {
    case 'actionFileInto':
      return `fileinto${yes(a.copy) ? ' :copy' : ''} ${JSON.stringify(str(a, 'folderPath') ?? '')}`;
    case 'actionRedirect':
      return `redirect${yes(a.copy) ? ' :copy' : ''} ${JSON.stringify(str(a, 'a') ?? '')}`;
    case 'actionTag':
      return `tag ${JSON.stringify(str(a, 'tagName') ?? '')}`;
    case 'actionFlag':
      return `flag ${JSON.stringify(str(a, 'flagName') ?? '')}`;
    case 'actionKeep':
      return 'keep';
    case 'actionDiscard':
      return 'discard';
    case 'actionStop':
      return 'stop';
    default:
      return `${kind.replace(/^action/, '').toLowerCase()} ${JSON.stringify(a)}`;
  }
}

/** `*text*` is `contains "text"`; any other glob has no Graph equivalent. */
function globAsContains(value: string): string | undefined {
  const match = /^\*([^*?\\]+)\*$/.exec(value);
  return match?.[1];
}

/** Sieve sizes: a number with an optional K, M or G suffix (RFC 5228 §2.4.2.1). */
function sizeInKb(value: string | undefined): number | undefined {
  const match = /^(\d+)\s*([KMG]?)B?$/i.exec(value?.trim() ?? '');
  if (match === null) return undefined;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase()] ?? 1;
  return Math.round((Number(match[1]) * unit) / 1024);
}

const recipient = (address: string) => ({ emailAddress: { address } });
const splitAddresses = (value: string) =>
  value
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');

/** One Graph predicate a Zimbra test becomes: a list property (values ORed) or a single value. */
type Predicate =
  | { readonly property: string; readonly values: readonly unknown[] }
  | { readonly property: string; readonly value: unknown };

function testPredicate(kind: string, t: Json): Predicate | string {
  if (yes(t.caseSensitive)) return 'a case-sensitive comparison (Graph rules ignore case)';
  const header = (str(t, 'header') ?? '').toLowerCase().replaceAll(' ', '');
  const rawValue = str(t, 'value') ?? '';
  const comparison = str(t, 'stringComparison') ?? 'is';
  const contains =
    comparison === 'contains' ? rawValue : comparison === 'matches' ? globAsContains(rawValue) : undefined;
  const toOrCc = header === 'to,cc' || header === 'cc,to';
  switch (kind) {
    case 'headerTest': {
      if (contains === undefined)
        return `header "${header}" ${comparison} "${rawValue}" (Graph rules match headers by "contains" only)`;
      if (header === 'subject') return { property: 'subjectContains', values: [contains] };
      if (header === 'from') return { property: 'senderContains', values: [contains] };
      if (toOrCc) return { property: 'recipientContains', values: [contains] };
      if (header === 'to' || header === 'cc')
        return `a test on "${header}" alone (Graph rules test To and Cc together)`;
      // Outlook's "with specific words in the message header" searches the whole header block.
      return { property: 'headerContains', values: [contains] };
    }
    case 'addressTest': {
      const part = str(t, 'part') ?? 'all';
      if (part !== 'all')
        return `a test on the ${part} part of an address (Graph rules test whole addresses)`;
      const field = header === 'from' ? 'from' : toOrCc ? 'to' : undefined;
      if (field === undefined)
        return `an address test on "${header}" (Graph rules test From, or To and Cc together)`;
      if (comparison === 'is')
        return {
          property: field === 'from' ? 'fromAddresses' : 'sentToAddresses',
          values: splitAddresses(rawValue).map(recipient),
        };
      if (contains !== undefined)
        return { property: field === 'from' ? 'senderContains' : 'recipientContains', values: [contains] };
      return `address ${comparison} "${rawValue}" (Graph rules have no pattern matching)`;
    }
    case 'bodyTest':
      return { property: 'bodyContains', values: [rawValue] };
    case 'headerExistsTest':
      return { property: 'headerContains', values: [`${str(t, 'header') ?? ''}:`] };
    case 'attachmentTest':
      return { property: 'hasAttachments', value: true };
    case 'importanceTest': {
      const importance = str(t, 'imp');
      if (importance !== 'high' && importance !== 'normal' && importance !== 'low')
        return `importance "${importance ?? ''}"`;
      return { property: 'importance', value: importance };
    }
    case 'meTest':
      return header === 'to'
        ? { property: 'sentToMe', value: true }
        : toOrCc
          ? { property: 'sentToOrCcMe', value: true }
          : `"addressed to me" in "${header}"`;
    case 'sizeTest': {
      const kb = sizeInKb(str(t, 's'));
      if (kb === undefined) return `size "${str(t, 's') ?? ''}"`;
      const over = str(t, 'numberComparison') !== 'under';
      return { property: 'withinSizeRange', value: over ? { minimumSize: kb } : { maximumSize: kb } };
    }
    case 'dateTest':
      return 'a date test (Graph rules have no date condition)';
    case 'currentTimeTest':
    case 'currentDayOfWeekTest':
      return 'a time-of-day or weekday test (Graph rules have no such condition)';
    case 'flaggedTest':
      return 'a flag test (Graph rules cannot test a flag)';
    case 'addressBookTest':
    case 'contactRankingTest':
      return 'an address book test (Graph rules have no such condition)';
    default:
      return `the test ${kind} (Graph rules have no equivalent)`;
  }
}

/** Adds a predicate to conditions or exceptions; false when Graph could only OR it with another. */
function merge(target: Record<string, unknown>, predicate: Predicate): boolean {
  const existing = target[predicate.property];
  if ('values' in predicate) {
    if (existing !== undefined) return false;
    target[predicate.property] = [...predicate.values];
    return true;
  }
  if (predicate.property === 'withinSizeRange' && typeof existing === 'object' && existing !== null) {
    const range = { ...existing, ...(predicate.value as object) } as Record<string, number>;
    if (Object.keys(range).length !== Object.keys(existing).length + 1) return false;
    target.withinSizeRange = range;
    return true;
  }
  if (existing !== undefined) return false;
  target[predicate.property] = predicate.value;
  return true;
}

/** Converts one incoming filter rule, whole or not at all. */
export function convertFilterRule(rule: SourceFilterRule): RuleConversion {
  const original = ruleText(rule);
  const reasons: string[] = [];
  const conditions: Record<string, unknown> = {};
  const exceptions: Record<string, unknown> = {};
  const tests = list(rule.filterTests);
  const anyOf = str(tests[0] ?? {}, 'condition') === 'anyof';
  if (list(rule.nestedRule).length > 0) reasons.push('nested rules (Graph rules cannot nest)');
  const testEntries = entries(tests, ['condition']);
  const predicates: { predicate: Predicate; negative: boolean }[] = [];
  for (const { kind, element } of testEntries) {
    const predicate = testPredicate(kind, element);
    if (typeof predicate === 'string') reasons.push(predicate);
    else predicates.push({ predicate, negative: yes(element.negative) });
  }
  if (anyOf && predicates.length > 1) {
    // "any of" is a Graph rule only when every test adds a value to the same list condition.
    const property = predicates[0]!.predicate.property;
    const sameList = predicates.every(
      (p) => !p.negative && 'values' in p.predicate && p.predicate.property === property,
    );
    if (sameList) {
      conditions[property] = predicates.flatMap((p) => ('values' in p.predicate ? p.predicate.values : []));
    } else {
      reasons.push('"any of" across different tests (Graph rules only combine conditions with "and")');
    }
  } else {
    const negatives = predicates.filter((p) => p.negative);
    if (negatives.length > 1 || (anyOf && negatives.length > 0))
      reasons.push('several negated tests (Graph exceptions stop a rule when any of them matches)');
    for (const { predicate, negative } of predicates) {
      if (negative && predicate.property === 'hasAttachments') {
        if (!merge(conditions, { property: 'hasAttachments', value: false }))
          reasons.push('two tests on attachments');
      } else if (!merge(negative ? exceptions : conditions, predicate)) {
        reasons.push(`two tests on ${predicate.property} that must both match (Graph would accept either)`);
      }
    }
  }

  const actions: Record<string, unknown> = {};
  let fileInto: ConvertedRule['fileInto'];
  const redirects: string[] = [];
  let redirectKeepsCopy = true;
  let keep = false;
  for (const { kind, element } of entries(list(rule.filterActions), [])) {
    switch (kind) {
      case 'actionKeep':
        keep = true;
        break;
      case 'actionStop':
        actions.stopProcessingRules = true;
        break;
      case 'actionFileInto': {
        const folderPath = (str(element, 'folderPath') ?? '').replace(/^\/+/, '');
        if (fileInto !== undefined)
          reasons.push('filing into several folders (Graph rules move or copy to one)');
        fileInto = { folderPath, copy: yes(element.copy) };
        break;
      }
      case 'actionTag': {
        const categories = (actions.assignCategories as string[] | undefined) ?? [];
        actions.assignCategories = [...categories, str(element, 'tagName') ?? ''];
        break;
      }
      case 'actionFlag': {
        const flag = str(element, 'flagName');
        if (flag === 'read') actions.markAsRead = true;
        else if (flag === 'priority') actions.markImportance = 'high';
        else reasons.push(`the action "flag ${flag ?? ''}" (Graph rules cannot flag a message)`);
        break;
      }
      case 'actionRedirect':
        redirects.push(...splitAddresses(str(element, 'a') ?? ''));
        if (!yes(element.copy)) redirectKeepsCopy = false;
        break;
      case 'actionDiscard':
        reasons.push(
          'the action "discard" (Graph can delete to Deleted Items or permanently, not drop mail unseen)',
        );
        break;
      default:
        reasons.push(`the action "${describeAction(kind, element)}" (Graph rules have no equivalent)`);
    }
  }
  if (redirects.length > 0) {
    actions.redirectTo = redirects.map(recipient);
    // Sieve's redirect without :copy (and no keep/fileinto) delivers nothing locally.
    if (!redirectKeepsCopy && !keep && fileInto === undefined)
      reasons.push('a redirect that keeps no copy (Graph rules always keep the message in the mailbox)');
  }
  // fileinto with :copy, or beside keep, files a copy and still delivers to the inbox: copyToFolder.
  if (fileInto !== undefined && keep) fileInto = { ...fileInto, copy: true };
  if (
    fileInto === undefined &&
    Object.keys(actions).filter((a) => a !== 'stopProcessingRules').length === 0 &&
    reasons.length === 0
  ) {
    reasons.push('the rule does nothing Graph can do (it only keeps or stops)');
  }
  const name = str(rule, 'name') ?? '';
  if (name.trim() === '') reasons.push('the rule has no name');
  if (reasons.length > 0) return { ok: false, reasons, original };
  return {
    ok: true,
    original,
    rule: {
      displayName: name,
      isEnabled: yes(rule.active),
      conditions,
      exceptions,
      actions,
      fileInto,
    },
  };
}

/** Outgoing filters run on sent mail; Exchange inbox rules run on received mail only. */
export function outgoingRuleReason(rule: SourceFilterRule): { reason: string; original: string } {
  return {
    reason: 'an outgoing filter (Exchange Online inbox rules apply to incoming mail only)',
    original: ruleText(rule),
  };
}
