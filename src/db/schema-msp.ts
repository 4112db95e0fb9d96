/** Tables of the MSP side: agent invitations, customers and their users, licences. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MspTables {}
