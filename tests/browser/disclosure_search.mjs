// Drives Debian's chromium (headless, through playwright-core) like a visitor of the government
// website: opens the public list page, types a Chinese query into the search form, submits it
// (a plain GET form: no script on the page), opens the first result and reports what it shows.
//
//   NODE_PATH=build/npm/node_modules node tests/browser/disclosure_search.mjs \
//       http://127.0.0.1:8080 加装电梯 /usr/bin/chromium
//
// Prints one JSON object {listUrl, results, detail: {url, title, text}} and exits 0, or prints
// the error and exits 1 (2 for bad usage or playwright-core not found). ESM imports ignore
// NODE_PATH, so the package is loaded with a CommonJS require resolved from NODE_PATH.
import { createRequire } from 'module';
import path from 'path';
import process from 'process';

function loadPlaywright() {
  const require = createRequire(import.meta.url);
  const searchPath = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  return require(require.resolve('playwright-core', { paths: searchPath }));
}

const [baseUrl, query, executablePath] = process.argv.slice(2);
if (!baseUrl || !query || !executablePath) {
  console.error('usage: disclosure_search.mjs BASE_URL QUERY CHROMIUM');
  process.exit(2);
}
let chromium;
try {
  ({ chromium } = loadPlaywright());
} catch (e) {
  console.error(`cannot load playwright-core: ${e.message}`);
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  await page.goto(`${baseUrl}/v1/public/pages/disclosures`);
  await page.getByLabel('关键词').fill(query);
  await Promise.all([page.waitForURL(/[?&]q=/), page.getByRole('button', { name: '检索' }).click()]);
  const listUrl = page.url();
  const results = await page.locator('ol.records li a').allTextContents();
  await Promise.all([page.waitForURL(/\/pages\/disclosures\/[^/?]+$/),
                     page.locator('ol.records li a').first().click()]);
  const detail = {
    url: page.url(),
    title: (await page.locator('h1').first().textContent()).trim(),
    text: await page.locator('main').innerText(),
  };
  console.log(JSON.stringify({ listUrl, results, detail }));
} catch (e) {
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}
