// Screenshots of the embed pages for people to look at: both languages, 320 and 1280 px, light and
// dark, 200% zoom, a definition opened, and print. Usage: node tests/embed/screenshots.mjs SERVER OUTDIR
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [server, outdir] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const SLUG = 'liver-metastases-treatment';
const url = (lang, section) => `${server}/embed/${SLUG}?lang=${lang}` + (section ? `&section=${section}` : '');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox',
  '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update',
  '--disable-sync', '--hide-scrollbars'] });
const written = [];

async function shoot(name, target, { width, height = 900, scheme = 'light', scale = 1, fullPage = false, prepare } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale, colorScheme: scheme,
    reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.goto(target, { waitUntil: 'load' });
  if (prepare) await prepare(page);
  const path = join(outdir, `${name}.png`);
  await page.screenshot({ path, fullPage });
  written.push(path);
  await context.close();
}

const openFirstTerm = async (page) => { await page.click('details.term > summary'); };
const toFooter = async (page) => { await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight)); };
const toCards = async (page) => { await page.evaluate(() => document.querySelector('.cards').scrollIntoView()); };

for (const lang of ['en', 'es']) {
  for (const width of [320, 1280]) {
    for (const scheme of ['light', 'dark']) {
      await shoot(`${lang}-${width}-${scheme}-top`, url(lang), { width, scheme });
      await shoot(`${lang}-${width}-${scheme}-cards`, url(lang, 'radiation-therapy'), { width, scheme, prepare: toCards });
    }
    await shoot(`${lang}-${width}-full`, url(lang), { width, fullPage: true });
    await shoot(`${lang}-${width}-footer`, url(lang), { width, prepare: toFooter });
    await shoot(`${lang}-${width}-section-surgery`, url(lang, 'surgery'), { width, fullPage: true });
  }
  await shoot(`${lang}-320-definition-open`, url(lang, 'overview'), { width: 320, prepare: openFirstTerm });
  await shoot(`${lang}-320-dark-definition-open`, url(lang, 'overview'), { width: 320, scheme: 'dark', prepare: openFirstTerm });
  await shoot(`${lang}-zoom200`, url(lang), { width: 640, height: 450, scale: 2 });
  await shoot(`${lang}-print`, url(lang, 'surgery'), { width: 800, fullPage: true, prepare: async (page) => {
    await page.emulateMedia({ media: 'print' });
  } });
  await shoot(`${lang}-not-found`, `${server}/embed/no-such-page?lang=${lang}`, { width: 320 });
}
await browser.close();
process.stdout.write(written.join('\n') + '\n');
