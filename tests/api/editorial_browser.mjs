// Opens the clinician review page (from disk) and an embed page showing an outdated translation in
// headless Chromium: axe's violations, what the "needs review" filter leaves, the outdated note,
// and screenshots at 100% and 200% text. Prints JSON. Usage: node tests/api/editorial_browser.mjs '<config>'
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const config = JSON.parse(process.argv[2]);
const AXE = readFileSync(config.axe, 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const axe = (page) => page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags },
  resultTypes: ['violations'] }), WCAG).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.length })));
const visible = (page, selector) => page.evaluate((s) => [...document.querySelectorAll(s)]
  .filter((el) => el.getBoundingClientRect().height > 0).length, selector);
const found = { review: {}, embed: {} };

for (const [lang, file] of Object.entries(config.reviewPages)) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  await context.addInitScript(AXE);
  const page = await context.newPage();
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  const shown = { articles: await visible(page, 'article'), texts: await visible(page, '.text') };
  await page.screenshot({ path: `${config.shots}/review-${lang}-100.png` });
  const violations = await axe(page);
  await page.check('#only-needs');
  const filtered = { articles: await visible(page, 'article'), texts: await visible(page, '.text'),
                     states: await page.evaluate(() => [...new Set([...document.querySelectorAll('.text')]
                       .filter((el) => el.getBoundingClientRect().height > 0).map((el) => el.dataset.state))]) };
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  await page.setViewportSize({ width: 390, height: 844 });
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: `${config.shots}/review-${lang}-200.png` });
  found.review[lang] = { shown, filtered, violations, violationsFiltered: await axe(page), scrollWidth,
                         lang: await page.evaluate(() => document.documentElement.lang) };
  await context.close();
}

for (const lang of config.embedLangs) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.addInitScript(AXE);
  const page = await context.newPage();
  await page.goto(`${config.server}/embed/${config.slug}?lang=${lang}&section=${config.section}`, { waitUntil: 'load' });
  const notes = await page.evaluate(() => [...document.querySelectorAll('.translation-note')].map((el) => ({
    text: el.innerText, visible: el.getBoundingClientRect().height > 0,
    card: el.closest('article.card')?.id || el.closest('article.card')?.getAttribute('aria-labelledby') || null })));
  const violations = await axe(page);
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  const note = await page.$('.translation-note');
  if (note) await note.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${config.shots}/embed-outdated-${lang}-200.png` });
  found.embed[lang] = { notes, violations };
  await context.close();
}
await browser.close();
console.log(JSON.stringify(found));
