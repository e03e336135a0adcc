/**
 * Russian (and Belarusian) Cyrillic → Latin, for subscribers who chose transliteration: the reply
 * then fits GSM-7 (182 septets) instead of UCS2 (80 characters). A readable SMS-style scheme; a
 * capital that becomes two Latin letters is capitalised only on its first ("Щ" → "Sch"), unless
 * a neighbouring letter is a capital too ("ЩИ" → "SCHI"). Menu texts repeat, so recent results
 * are kept.
 */
const LOWER: Readonly<Record<string, string>> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ё: "yo",
  ж: "zh",
  з: "z",
  и: "i",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "sch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
  і: "i", // Belarusian
  ў: "u", // Belarusian
};

/** Typographic characters outside GSM-7 that our texts use. */
const PUNCTUATION: Readonly<Record<string, string>> = {
  "«": '"',
  "»": '"',
  "„": '"',
  "“": '"',
  "”": '"',
  "–": "-",
  "—": "-",
  "№": "N",
  "’": "'",
  "…": "...",
};

interface Letter {
  readonly lower: string;
  /** For a capital: "Sch" (title case) and "SCH" (all capitals); undefined for a small letter. */
  readonly title?: string;
  readonly upper?: string;
}

const BY_CODE = new Map<number, Letter>();
for (const [cyrillic, latin] of Object.entries(LOWER)) {
  BY_CODE.set(cyrillic.charCodeAt(0), { lower: latin });
  const capital = {
    lower: latin,
    title: latin.charAt(0).toUpperCase() + latin.slice(1),
    upper: latin.toUpperCase(),
  };
  BY_CODE.set(cyrillic.toUpperCase().charCodeAt(0), capital);
}
for (const [ch, latin] of Object.entries(PUNCTUATION)) BY_CODE.set(ch.charCodeAt(0), { lower: latin });

function isCapital(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (Number.isNaN(code)) return false;
  const letter = BY_CODE.get(code);
  if (letter !== undefined) return letter.title !== undefined;
  return code >= 0x41 && code <= 0x5a;
}

function convert(text: string): string {
  let out = "";
  let from = 0; // start of the run of characters kept as they are
  for (let i = 0; i < text.length; i++) {
    const letter = BY_CODE.get(text.charCodeAt(i));
    if (letter === undefined) continue;
    out += text.slice(from, i);
    from = i + 1;
    if (letter.title === undefined || letter.lower.length < 2) out += letter.upper ?? letter.lower;
    else out += isCapital(text, i + 1) || isCapital(text, i - 1) ? letter.upper : letter.title;
  }
  return from === 0 ? text : out + text.slice(from);
}

const CACHE_SIZE = 4096;
const cache = new Map<string, string>();

export function transliterate(text: string): string {
  let latin = cache.get(text);
  if (latin === undefined) {
    latin = convert(text);
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(text, latin);
  }
  return latin;
}
