// Drives one headless Chromium through every embed check that needs a real browser, and prints
// the measurements as JSON for tests/embed/test_browser.py to assert on. One launch for all of
// it keeps the suite fast. Usage: node tests/embed/browser.mjs '<config json>'
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const config = JSON.parse(process.argv[2]);
const AXE = readFileSync(config.axe, 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync'];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });

function summarize(violations) {
  return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}

async function audit(context, page, url, withOpen) {
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const response = await page.goto(url, { waitUntil: 'load' });
  const run = (only) => page.evaluate((only) => window.axe.run(document, { runOnly: only, resultTypes: ['violations'] }), only);
  const closed = await run({ type: 'tag', values: [...WCAG, 'best-practice'] });
  const wcag = closed.violations.filter((v) => v.tags.some((t) => WCAG.includes(t)));
  const bestPractice = closed.violations.filter((v) => !v.tags.some((t) => WCAG.includes(t)));
  const layout = () => page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    h1: document.querySelectorAll('h1').length,
    terms: document.querySelectorAll('details.term').length,
  }));
  const shut = await layout();
  // The same page with every glossary definition open: its colours and its reflow must hold too.
  await page.evaluate(() => document.querySelectorAll('details.term').forEach((d) => { d.open = true; }));
  const open = await layout();
  // Sections are parts of the whole page, so their open state is checked there, once.
  const opened = withOpen ? await run({ type: 'tag', values: WCAG }) : { violations: [] };
  return {
    status: response.status(),
    violations: summarize(wcag),
    violationsOpen: summarize(opened.violations),
    bestPractice: summarize(bestPractice),
    scrollWidth: shut.scrollWidth,
    scrollWidthOpen: open.scrollWidth,
    h1: shut.h1,
    terms: shut.terms,
    requests,
    problems,
  };
}

async function pool(items, size, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  }));
  return results;
}

async function pages() {
  const jobs = [];
  for (const width of config.widths) {
    for (const scheme of ['light', 'dark']) {
      for (const p of config.pages) {
        if (scheme === 'dark' && !p.dark) continue;
        jobs.push({ ...p, width, scheme });
      }
    }
  }
  const contexts = new Map();
  for (const width of config.widths) {
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: scheme, reducedMotion: 'reduce' });
      await context.addInitScript(AXE);  // into every document before it loads; no CSP applies to it
      contexts.set(`${width}/${scheme}`, context);
    }
  }
  const results = await pool(jobs, 2, async (job) => {
    const context = contexts.get(`${job.width}/${job.scheme}`);
    const page = await context.newPage();
    const began = Date.now();
    try {
      const measured = await audit(context, page, job.url, job.dark);
      return { key: `${job.id}@${job.width}/${job.scheme}`, ms: Date.now() - began, ...measured };
    } catch (error) {
      return { key: `${job.id}@${job.width}/${job.scheme}`, error: String(error) };
    } finally {
      await page.close();
    }
  });
  for (const context of contexts.values()) await context.close();
  return Object.fromEntries(results.map((r) => [r.key, r]));
}

async function measureFrames(page) {
  const handles = await page.$$('iframe');
  const frames = [];
  for (const handle of handles) {
    const frame = await handle.contentFrame();
    const outer = await handle.evaluate((el) => ({
      clientHeight: el.clientHeight, title: el.title, lang: el.lang, src: el.src,
    }));
    const inner = frame ? await frame.evaluate(() => ({
      scrollHeight: document.documentElement.scrollHeight,
      contentHeight: Math.ceil(document.documentElement.getBoundingClientRect().height),
      lang: document.documentElement.lang,
      title: document.title,
    })) : null;
    frames.push({ ...outer, inner });
  }
  return frames;
}

async function settled(page, timeout = 8000) {
  const deadline = Date.now() + timeout;
  let frames = [];
  while (Date.now() < deadline) {
    frames = await measureFrames(page);
    const fit = frames.length > 0 && frames.every((f) => f.inner && Math.abs(f.clientHeight - f.inner.contentHeight) <= 2
      && f.inner.title && f.title === f.inner.title);
    if (fit) return { frames, settled: true };
    await page.waitForTimeout(100);
  }
  return { frames, settled: false };
}

async function partner() {
  const out = {};
  for (const width of [320, 1024]) {
    const context = await browser.newContext({ viewport: { width, height: 800 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(config.partner, { waitUntil: 'load' });
    await page.waitForSelector('iframe');
    const before = await settled(page);
    // Opening a definition makes the page taller; the frame must follow.
    const first = await (await page.$('iframe')).contentFrame();
    await first.click('details.term > summary');
    await page.waitForTimeout(50);
    const afterToggle = await settled(page);
    // A contents link inside the frame scrolls the partner's page to that heading.
    const targetTop = await first.evaluate(() => {
      const el = document.getElementById('section-clinical-trials');
      return el.getBoundingClientRect().top + window.scrollY;
    });
    const frameTop = await page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().top + window.scrollY);
    await first.click('a[href="#section-clinical-trials"]');
    await page.waitForFunction((y) => Math.abs(window.scrollY - y) <= 2, Math.round(frameTop + targetTop), { timeout: 3000 })
      .catch(() => {});
    const scrollY = await page.evaluate(() => window.scrollY);
    out[width] = { before, afterToggle, scroll: { expected: Math.round(frameTop + targetTop), actual: scrollY }, problems };
    await context.close();
  }
  return out;
}

async function withoutScripts() {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(config.partner, { waitUntil: 'load' });
  const fallback = await page.evaluate(() => ({
    iframes: document.querySelectorAll('iframe').length,
    links: [...document.querySelectorAll('[data-clara-embed] a')].map((a) => ({
      href: a.href, text: a.textContent.trim(), visible: a.checkVisibility() && a.getBoundingClientRect().height > 0,
    })),
  }));
  // The embed page itself with scripts off: a glossary word opens and closes from the keyboard.
  await page.goto(config.keyboard, { waitUntil: 'load' });
  let tabs = 0;
  while (tabs < 30 && !(await page.evaluate(() => document.activeElement && document.activeElement.tagName === 'SUMMARY'))) {
    await page.keyboard.press('Tab');
    tabs += 1;
  }
  const state = () => page.evaluate(() => {
    const d = document.activeElement.closest('details');
    return { focused: document.activeElement.tagName, open: d ? d.open : null,
      definitionVisible: d ? d.querySelector('.definition').checkVisibility() : null };
  });
  const focused = await state();
  await page.keyboard.press('Enter');
  const opened = await state();
  await page.keyboard.press('Space');
  const closed = await state();
  await context.close();
  return { ...fallback, keyboard: { tabs, focused, opened, closed } };
}

const started = Date.now();
const result = { pages: await pages(), partner: await partner(), noScript: await withoutScripts() };
result.seconds = (Date.now() - started) / 1000;
await browser.close();
process.stdout.write(JSON.stringify(result));
