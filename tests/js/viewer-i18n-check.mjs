// Checks the viewer page's message catalogue (resources/viewer/viewer.js, RtI18n) and
// that the page shows no English words past it. Fails (exit 1) when:
//
//   catalogue  - a language lacks a key of the English catalogue or has one it does not;
//              - an entry is empty, or is plural where English is not (or the reverse);
//              - a plural entry's forms differ from Intl.PluralRules' categories for its
//                language (en, de: one other; fr: one many other);
//              - a form's {placeholders} differ from English, or a brace is unbalanced;
//              - typography: "..." instead of "…", straight quotes or apostrophes, and in
//                French a ":" ";" "!" "?" without a (narrow) no-break space before it;
//              - a German or French text is the English one unchanged (unless listed in
//                SAME_AS_ENGLISH below: "Live", "Consensus", ...);
//              - a text still has a "{" after it is filled in, for 0, 1, 2, 5 and 1,000,000;
//              - pickLanguage does not follow ?lang=, then the browser's languages, then English;
//   usage      - viewer.js or index.html names a key the catalogue lacks, or a key is never
//                used (a known('prefix', ...) lookup uses every key under its prefix);
//   bypass     - viewer.js has a string literal, outside the catalogue, that reads like words
//                for people (a capitalised word, two or more words that are not CSS classes,
//                "…", a sentence); a line with "i18n-ignore" is skipped;
//              - index.html has an element with text that has no data-i18n (or translate="no"),
//                a data-i18n element whose English text differs from the catalogue or that
//                holds other elements (its text is replaced), or an aria-label / title
//                without data-i18n-aria-label / data-i18n-title, or another attribute for
//                people (alt, placeholder) the page does not translate.
//
// Usage: node viewer-i18n-check.mjs [VIEWER_DIR]   (default: resources/viewer of this tree)
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] || path.join(here, '..', '..', 'resources', 'viewer'));
const jsPath = path.join(dir, 'viewer.js');
const htmlPath = path.join(dir, 'index.html');
const cssPath = path.join(dir, 'viewer.css');
const js = fs.readFileSync(jsPath, 'utf8');
const html = fs.readFileSync(htmlPath, 'utf8');
const css = fs.readFileSync(cssPath, 'utf8');

const failures = [];
const fail = (what) => failures.push(what);

// Texts that are rightly the same as in English.
const SAME_AS_ENGLISH = {
  de: ['phase.running', 'chat.chip'],
  fr: ['consensus.title', 'kind.verdict', 'roundphase.arguments', 'roundphase.discussion', 'role.expert', 'chat.assistant', 'note.info'],
};
// Attributes for people that the page translates (translatePage in viewer.js).
const TRANSLATED_ATTRS = ['aria-label', 'title'];
const OTHER_HUMAN_ATTRS = ['alt', 'placeholder', 'aria-description', 'aria-roledescription', 'aria-placeholder', 'aria-valuetext'];

// ---- load the catalogue the way the browser does, without a document ----------------------
let I18N;
try {
  const context = vm.createContext({ URLSearchParams }); // what a browser has and node's vm does not
  vm.runInContext(js, context, { filename: jsPath });
  I18N = vm.runInContext('RtI18n', context);
} catch (e) {
  console.error(`FAIL: ${jsPath} does not load in node or defines no RtI18n: ${e.message}`);
  process.exit(1);
}
const { MESSAGES, LANGUAGES } = I18N;
const en = MESSAGES.en;
const keys = Object.keys(en);
if (JSON.stringify(Object.keys(MESSAGES).sort()) !== JSON.stringify([...LANGUAGES].sort()))
  fail(`the catalogue's languages ${Object.keys(MESSAGES).join(', ')} differ from LANGUAGES ${LANGUAGES.join(', ')}`);
if (LANGUAGES[0] !== 'en' || !LANGUAGES.includes('de') || !LANGUAGES.includes('fr')) fail(`LANGUAGES is ${LANGUAGES.join(', ')}, expected en, de, fr`);

const isPlural = (v) => v !== null && typeof v === 'object';
const forms = (v) => (isPlural(v) ? Object.entries(v) : [['', v]]);
const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const setOf = (list) => [...new Set(list)].sort().join(',');
const visible = (s) => JSON.stringify(s);

// ---- the catalogue, language by language --------------------------------------------------
for (const lang of LANGUAGES) {
  const table = MESSAGES[lang] || {};
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  for (const key of keys) if (!(key in table)) fail(`${lang}: missing ${key}`);
  for (const key of Object.keys(table)) if (!(key in en)) fail(`${lang}: ${key} is not in the English catalogue`);
  for (const [key, value] of Object.entries(table)) {
    const where = `${lang} ${key}`;
    if (typeof value !== 'string' && !isPlural(value)) { fail(`${where}: neither a text nor plural forms`); continue; }
    if (key in en && isPlural(value) !== isPlural(en[key])) fail(`${where}: ${isPlural(value) ? 'plural' : 'a single text'} where English is ${isPlural(en[key]) ? 'plural' : 'a single text'}`);
    if (isPlural(value) && setOf(Object.keys(value)) !== setOf(categories))
      fail(`${where}: plural forms ${Object.keys(value).join(', ')} but Intl.PluralRules('${lang}') has ${categories.join(', ')}`);
    const want = key in en ? setOf(forms(en[key]).flatMap(([, s]) => placeholders(s))) : null;
    for (const [form, text] of forms(value)) {
      const at = form ? `${where} [${form}]` : where;
      if (typeof text !== 'string' || !text.trim()) { fail(`${at}: empty`); continue; }
      if (want !== null && setOf(placeholders(text)) !== want) fail(`${at}: placeholders {${setOf(placeholders(text))}} but English has {${want}}: ${visible(text)}`);
      if (/[{}]/.test(text.replace(/\{\w+\}/g, ''))) fail(`${at}: a brace that is no {placeholder}: ${visible(text)}`);
      if (text.includes('...')) fail(`${at}: "..." where "…" belongs: ${visible(text)}`);
      if (/["']/.test(text)) fail(`${at}: a straight quote or apostrophe (use ’ “ ” „ « »): ${visible(text)}`);
      if (/\s$/.test(text) && !key.startsWith('punct.')) fail(`${at}: ends in a space: ${visible(text)}`);
      if (lang === 'fr') {
        for (const m of text.matchAll(/[:;!?](?=\s|$|»|\))/g))
          if (!/[\u202f\u00a0]/.test(text[m.index - 1] || '')) fail(`${at}: no (narrow) no-break space before "${m[0]}": ${visible(text)}`);
        if (/[\u202f\u00a0]?\s[:;!?](?=\s|$)/.test(text.replace(/[\u202f\u00a0](?=[:;!?])/g, ''))) fail(`${at}: a plain space before French punctuation: ${visible(text)}`);
      }
    }
    if (lang !== 'en' && key in en && JSON.stringify(value) === JSON.stringify(en[key])) {
      const words = forms(value).some(([, s]) => /\p{L}{2,}/u.test(s.replace(/\{\w+\}/g, '').replace(/Roundtable/g, '')));
      if (words && !(SAME_AS_ENGLISH[lang] || []).includes(key)) fail(`${where}: the English text unchanged: ${visible(value)} (translate it, or list it in SAME_AS_ENGLISH)`);
    }
  }
  for (const key of SAME_AS_ENGLISH[lang] || [])
    if (key in en && JSON.stringify(table[key]) !== JSON.stringify(en[key])) fail(`${lang}: ${key} is listed in SAME_AS_ENGLISH but differs from English`);

  // Every text filled in, for the numbers a plural can take.
  const t = I18N.translator(lang);
  for (const key of keys) {
    const names = [...new Set(forms(en[key]).flatMap(([, s]) => placeholders(s)))];
    for (const count of [0, 1, 2, 5, 1000000]) {
      const params = Object.fromEntries(names.map((n) => [n, n === 'count' ? count : `<${n}>`]));
      const out = t.t(key, params);
      if (!out.trim() || /[{}]/.test(out)) fail(`${lang} ${key}: renders as ${visible(out)} for count ${count}`);
      if (names.includes('count') && !out.includes(new Intl.NumberFormat(lang).format(count))) fail(`${lang} ${key}: the count ${count} is not in ${visible(out)}`);
    }
  }
  const pct = t.pct(0.85);
  if (!/85/.test(pct) || !/%/.test(pct)) fail(`${lang}: pct(0.85) is ${visible(pct)}`);
}
{
  const t = I18N.translator('en');
  for (const x of [0, 0.005, 0.145, 0.285, 0.5, 0.845, 0.995, 1, -1, 2])
    if (t.pct(x) !== `${Math.round(Math.max(0, Math.min(1, x)) * 100)}%`) fail(`en: pct(${x}) is ${t.pct(x)}, not rounded as Math.round (as the browser test and the other pages do)`);
  if (I18N.translator('de').pct(0.85) !== new Intl.NumberFormat('de', { style: 'percent' }).format(0.85)) fail('de: pct is not Intl\'s percent');
  if (I18N.translator('fr').t('footer.viewers', { count: 1000000 }) !== `${new Intl.NumberFormat('fr').format(1000000)} de spectateurs`)
    fail(`fr: footer.viewers for 1,000,000 is ${visible(I18N.translator('fr').t('footer.viewers', { count: 1000000 }))}`);
}

// pickLanguage: ?lang= wins, then navigator.languages in order, then English.
for (const [search, languages, lang, locale] of [
  ['?lang=fr&token=1', ['de-DE', 'en'], 'fr', 'fr'],
  ['?token=1&lang=DE', ['fr'], 'de', 'de'],
  ['?lang=en', ['de'], 'en', 'en'],
  ['?lang=xx', ['es-ES', 'fr-CA', 'de'], 'fr', 'fr-CA'],
  ['?token=1', ['de-DE', 'en'], 'de', 'de-DE'],
  ['?token=1', ['es', 'it'], 'en', 'en'],
  ['', [], 'en', 'en'],
  ['?lang=de_AT', [], 'de', 'de-AT'],
]) {
  const got = I18N.pickLanguage(search, languages);
  if (got.lang !== lang || got.locale !== locale)
    fail(`pickLanguage(${visible(search)}, ${visible(languages)}) is ${got.lang}/${got.locale}, expected ${lang}/${locale}`);
}

// ---- viewer.js: string literals outside the catalogue -------------------------------------
// A small JavaScript tokenizer: strings, template literals (their fixed parts), comments,
// regular expressions. Returns [{ text, line }].
function literals(src) {
  const out = [];
  const templates = []; // open `${` depths
  let i = 0, line = 1, last = '';
  const REGEX_AFTER = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^',
    'return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', '=>']);
  const unescape = (s) => s.replace(/\\u\{([0-9a-f]+)\}|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})|\\(.)/gis,
    (m, a, b, c, d) => (a || b || c ? String.fromCodePoint(parseInt(a || b || c, 16)) : { n: '\n', t: '\t', r: '\r' }[d] ?? d));
  function readTemplate() { // at the character after ` or after the } of ${...}
    let part = '', startLine = line;
    while (i < src.length) {
      const c = src[i];
      if (c === '\\') { part += src.slice(i, i + 2); i += 2; continue; }
      if (c === '`') { i += 1; out.push({ text: unescape(part), line: startLine, template: true }); last = 'str'; return; }
      if (c === '$' && src[i + 1] === '{') { i += 2; out.push({ text: unescape(part), line: startLine, template: true }); templates.push(0); last = '{'; return; }
      if (c === '\n') line += 1;
      part += c;
      i += 1;
    }
  }
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') { line += 1; i += 1; continue; }
    if (/\s/.test(c)) { i += 1; continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i += 1; continue; }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      line += (src.slice(i, end).match(/\n/g) || []).length;
      i = end + 2;
      continue;
    }
    if (c === '\'' || c === '"') {
      let j = i + 1, text = '';
      while (j < src.length && src[j] !== c) { if (src[j] === '\\') text += src[j++]; text += src[j++]; }
      out.push({ text: unescape(text), line });
      i = j + 1;
      last = 'str';
      continue;
    }
    if (c === '`') { i += 1; readTemplate(); continue; }
    if (c === '/' && REGEX_AFTER.has(last)) {
      let j = i + 1, inClass = false;
      while (j < src.length && (inClass || src[j] !== '/')) {
        if (src[j] === '\\') j += 1;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        j += 1;
      }
      i = j + 1;
      while (/[a-z]/i.test(src[i] || '')) i += 1;
      last = 'regex';
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (/[\w$]/.test(src[j] || '')) j += 1;
      last = src.slice(i, j);
      i = j;
      continue;
    }
    if (/\d/.test(c)) { while (/[\w.]/.test(src[i] || '')) i += 1; last = 'num'; continue; }
    if (c === '=' && src[i + 1] === '>') { i += 2; last = '=>'; continue; }
    if (templates.length && c === '{') templates[templates.length - 1] += 1;
    if (templates.length && c === '}') {
      if (templates[templates.length - 1] === 0) { templates.pop(); i += 1; readTemplate(); continue; }
      templates[templates.length - 1] -= 1;
    }
    last = c;
    i += 1;
  }
  return out;
}

const begin = js.indexOf('/* i18n-catalogue-begin */');
const end = js.indexOf('/* i18n-catalogue-end */');
if (begin < 0 || end < begin) fail('viewer.js: no /* i18n-catalogue-begin */ ... /* i18n-catalogue-end */ around MESSAGES');
// The code outside the catalogue, with the catalogue's lines kept (as blank lines) so line numbers hold.
const code = begin < 0 ? js : js.slice(0, begin) + js.slice(begin, end).replace(/[^\n]/g, '') + js.slice(end);
const ignoredLines = new Set(code.split('\n').flatMap((l, n) => (l.includes('i18n-ignore') ? [n + 1] : [])));
// Class names: from the style sheet, the page, and the class argument of el()/box() in viewer.js.
const cssNames = new Set([...css.matchAll(/[.#]([a-zA-Z][\w-]*)/g), ...html.matchAll(/\b(?:class|id)="([^"]+)"/g),
  ...js.matchAll(/\b(?:el|box)\(\s*'[\w-]+'\s*,\s*'([^']+)'/g)].flatMap((m) => m[1].split(/\s+/)));
const codeLiterals = literals(code);

function readsLikeWords(text) {
  if (text === 'use strict' || !/\p{L}{2,}/u.test(text)) return false;
  if (/…|\.\.\./.test(text)) return 'has an ellipsis';
  if (/\p{Lu}\p{Ll}/u.test(text)) return 'has a capitalised word';
  if (/\p{L}[.!?:]\s*$/u.test(text.trim()) && /\s/.test(text.trim())) return 'reads like a sentence';
  const words = text.split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w));
  if (words.length >= 2 && !words.every((w) => cssNames.has(w))) return 'has words that are not CSS classes';
  return false;
}
for (const { text, line } of codeLiterals) {
  if (ignoredLines.has(line)) continue;
  const why = readsLikeWords(text);
  if (why) fail(`viewer.js:${line}: ${visible(text)} ${why}: words for people belong in the catalogue`);
}

// ---- which keys are used --------------------------------------------------------------------
const used = new Set();
const keyLike = /^[a-z][a-z_]*\.[a-z][a-z_-]*$/;
for (const { text, line } of codeLiterals) {
  if (keys.includes(text)) used.add(text);
  else if (keyLike.test(text) && !/\.(js|css|html|png)$/.test(text)) fail(`viewer.js:${line}: ${visible(text)} looks like a message key but the catalogue has none`);
}
for (const m of code.matchAll(/\bknown\(\s*'([\w-]+)'/g)) {
  const prefix = `${m[1]}.`;
  const under = keys.filter((k) => k.startsWith(prefix));
  if (!under.length) fail(`viewer.js: known('${m[1]}', ...) but the catalogue has no ${prefix}* key`);
  under.forEach((k) => used.add(k));
}

// ---- index.html: every text and attribute for people through the catalogue ------------------
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const attrsOf = (s) => Object.fromEntries([...s.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)]
  .map((m) => [m[1].toLowerCase(), m[2] ?? m[3] ?? m[4] ?? ''])) ;
const decode = (s) => s.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (m, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': '\'', nbsp: '\u00a0' }[e]));
const norm = (s) => decode(s).replace(/\s+/g, ' ').trim();
const stack = [];
let htmlLine = 1;
const closeElement = (node) => {
  const key = node.attrs['data-i18n'];
  if (key === undefined) return;
  if (node.children) fail(`index.html:${node.line}: <${node.tag} data-i18n="${key}"> holds other elements, which translating it would remove`);
  if (!(key in en)) fail(`index.html:${node.line}: data-i18n="${key}" is not in the catalogue`);
  else if (norm(node.text) !== en[key]) fail(`index.html:${node.line}: the text ${visible(norm(node.text))} differs from the English catalogue's ${key} ${visible(en[key])}`);
  used.add(key);
};
for (const m of html.matchAll(/<!--[\s\S]*?-->|<![^>]*>|<(\/?)([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|([^<]+)/g)) {
  const lineHere = htmlLine;
  htmlLine += (m[0].match(/\n/g) || []).length;
  if (m[0].startsWith('<!')) continue;
  if (m[4] !== undefined) { // text
    const top = stack[stack.length - 1];
    if (top) top.text += m[4];
    if (!/\p{L}/u.test(decode(m[4])) || stack.some((n) => ['script', 'style'].includes(n.tag))) continue;
    if (top?.attrs['data-i18n'] !== undefined || stack.some((n) => n.attrs.translate === 'no')) continue;
    fail(`index.html:${lineHere}: the text ${visible(norm(m[4]))} in <${top?.tag || 'document'}> has no data-i18n (or translate="no")`);
    continue;
  }
  const [, closing, rawTag, rest] = m;
  const tag = rawTag.toLowerCase();
  if (closing) {
    while (stack.length) {
      const node = stack.pop();
      closeElement(node);
      if (node.tag === tag) break;
    }
    continue;
  }
  const attrs = attrsOf(rest.replace(/\/\s*$/, ''));
  for (const attr of TRANSLATED_ATTRS) {
    if (!(attr in attrs) || !/\p{L}/u.test(attrs[attr])) continue;
    const key = attrs[`data-i18n-${attr}`];
    if (key === undefined) fail(`index.html:${lineHere}: ${attr}="${attrs[attr]}" on <${tag}> has no data-i18n-${attr}`);
    else if (!(key in en)) fail(`index.html:${lineHere}: data-i18n-${attr}="${key}" is not in the catalogue`);
    else if (norm(attrs[attr]) !== en[key]) fail(`index.html:${lineHere}: ${attr}="${attrs[attr]}" differs from the English catalogue's ${key} ${visible(en[key])}`);
    if (key !== undefined) used.add(key);
  }
  for (const attr of OTHER_HUMAN_ATTRS)
    if (attr in attrs && /\p{L}/u.test(attrs[attr])) fail(`index.html:${lineHere}: ${attr}="${attrs[attr]}" on <${tag}>: the page translates only ${TRANSLATED_ATTRS.join(', ')}`);
  for (const name of Object.keys(attrs))
    if (name.startsWith('data-i18n-') && !TRANSLATED_ATTRS.includes(name.slice('data-i18n-'.length))) fail(`index.html:${lineHere}: ${name}: the page translates only ${TRANSLATED_ATTRS.join(', ')}`);
  if (stack.length) stack[stack.length - 1].children = true;
  if (VOID.has(tag) || /\/\s*$/.test(rest)) continue;
  stack.push({ tag, attrs, text: '', line: lineHere, children: false });
}
while (stack.length) closeElement(stack.pop());
if (!/translatePage\(\)/.test(code) || !/data-i18n/.test(code)) fail('viewer.js: no translatePage() applying the data-i18n attributes');

for (const key of keys) if (!used.has(key)) fail(`${key}: in the catalogue but used neither in viewer.js nor in index.html`);

// ---- result ----------------------------------------------------------------------------------
const plurals = keys.filter((k) => isPlural(en[k])).length;
if (failures.length) {
  console.error(`viewer i18n check: ${failures.length} problem(s) in ${dir}:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`viewer i18n check: ${keys.length} messages (${plurals} with plural forms) in ${LANGUAGES.join(', ')}; `
  + `all complete, placeholders and plural forms match, ${codeLiterals.length} string literals in viewer.js and the texts of index.html checked for bypasses`);
