import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

// Every resource file of a language (ru.json, ru.<feature>.json …) is merged at the top level; their
// top-level sections are disjoint (test/web-i18n.test.ts checks it). A new feature adds its two files.
const files = import.meta.glob<{ default: Record<string, unknown> }>('./*.json', { eager: true });
function merged(lang: 'ru' | 'en'): Record<string, unknown> {
  return Object.assign(
    {},
    ...Object.keys(files)
      .filter((f) => f === `./${lang}.json` || f.startsWith(`./${lang}.`))
      .sort()
      .map((f) => files[f]!.default),
  );
}

export type Lang = 'ru' | 'en';
export const LANG_KEY = 'fairbase.lang';

export function storedLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'ru';
  } catch {
    return 'ru';
  }
}

void i18n.use(initReactI18next).init({
  resources: {
    ru: { translation: merged('ru') },
    en: { translation: merged('en') },
  },
  lng: storedLang(),
  fallbackLng: 'ru',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLang(lang: Lang) {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // private mode: the switch still works for this tab
  }
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

export default i18n;
