import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium, screenshot } from './support/browser.ts';
import { buildWebConsole } from './support/build-web.ts';
import { type FerryProcess, startFerry } from './support/ferry-process.ts';

const ADMIN = {
  workgroup: 'Northwind Migrations',
  name: 'Ada Lovelace',
  email: 'ada@northwind.example',
  password: 'correct horse battery',
};

let ferry: FerryProcess | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  buildWebConsole();
  ferry = await startFerry(150_000);
  context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  page = await context.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await ferry?.stop();
}, 60_000);

/** Runs one step of the journey; a failing step leaves a screenshot of the page in test-results/e2e/. */
async function step(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const file = await screenshot(page, `failure-${name}`).catch(() => 'no screenshot');
    throw new Error(`Step "${name}" failed (screenshot: ${file}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

const heading = (text: string) => page.getByRole('heading', { level: 1, name: text, exact: true });
const sideNav = () => page.getByRole('navigation', { name: 'Workgroup' });
const topNav = () => page.getByRole('navigation', { name: 'Top navigation' });

async function asBearer(token: string): Promise<number> {
  const response = await fetch(`${ferry!.baseUrl}/api/auth/me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.status;
}

describe('web console', () => {
  it('takes a new Administrator from the setup link through the shell, API tokens and signing in again', async () => {
    await step('setup', async () => {
      await page.goto(ferry!.setupLink);
      await heading('Set up Ferry').waitFor();
      await page.getByLabel('Workgroup name').fill(ADMIN.workgroup);
      await page.getByLabel('Your name').fill(ADMIN.name);
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByLabel('Confirm password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Create Administrator' }).click();
      await heading('All Customers').waitFor();
    });

    await step('navigation-words', async () => {
      for (const word of ['Purchase', 'Go to My Projects']) {
        await page.getByRole('banner').getByRole('link', { name: word }).waitFor();
      }
      await topNav().getByRole('button', { name: 'Add' }).waitFor();
      for (const word of ['Customers', 'Projects', 'Endpoints', 'Licenses', 'Account']) {
        await sideNav().getByRole('link', { name: word, exact: true }).waitFor();
      }
      await sideNav().getByRole('button', { name: 'Sign out' }).waitFor();
      await sideNav().getByText(ADMIN.workgroup).waitFor();
      expect(await sideNav().getByRole('link', { name: 'Customers' }).getAttribute('aria-current')).toBe(
        'page',
      );
      expect(await page.getByText('No customers yet').isVisible()).toBe(true);
      await screenshot(page, 'shell');
    });

    await step('add-menu', async () => {
      const add = topNav().getByRole('button', { name: 'Add' });
      await add.click();
      await page.getByRole('menuitem', { name: 'Add Customer' }).waitFor();
      await page.getByRole('menuitem', { name: 'Add Project' }).waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('menu', { name: 'Add' }).waitFor({ state: 'hidden' });
      await add.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await heading('My Projects').waitFor();
    });

    await step('nav-pages', async () => {
      const pages: [string, string][] = [
        ['Customers', 'All Customers'],
        ['Projects', 'My Projects'],
        ['Endpoints', 'Endpoints'],
        ['Licenses', 'Licenses'],
      ];
      for (const [link, title] of pages) {
        await sideNav().getByRole('link', { name: link, exact: true }).click();
        await heading(title).waitFor();
        expect(
          await sideNav().getByRole('link', { name: link, exact: true }).getAttribute('aria-current'),
        ).toBe('page');
      }
      await page.getByRole('link', { name: 'Purchase' }).click();
      await heading('Purchase').waitFor();
      await page.getByRole('link', { name: 'Go to My Projects' }).click();
      await heading('My Projects').waitFor();
    });

    let tokenValue = '';
    await step('create-token', async () => {
      await sideNav().getByRole('link', { name: 'Account' }).click();
      await heading('Account').waitFor();
      await page.getByLabel('Token name').fill('CI pipeline');
      await page.getByRole('button', { name: 'Create token' }).click();
      tokenValue = await page.getByLabel('Token value').inputValue();
      expect(tokenValue).toMatch(/^fry_/);
      await page
        .getByRole('row', { name: /CI pipeline/ })
        .getByText('Active')
        .waitFor();
      expect(await asBearer(tokenValue)).toBe(200);
      await page.getByRole('table').scrollIntoViewIfNeeded();
      await screenshot(page, 'account');
    });

    await step('revoke-token', async () => {
      await page.getByRole('button', { name: 'Revoke CI pipeline' }).click();
      await page.getByRole('button', { name: 'Revoke “CI pipeline”' }).click();
      await page
        .getByRole('row', { name: /CI pipeline/ })
        .getByText(/Revoked/)
        .waitFor();
      expect(await asBearer(tokenValue)).toBe(401);
    });

    await step('sign-out', async () => {
      await sideNav().getByRole('button', { name: 'Sign out' }).click();
      await heading('Sign in').waitFor();
      await page.goto(`${ferry!.baseUrl}/endpoints`);
      await heading('Sign in').waitFor();
    });

    await step('wrong-password', async () => {
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('The email or password is wrong').waitFor();
      await screenshot(page, 'sign-in-error');
    });

    await step('sign-in', async () => {
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await heading('Endpoints').waitFor();
    });
  });
});
