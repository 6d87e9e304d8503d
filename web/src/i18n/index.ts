import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import enActivity from './en.activity.json';
import enDisputes from './en.disputes.json';
import enImport from './en.import.json';
import ru from './ru.json';
import ruActivity from './ru.activity.json';
import ruDisputes from './ru.disputes.json';
import ruImport from './ru.import.json';

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
    ru: { translation: { ...ru, ...ruActivity, ...ruDisputes, ...ruImport } },
    en: { translation: { ...en, ...enActivity, ...enDisputes, ...enImport } },
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
