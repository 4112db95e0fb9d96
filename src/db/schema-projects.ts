/** Tables of mailbox projects: endpoints, projects, their mailboxes and options. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProjectTables {}
