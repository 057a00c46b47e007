// Browser test of the live dashboard: Holdfast's built jar with its built-in /test/ target, a small
// load (SSE clients on /test/sse and a publisher posting to the publish API), and the dashboard at
// http://127.0.0.1:<publish>/dashboard in Debian's Chromium (/usr/bin/chromium, a fresh profile,
// driven over CDP by playwright-core; no browser is downloaded). It asserts the numbers move while
// the load runs, and leaves screenshots in holdfast-server/target/screenshots/.
//
// Every wait is bounded, every process started here is stopped by its pid, and a watchdog ends the
// run if it takes longer than 100 seconds.
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
const HOLDFAST_JAR = process.env.HOLDFAST_JAR || path.join(moduleDir, 'target/holdfast.jar');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(moduleDir, 'target/screenshots');
const LOGS = path.join(moduleDir, 'target/e2e-logs');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-e2e-'));
const WATCHDOG_MS = 100_000;
const STREAMS = 20;

const processes = new Map(); // pid -> child

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

function track(child) {
  processes.set(child.pid, child);
  child.once('exit', () => processes.delete(child.pid));
  return child;
}

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

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => { killAllNow(); process.exit(1); });
}

async function until(what, check, timeoutMs = 15_000) {
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

function startChromium() {
  const profile = fs.mkdtempSync(path.join(WORK, 'chromium-profile-'));
  const child = track(spawn(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0',
    'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] }));
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
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Chromium exited (${code})`)); });
  });
}

let httpPort, publishPort, holdfast, chrome, browser, page;
const streamAborts = [];
let publishing = true;
let published = 0;

async function openStreams() {
  for (let i = 0; i < STREAMS; i++) {
    const abort = new AbortController();
    streamAborts.push(abort);
    const res = await fetch(`http://127.0.0.1:${httpPort}/test/sse?channel=load`, { signal: abort.signal });
    const reader = res.body.getReader();
    (async () => { try { while (!(await reader.read()).done) { /* drain */ } } catch { /* aborted */ } })();
  }
}

async function publishLoop() {
  while (publishing) {
    const body = JSON.stringify({ items: [{ channel: 'load', formats: { 'http-stream': { content: `data: ${published}\n\n` } } }] });
    try {
      const res = await fetch(`http://127.0.0.1:${publishPort}/publish/`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body, signal: AbortSignal.timeout(2_000),
      });
      await res.text();
      published++;
    } catch { /* counted as not published */ }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const numberOf = async (selector) => Number((await page.textContent(selector)).replace(/[^0-9.]/g, '') || 0);

describe('live dashboard in Chromium', { timeout: WATCHDOG_MS }, () => {
  const watchdog = setTimeout(() => {
    console.error(`watchdog: over ${WATCHDOG_MS} ms; stopping everything`);
    killAllNow();
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  before(async () => {
    for (const p of [HOLDFAST_JAR, CHROMIUM]) {
      assert.ok(fs.existsSync(p), `missing ${p} (build with "mvn -B verify"; install Debian's chromium)`);
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.mkdirSync(LOGS, { recursive: true });
    [httpPort, publishPort] = [await freePort(), await freePort()];
    const log = fs.openSync(path.join(LOGS, 'holdfast-dashboard.log'), 'w');
    holdfast = track(spawn('java', ['-jar', HOLDFAST_JAR, '--port', `127.0.0.1:${httpPort}`,
      '--publish-port', `127.0.0.1:${publishPort}`],
    // ZeroMQ's default ports are fixed and may be taken; turned off through the environment.
    { stdio: ['ignore', log, log], env: { ...process.env, HOLDFAST_HOLDFAST_ZMQ: 'false' } }));
    fs.closeSync(log);
    await until('Holdfast to be ready', async () => (await fetch(`http://127.0.0.1:${publishPort}/ready`)).ok, 30_000);
    chrome = await startChromium();
    browser = await chromium.connectOverCDP(chrome.wsEndpoint);
    page = await browser.contexts()[0].newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  after(async () => {
    publishing = false;
    streamAborts.forEach((a) => a.abort());
    try { await browser?.close(); } catch { /* already gone */ }
    await stop(chrome?.child);
    await stop(holdfast);
    fs.rmSync(WORK, { recursive: true, force: true });
  });

  test('the numbers and charts move while a load runs', async () => {
    await page.goto(`http://127.0.0.1:${publishPort}/dashboard`);
    await page.waitForFunction(() => Number(document.body.dataset.samples || 0) >= 1, null, { timeout: 15_000 });
    assert.equal(await page.textContent('#cluster'), 'single node');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-idle.png'), fullPage: true });

    await openStreams();
    const load = publishLoop();
    await page.waitForFunction(() => Number(document.querySelector('b[data-transport="sse"]')?.textContent) >= 20,
      null, { timeout: 15_000 });
    await page.waitForFunction(() => Number(document.getElementById('delRate').textContent) > 20, null, { timeout: 15_000 });
    const pub1 = await numberOf('#pubRate');
    const samples1 = Number(await page.getAttribute('body', 'data-samples'));
    assert.ok(pub1 > 0, `publishes/s shown: ${pub1}`);
    assert.notEqual(await page.textContent('#p50'), '–', 'a latency percentile is shown');
    // Top channels come from the loops a sample later than the counters.
    await page.waitForFunction((n) => {
      const tds = [...document.querySelectorAll('#channels td')].map((t) => t.textContent);
      return tds[0] === 'load' && tds[1] === String(n);
    }, STREAMS, { timeout: 10_000 });
    // It keeps moving: more samples arrive and the chart's canvas changes.
    const canvas1 = await page.$eval('#rateChart', (c) => c.toDataURL());
    await page.waitForFunction((n) => Number(document.body.dataset.samples) >= n + 2, samples1, { timeout: 10_000 });
    const canvas2 = await page.$eval('#rateChart', (c) => c.toDataURL());
    assert.notEqual(canvas1, canvas2, 'the throughput chart redraws as samples arrive');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-load.png'), fullPage: true });

    publishing = false;
    await load;
    await page.waitForFunction(() => Number(document.getElementById('pubRate').textContent) === 0, null, { timeout: 10_000 });
    assert.ok(published > 20, `published ${published} items`);
  });
});
