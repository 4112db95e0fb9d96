/** Building Graph URLs: every id and name that goes into a path or query is encoded here. */

export function userPath(userPrincipalName: string): string {
  return `/v1.0/users/${encodeURIComponent(userPrincipalName)}`;
}

/** The same user on Graph's beta endpoint, for APIs v1.0 does not have yet. */
export function betaUserPath(userPrincipalName: string): string {
  return `/beta/users/${encodeURIComponent(userPrincipalName)}`;
}

/** The `$filter` that finds the item carrying Ferry's idempotency stamp (microsoft-graph.md §6). */
export function stampFilter(propertyId: string, stamp: string): string {
  return (
    `singleValueExtendedProperties/any(ep: ep/id eq ${odataString(propertyId)}` +
    ` and ep/value eq ${odataString(stamp)})`
  );
}

/** One path segment: ids may hold `/`, `+` or `=`, which Graph misreads unencoded (ErrorInvalidIdMalformed). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `?$filter=…&$select=…` with the values encoded and the `$` names kept as OData spells them. */
export function query(params: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(params).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** The path and query of an `@odata.nextLink`, for the transport, which takes paths under its base URL. */
export function nextLinkPath(nextLink: string): string {
  const url = new URL(nextLink);
  return `${url.pathname}${url.search}`;
}
