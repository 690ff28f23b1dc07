/**
 * The dashboard in headless Chromium, against the demo (both sandboxes and the service in this
 * process, one shared for every scenario): log in; see both connections healthy; watch the initial
 * sync finish live (the page is never reloaded); open a profile with notes and tasks; resolve a
 * conflict; pause the schedules, fix a failed record in the Cin7 sandbox and retry it from the page.
 * A screenshot of each page goes to test-artifacts/screenshots/ (UPDATE_DOCS_SCREENSHOT=1 also
 * refreshes docs/images/dashboard.png, the README's).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { type Demo, startDemo } from '../../src/demo/start.js';
import { silentLogger } from '../../src/log/logger.js';
import { readSchedulePause } from '../../src/jobs/pause.js';
import { getConflict, listConflicts } from '../../src/sync/conflicts/repo.js';
import { listFailures } from '../../src/sync/repo/failures.js';
import { type TestBrowser, browserAvailable, launchBrowser } from '../helpers/browser.js';
import { seedPgliteDir } from '../helpers/store.js';

const browser = browserAvailable('e2e: dashboard in Chromium');
const DOCS_IMAGE = path.resolve(import.meta.dirname, '../../docs/images/dashboard.png');

describe.skipIf(!browser.available)('dashboard in a real browser (demo data)', () => {
  let root: string;
  let demo: Demo;
  let b: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cin7ghl-e2e-'));
    const dataDir = path.join(root, 'demo');
    await seedPgliteDir(dataDir);
    const config = loadConfig({
      cwd: root,
      environment: { CIN7_GHL_DATA_DIR: root, CIN7_GHL_LOG_LEVEL: 'silent' },
    });
    demo = await startDemo({
      config,
      logger: silentLogger(),
      port: 0,
      dataDir,
      keep: true,
      holdInitialSync: true,
    });
    b = await launchBrowser();
    page = b.page;
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await demo?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('log in: a page without a session goes to the login page; a wrong password is refused; the right one signs in', async () => {
    await page.goto(`${demo.url}/runs`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await b.screenshot('01-login');
    await page.getByLabel('Admin password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#login-error').textContent()).toBe('Wrong password.');
    await page.getByLabel('Admin password').fill(demo.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${demo.url}/runs`);
    expect(await page.locator('h1').textContent()).toBe('Runs');
    await expect.poll(() => page.locator('#live-state').textContent(), { timeout: 10_000 }).toBe('Live');
  });

  it('both connections are healthy: GHL through OAuth with its scopes and expiry, Cin7 with its key', async () => {
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.waitForURL(`${demo.url}/connections`);
    const ghl = page.locator('article', { hasText: 'GHL location' });
    await expect.poll(() => ghl.locator('[data-status]').getAttribute('data-status')).toBe('active');
    expect(await ghl.textContent()).toContain(demo.sandboxes.ghl.locationId);
    expect(await ghl.textContent()).toContain('OAuth (Marketplace app)');
    expect(await ghl.textContent()).toContain('contacts.write');
    expect(await ghl.locator('time').first().getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    const cin7 = page.locator('article', { hasText: 'Cin7 account' });
    expect(await cin7.locator('[data-status]').getAttribute('data-status')).toBe('active');
    expect(await cin7.textContent()).toContain(demo.sandboxes.cin7.accountId);
    // The sandbox's key is never shown.
    expect(await page.content()).not.toContain(demo.sandboxes.cin7.applicationKey);
    await b.screenshot('02-connections');
  });

  it('watch the initial sync finish live: progress, then the finished run, without a reload', async () => {
    await page.getByRole('link', { name: 'Runs' }).click();
    await page.waitForURL(`${demo.url}/runs`);
    await expect.poll(() => page.locator('#live-state').textContent(), { timeout: 10_000 }).toBe('Live');
    expect(await page.locator('#runs-table').textContent()).toContain('No runs yet');
    // A marker a reload would lose.
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    const ready = demo.runInitialSync();
    await page.locator('[data-run-progress]').waitFor({ state: 'visible', timeout: 20_000 });
    const phases = new Set<string>();
    const seen = setInterval(() => {
      void page
        .locator('[data-live="run.phase"]')
        .first()
        .textContent()
        .then(
          (t) => t && phases.add(t),
          () => {},
        );
    }, 150);
    try {
      await page
        .locator('#runs-table tbody tr', { hasText: 'sync' })
        .first()
        .waitFor({ state: 'visible', timeout: 90_000 });
    } finally {
      clearInterval(seen);
    }
    const syncRow = page.locator('#runs-table tbody tr', { hasText: 'initial' }).first();
    await expect.poll(() => syncRow.textContent(), { timeout: 20_000 }).toMatch(/completed|partial/);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect([...phases].some((p) => /Syncing customers|Reading/.test(p))).toBe(true);
    const row = await syncRow.textContent();
    expect(row).toMatch(/contactsCreated \d+/);
    expect(row).toMatch(/GHL \d+/);
    await ready;
    await b.screenshot('03-runs');
    await page.goto(`${demo.url}/`);
    await expect.poll(() => page.locator('#live-state').textContent(), { timeout: 10_000 }).toBe('Live');
    const linked = Number(
      (await page.locator('.metric[data-live="links.linked"]').textContent())?.replace(/,/g, ''),
    );
    expect(linked).toBeGreaterThan(100);
    const shot = await b.screenshot('00-overview');
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(shot, DOCS_IMAGE);
  });

  it('open a profile with notes and tasks: the GHL notes and tasks of the contact are on the page', async () => {
    const db = demo.service.ctx.store.db;
    // A customer whose linked GHL contact has notes and tasks in the sandbox (the demo added them).
    const links = await db
      .selectFrom('links')
      .select(['cin7_customer_id', 'ghl_contact_id', 'email'])
      .where('state', '=', 'linked')
      .execute();
    const withNotes = links.find(
      (l) =>
        l.ghl_contact_id &&
        l.email &&
        demo.sandboxes.ghl.control.notes(l.ghl_contact_id).length > 0 &&
        demo.sandboxes.ghl.control.tasks(l.ghl_contact_id).length > 0,
    );
    if (!withNotes?.ghl_contact_id || !withNotes.email)
      throw new Error('the demo linked no contact with notes');
    const notes = demo.sandboxes.ghl.control.notes(withNotes.ghl_contact_id).map((n) => n.body as string);
    const tasks = demo.sandboxes.ghl.control.tasks(withNotes.ghl_contact_id).map((t) => t.title as string);
    await page.getByRole('link', { name: 'Records' }).click();
    await page.waitForURL(`${demo.url}/records`);
    await page.getByLabel('Search by name, email, Cin7 customer id or GHL contact id').fill(withNotes.email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/records\?q=/);
    const hit = page.locator('#records-table tbody tr').first();
    expect(await hit.textContent()).toContain(withNotes.ghl_contact_id);
    await b.screenshot('04-records');
    await hit.locator('a').first().click();
    await page.waitForURL(`${demo.url}/records/${withNotes.cin7_customer_id}`);
    const shownNotes = await page.locator('ul.notes li').allTextContents();
    const shownTasks = await page.locator('ul.tasks li').allTextContents();
    expect(shownNotes.length).toBe(notes.length);
    for (const n of notes) expect(shownNotes.some((s) => s.includes(n))).toBe(true);
    expect(shownTasks.length).toBe(tasks.length);
    for (const t of tasks) expect(shownTasks.some((s) => s.includes(t))).toBe(true);
    await b.screenshot('05-profile');
  });

  it("resolve a conflict: both values side by side; taking Cin7's writes it to GHL", async () => {
    const seed = demo.conflict();
    if (!seed) throw new Error('the demo made no conflict');
    const [open] = await listConflicts(demo.service.ctx.store.db);
    if (!open) throw new Error('no open conflict');
    await page.getByRole('link', { name: /Conflicts/ }).click();
    await page.waitForURL(`${demo.url}/conflicts`);
    expect(await page.locator('nav [data-live="conflicts.open"]').textContent()).toBe('1');
    const card = page.locator(`#conflict-${open.id}`);
    expect(await card.locator('[data-side="cin7"]').textContent()).toBe(seed.cin7Value);
    expect(await card.locator('[data-side="ghl"]').textContent()).toBe(seed.ghlValue);
    await b.screenshot('06-conflicts');
    await card.getByLabel(/Cin7's value/).check();
    await card.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.locator('#flash').textContent(), { timeout: 30_000 }).toContain('resolved');
    await expect.poll(() => page.locator(`#conflict-${open.id}`).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => page.locator('nav [data-live="conflicts.open"]').textContent()).toBe('0');
    expect(demo.sandboxes.ghl.control.contact(seed.ghlContactId)?.city).toBe(seed.cin7Value);
    expect((await getConflict(demo.service.ctx.store.db, open.id))?.status).toBe('resolved');
    expect(await page.locator('#conflicts-resolved').textContent()).toContain('took cin7');
  });

  it('retry a failed record after fixing it: pause the schedules, fix the email in Cin7, retry from the page', async () => {
    const db = demo.service.ctx.store.db;
    // Paused, no polling pass can fix the record behind our back.
    await page.getByRole('link', { name: 'Runs' }).click();
    await page.waitForURL(`${demo.url}/runs`);
    await page.getByRole('button', { name: 'Pause schedules' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Resume schedules' }).count(), { timeout: 15_000 })
      .toBe(1);
    expect((await readSchedulePause(db)).sync).toBe(true);

    const failures = await listFailures(db, { status: 'open', limit: 100 });
    const target = failures.find((f) => f.code === 'invalid_email');
    if (!target) throw new Error(`no invalid_email failure among ${failures.map((f) => f.code).join(', ')}`);
    await page.getByRole('link', { name: /Failures/ }).click();
    await page.waitForURL(`${demo.url}/failures`);
    const card = page.locator(`#failure-${target.id}`);
    expect(await card.locator('.plain-error').textContent()).toMatch(/invalid email/);
    await b.screenshot('07-failures');
    const fixed = `fixed.${target.id}@example.com`;
    demo.sandboxes.cin7.control.editContact(target.cin7CustomerId, target.cin7ContactId, { Email: fixed });
    await card.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.locator('#flash').textContent(), { timeout: 30_000 }).toContain('Retried');
    await expect.poll(() => page.locator(`#failure-${target.id}`).count(), { timeout: 15_000 }).toBe(0);
    expect(await page.locator('#failures-resolved').textContent()).toContain(target.cin7CustomerId);
    expect(demo.sandboxes.ghl.control.findContacts({ email: fixed }).length).toBe(1);
    const after = await listFailures(db, {
      status: 'resolved',
      customerId: target.cin7CustomerId,
      limit: 10,
    });
    expect(after.map((f) => f.id)).toContain(target.id);
  });

  it('the other pages render (rate budget, mapping preview, API tokens shown once)', async () => {
    await page.getByRole('link', { name: 'Rate budget' }).click();
    await page.waitForURL(`${demo.url}/budget`);
    expect(await page.locator('main').textContent()).toContain(demo.sandboxes.ghl.locationId);
    await b.screenshot('08-budget');
    const customer = (
      await demo.service.ctx.store.db
        .selectFrom('links')
        .select('cin7_customer_id')
        .where('state', '=', 'linked')
        .executeTakeFirstOrThrow()
    ).cin7_customer_id;
    await page.getByRole('link', { name: 'Mapping & rules' }).click();
    await page.waitForURL(`${demo.url}/mapping`);
    await page.getByLabel('Preview a Cin7 customer (id)').fill(customer);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('#preview').waitFor();
    expect(await page.locator('#preview').textContent()).toContain('nothing was written');
    await b.screenshot('09-mapping');
    await page.getByRole('link', { name: 'API & events' }).click();
    await page.getByLabel('Name (who uses it)').fill('zapier');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.locator('#once-value').textContent();
    expect(token).toMatch(/^c7g_/);
    await b.screenshot('10-api');
    await page.goto(`${demo.url}/api-access`);
    expect(await page.content()).not.toContain(token as string);
  });
});
