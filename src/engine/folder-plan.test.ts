import { describe, expect, it } from 'vitest';

import { runInWorker } from '../../test/support/run-in-worker.ts';
import type { SourceFolder } from '../domain/source.ts';
import { MAX_FOLDER_NAME_LENGTH, planMailFolders } from './folder-plan.ts';

function folder(
  id: string,
  path: string,
  parentId?: string,
  extra: Partial<SourceFolder> = {},
): SourceFolder {
  return {
    id,
    parentId,
    name: path.split('/').at(-1)!,
    path,
    view: 'message',
    role: undefined,
    itemCount: 1,
    sizeBytes: 10,
    color: undefined,
    ...extra,
  };
}

const tree: SourceFolder[] = [
  folder('2', 'Inbox', undefined, { role: 'inbox' }),
  folder('5', 'Sent', undefined, { role: 'sent' }),
  folder('3', 'Trash', undefined, { role: 'trash' }),
  folder('4', 'Junk', undefined, { role: 'junk' }),
  folder('7', 'Contacts', undefined, { role: 'contacts', view: 'contact' }),
  folder('300', 'Inbox/Projects', '2'),
  folder('301', 'Inbox/projects', '2'),
  folder('302', 'Sent Items'),
  folder('303', 'Archive'),
  folder('304', 'Équipe'),
  folder('305', 'Équipe/Réunions', '304'),
];
const noOptions = { folderFilter: undefined, folderMappings: [] };

describe('mail folder plan', () => {
  it('maps system folders to the well-known folders and keeps the hierarchy of the others', () => {
    const plan = planMailFolders(tree, noOptions);
    const by = (id: string) => plan.find((p) => p.sourceFolderId === id);
    expect(by('2')).toMatchObject({ destinationPath: ['Inbox'], role: 'inbox' });
    expect(by('5')).toMatchObject({ destinationPath: ['Sent Items'], role: 'sent' });
    expect(by('3')?.destinationPath).toEqual(['Deleted Items']);
    expect(by('4')?.destinationPath).toEqual(['Junk Email']);
    expect(by('305')?.destinationPath).toEqual(['Équipe', 'Réunions']);
    expect(by('7')).toBeUndefined();
  });

  it('resolves clashes deterministically and says why a folder was renamed', () => {
    const plan = planMailFolders(tree, noOptions);
    const by = (id: string) => plan.find((p) => p.sourceFolderId === id);
    expect(by('300')?.destinationPath).toEqual(['Inbox', 'Projects']);
    expect(by('301')?.destinationPath).toEqual(['Inbox', 'projects (2)']);
    expect(by('301')?.renamed).toMatch(/already exists/);
    expect(by('302')?.destinationPath).toEqual(['Sent Items (2)']);
    expect(by('303')?.destinationPath).toEqual(['Archive (2)']);
    expect(planMailFolders([...tree].reverse(), noOptions)).toEqual(plan);
  });

  it('applies the folder filter and FolderMapping rules', () => {
    const plan = planMailFolders(tree, {
      folderFilter: '^Junk$',
      folderMappings: [{ pattern: '^Équipe', replacement: 'Team' }],
    });
    expect(plan.some((p) => p.sourcePath === 'Junk')).toBe(false);
    expect(plan.find((p) => p.sourceFolderId === '304')?.destinationPath).toEqual(['Team']);
    expect(plan.find((p) => p.sourceFolderId === '305')?.destinationPath).toEqual(['Team', 'Réunions']);
  });

  it('plans in linear time whatever the folder filter and FolderMapping patterns', async () => {
    const module = JSON.stringify(new URL('./folder-plan.ts', import.meta.url).href);
    const name = `${'a'.repeat(40)}!`;
    const folders = [folder('500', name), folder('501', 'Inbox', undefined, { role: 'inbox' })];
    const planned = await runInWorker(
      `const { planMailFolders } = await import(${module});
       return planMailFolders(${JSON.stringify(folders)}, {
         folderFilter: '(a+)+$',
         folderMappings: [{ pattern: '(a+)+$', replacement: 'x' }],
       }).map((p) => p.destinationPath.join('/'));`,
      5_000,
    );
    expect(planned).toEqual(['Inbox', name]);
  });

  it('cuts over-long names and names blank ones', () => {
    const long = 'x'.repeat(300);
    const plan = planMailFolders([folder('400', long), folder('401', '   ')], noOptions);
    expect(plan[0]?.destinationPath[0]).toBe('(unnamed)');
    expect(plan[1]?.destinationPath[0]).toHaveLength(MAX_FOLDER_NAME_LENGTH);
  });
});
