// Browser test of the Q&A board demo: two people in two browser contexts, one room, through Holdfast.
//
// Starts the built origin (examples/qa-board/target/qa-board.jar) and Holdfast
// (holdfast-server/target/holdfast.jar) on free loopback ports, with the route
// "* 127.0.0.1:<origin>,over_http" and a shared sig_key, then drives Debian's Chromium
// (/usr/bin/chromium, started here with a fresh profile and driven over CDP by playwright-core; no
// browser is downloaded). Screenshots go to examples/qa-board/target/screenshots/, the processes'
// output to examples/qa-board/target/e2e-logs/.
//
// Every wait is bounded, every process started here is stopped by its pid, and a watchdog ends the
// run if it ever takes longer than two minutes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const moduleDir = path.resolve(here, '..');
const root = path.resolve(moduleDir, '../..');
const HOLDFAST_JAR = process.env.HOLDFAST_JAR || path.join(root, 'holdfast-server/target/holdfast.jar');
const ORIGIN_JAR = process.env.QA_BOARD_JAR || path.join(moduleDir, 'target/qa-board.jar');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(moduleDir, 'target/screenshots');
const LOGS = path.join(moduleDir, 'target/e2e-logs');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-board-e2e-'));
const WAIT_MS = 10_000;
const WATCHDOG_MS = 115_000;

const processes = new Map(); // pid -> {name, child}

// ------------------------------------------------------------------ processes

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function start(name, command, args) {
  const log = fs.openSync(path.join(LOGS, `${name}.log`), 'a');
  const child = spawn(command, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  processes.set(child.pid, { name, child });
  child.once('exit', () => processes.delete(child.pid));
  return child;
}

/** Stops one process by pid: SIGTERM, then SIGKILL if it has not exited within graceMs. */
async function stop(child, graceMs = 8_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
  await exited;
  clearTimeout(timer);
}

function killAllNow() {
  for (const pid of processes.keys()) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

// Stopped from outside (Ctrl-C, the CI's timeout): take everything started here down with us.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAllNow();
    fs.rmSync(WORK, { recursive: true, force: true });
    process.exit(1);
  });
}

function logOf(name) {
  try { return fs.readFileSync(path.join(LOGS, `${name}.log`), 'utf8').slice(-4000); } catch { return ''; }
}

async function until(what, check, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

async function httpOk(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.ok;
}

/** Starts Chromium with a fresh profile and a DevTools port; resolves with the browser's CDP URL. */
function startChromium() {
  const profile = fs.mkdtempSync(path.join(WORK, 'chromium-profile-'));
  const child = spawn(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0',
    'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  processes.set(child.pid, { name: 'chromium', child });
  child.once('exit', () => processes.delete(child.pid));
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${stderr.slice(-2000)}`)), 20_000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        child.stderr.removeAllListeners('data');
        child.stderr.resume();
        resolve({ child, wsEndpoint: m[1] });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Chromium exited (${code}):\n${stderr.slice(-2000)}`)); });
  });
}

// ------------------------------------------------------------------ the system under test

const sigKey = `qa-board-e2e-${process.pid}-${Date.now()}`;
let originPort, httpPort, publishPort, origin, holdfast, chrome, browser;
let ada, bob; // pages
const pageErrors = [];

function startOrigin() {
  return start('origin', 'java', ['-jar', ORIGIN_JAR, '--port', String(originPort),
    '--grip-url', `http://127.0.0.1:${publishPort}`, '--sig-key', sigKey]);
}

function startHoldfast() {
  return start('holdfast', 'java', ['-jar', HOLDFAST_JAR, '--config', path.join(WORK, 'pushpin.conf'),
    '--port', `127.0.0.1:${httpPort}`, '--publish-port', `127.0.0.1:${publishPort}`,
    '--route', `* 127.0.0.1:${originPort},over_http`]);
}

async function holdfastUp() {
  await until('Holdfast to serve the page', () => httpOk(`http://127.0.0.1:${httpPort}/`), 20_000)
    .catch((e) => { throw new Error(`${e.message}\n--- holdfast log ---\n${logOf('holdfast')}`); });
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

const openTexts = (page) => page.$$eval('#open-list .question-text', (els) => els.map((e) => e.textContent));
const status = (page) => page.getAttribute('#status', 'data-status');

async function openFor(page, name, room, host = false) {
  await page.goto(`http://127.0.0.1:${httpPort}/?room=${encodeURIComponent(room)}`);
  await page.fill('#join-name', name);
  if (host) await page.check('#join-host');
  await page.click('#join-form button[type="submit"]');
  await page.waitForSelector('#status[data-status="live"]');
}

async function ask(page, text) {
  await page.fill('#ask-text', text);
  await page.click('#ask-form button[type="submit"]');
}

const question = (page, text) => page.locator('li.question', { has: page.locator('.question-text', { hasText: text }) });

// ------------------------------------------------------------------ the tests

describe('Q&A board through Holdfast in Chromium', { timeout: WATCHDOG_MS }, () => {
  const watchdog = setTimeout(() => {
    console.error(`watchdog: the browser test took over ${WATCHDOG_MS} ms; stopping everything`);
    killAllNow();
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  before(async () => {
    for (const p of [HOLDFAST_JAR, ORIGIN_JAR, CHROMIUM]) {
      assert.ok(fs.existsSync(p), `missing ${p} (build with "mvn -B verify"; install Debian's chromium)`);
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.rmSync(LOGS, { recursive: true, force: true });
    fs.mkdirSync(LOGS, { recursive: true });
    [originPort, httpPort, publishPort] = [await freePort(), await freePort(), await freePort()];
    fs.writeFileSync(path.join(WORK, 'pushpin.conf'), `[proxy]\nsig_key=${sigKey}\n`);

    origin = startOrigin();
    await until('the origin to listen', () => httpOk(`http://127.0.0.1:${originPort}/`), 20_000)
      .catch((e) => { throw new Error(`${e.message}\n--- origin log ---\n${logOf('origin')}`); });
    holdfast = startHoldfast();
    await holdfastUp();

    const started = await startChromium();
    chrome = started.child;
    browser = await chromium.connectOverCDP(started.wsEndpoint, { timeout: WAIT_MS });
    const laptop = await browser.newContext({ viewport: { width: 1180, height: 860 } });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    for (const ctx of [laptop, phone]) ctx.setDefaultTimeout(WAIT_MS);
    ada = await laptop.newPage();
    bob = await phone.newPage();
    for (const [who, page] of [['ada', ada], ['bob', bob]]) {
      page.on('pageerror', (e) => pageErrors.push(`${who}: ${e.message}`));
    }
  });

  after(async () => {
    clearTimeout(watchdog);
    try { if (browser) await browser.close(); } catch { /* chromium is stopped below anyway */ }
    await stop(chrome);
    await stop(holdfast);
    await stop(origin);
    killAllNow();
    fs.rmSync(WORK, { recursive: true, force: true });
  });

  test('opened without Holdfast, the page says how to open it', async () => {
    const page = await ada.context().newPage();
    await page.goto(`http://127.0.0.1:${originPort}/`);
    await page.waitForSelector('#direct-notice:not([hidden])');
    await shot(page, '00-opened-without-holdfast');
    await page.close();
  });

  test('two people join one room: the creator hosts, the guest does not', async () => {
    await ada.goto(`http://127.0.0.1:${httpPort}/`);
    await shot(ada, '01-join-laptop');
    await ada.fill('#join-name', 'Ada');
    await ada.fill('#join-room', 'Launch Q&A');
    await ada.click('#join-form button[type="submit"]');
    await ada.waitForSelector('#status[data-status="live"]');
    assert.equal(await ada.textContent('#room-title'), 'Launch Q&A');
    assert.match(ada.url(), /\?room=launch-q-a$/);
    assert.equal(await ada.isVisible('#host-panel'), true, 'the creator sees the host controls');

    await openFor(bob, 'Bob', 'launch-q-a');
    assert.equal(await bob.isVisible('#host-panel'), false, 'a guest sees no host controls');
    await ada.waitForFunction(() => document.querySelector('#online').textContent === '2 online');
  });

  test('a question posted in one browser appears in the other', async () => {
    await ask(bob, 'Will the recording be online?');
    await question(ada, 'Will the recording be online?').waitFor();
    assert.equal(await question(ada, 'Will the recording be online?').getAttribute('data-votes'), '1');
    await ask(ada, 'What comes next on the roadmap?');
    await question(bob, 'What comes next on the roadmap?').waitFor();
    assert.deepEqual(await openTexts(bob), ['Will the recording be online?', 'What comes next on the roadmap?']);
    assert.equal(await question(bob, 'Will the recording be online?').locator('.vote').isDisabled(), true,
      'your own question already has your vote');
  });

  test('an upvote re-orders the list for everyone', async () => {
    await question(bob, 'What comes next on the roadmap?').locator('.vote').click();
    const reordered = ['What comes next on the roadmap?', 'Will the recording be online?'];
    await until('the upvoted question to move up for Ada', async () =>
      JSON.stringify(await openTexts(ada)) === JSON.stringify(reordered));
    await until('the upvoted question to move up for Bob', async () =>
      JSON.stringify(await openTexts(bob)) === JSON.stringify(reordered));
    assert.equal(await question(ada, 'roadmap').getAttribute('data-votes'), '2');
    assert.equal(await question(bob, 'roadmap').locator('.vote').getAttribute('aria-pressed'), 'true');
    await shot(bob, '02-upvoted-phone');
  });

  test('a host answers and deletes questions', async () => {
    const recording = question(ada, 'Will the recording be online?');
    await recording.locator('.answer-button').click();
    await recording.locator('.answer-form textarea').fill('Yes, by Friday.');
    await recording.locator('.answer-form button[type="submit"]').click();
    const answered = bob.locator('#answered-list li.question', { hasText: 'Will the recording be online?' });
    await answered.locator('.answer-text', { hasText: 'Yes, by Friday.' }).waitFor();
    assert.deepEqual(await openTexts(bob), ['What comes next on the roadmap?']);
    assert.equal(await bob.isVisible('#answered-list .host-actions'), false, 'a guest cannot moderate');

    await ask(bob, 'Is this thing on?');
    const offTopic = question(ada, 'Is this thing on?');
    await offTopic.waitFor();
    await offTopic.locator('.delete-button').click();
    await offTopic.locator('.delete-button', { hasText: 'Really delete?' }).click();
    await question(bob, 'Is this thing on?').waitFor({ state: 'detached' });
    await question(ada, 'Is this thing on?').waitFor({ state: 'detached' });
  });

  test('a rename and a theme change show in the other browser', async () => {
    await ada.click('#host-panel summary');
    await ada.fill('#room-name-input', 'Launch day AMA');
    await ada.click('#rename-form button[type="submit"]');
    await bob.waitForFunction(() => document.querySelector('#room-title').textContent === 'Launch day AMA');
    await ada.click('#theme-options label:has-text("Teal")');
    await bob.waitForFunction(() => document.body.dataset.theme === 'teal');
    assert.equal(await ada.getAttribute('body', 'data-theme'), 'teal');
    await shot(ada, '03-host-laptop');
    await shot(bob, '04-guest-phone');
  });

  test('a new display name shows on the questions of its owner', async () => {
    await bob.click('#edit-name');
    await bob.fill('#name-input', 'Robert');
    await bob.click('#name-form button[type="submit"]');
    await question(ada, 'Will the recording be online?').locator('.question-author', { hasText: 'Robert' }).waitFor();
    assert.equal(await bob.textContent('#me-name'), 'Robert');
  });

  test('when the WebSocket drops, the page reconnects by itself and shows what it missed', async () => {
    await bob.evaluate(() => window.qaBoard.drop(1500));
    await bob.waitForSelector('#status[data-status="reconnecting"]');
    await ask(ada, 'Asked while Robert was away');
    await question(ada, 'Asked while Robert was away').waitFor();
    await bob.waitForSelector('#status[data-status="live"]');
    await question(bob, 'Asked while Robert was away').waitFor();
    assert.equal(await bob.textContent('#room-title'), 'Launch day AMA');
  });

  test('both pages come back after Holdfast restarts', async () => {
    await stop(holdfast);
    await until('both pages to notice', async () =>
      (await status(ada)) === 'reconnecting' && (await status(bob)) === 'reconnecting');
    await shot(bob, '05-reconnecting-phone');
    holdfast = startHoldfast();
    await holdfastUp();
    await ada.waitForSelector('#status[data-status="live"]', { timeout: 20_000 });
    await bob.waitForSelector('#status[data-status="live"]', { timeout: 20_000 });
    assert.deepEqual(await openTexts(bob), await openTexts(ada));

    // The new sockets are subscribed again: live updates flow.
    await ask(ada, 'Did everyone get back?');
    await question(bob, 'Did everyone get back?').waitFor();
    await bob.waitForFunction(() => document.querySelector('#online').textContent === '2 online');
    await shot(ada, '06-after-restart-laptop');
    await shot(bob, '07-after-restart-phone');
  });

  test('after an origin restart the sockets stay up and the room starts afresh', async () => {
    // Room state lives in the origin's memory; the sockets and their subscriptions live in Holdfast.
    await stop(origin);
    origin = startOrigin();
    await until('the origin to listen again', () => httpOk(`http://127.0.0.1:${originPort}/`), 20_000);
    await ask(ada, 'Fresh start?'); // the origin asks the page to rejoin, then the page asks again
    await question(bob, 'Fresh start?').waitFor();
    assert.deepEqual(await openTexts(bob), ['Fresh start?']);
    assert.deepEqual(await openTexts(ada), ['Fresh start?']);
    assert.equal(await status(bob), 'live');
    // Bob's page joined the new room by itself: it knows the question is not his, and he can vote.
    await bob.waitForFunction(() => document.querySelector('#online').textContent === '2 online');
    await question(bob, 'Fresh start?').locator('.vote').click();
    await question(ada, 'Fresh start?').locator('.vote-count', { hasText: '2' }).waitFor();
  });

  test('no page script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
