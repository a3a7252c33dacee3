// Opens the preview server's embed pages in headless Chromium: the banner's text and whether it is
// on screen, the answer's headers, axe's violations, and a screenshot at 200% text. Prints JSON.
// Usage: node tests/api/preview_browser.mjs '<config json>'
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const config = JSON.parse(process.argv[2]);
const AXE = readFileSync(config.axe, 'utf8');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const found = {};
for (const lang of config.langs) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.addInitScript(AXE);  // before the page loads: no CSP applies to it
  const page = await context.newPage();
  const response = await page.goto(`${config.server}/embed/${config.slug}?lang=${lang}`, { waitUntil: 'load' });
  const axe = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] }));
  const banner = await page.evaluate(() => {
    const el = document.querySelector('.preview-banner');
    if (!el) return null;
    const box = el.getBoundingClientRect();
    return { text: el.innerText, langs: [...el.querySelectorAll('[lang]')].map((s) => s.lang), top: box.top,
             height: box.height, visible: box.height > 0 && getComputedStyle(el).visibility !== 'hidden' };
  });
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  await page.screenshot({ path: `${config.shots}/preview-${lang}-200.png` });
  found[lang] = { status: response.status(), headers: response.headers(), banner,
                  violations: axe.violations.map((v) => v.id) };
  await context.close();
}
await browser.close();
console.log(JSON.stringify(found));
