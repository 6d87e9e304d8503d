/**
 * Coined company words («Ведранта», «Крослимекс», «Зоритон»): the distinctive word most real Russian
 * company names carry. The demo's industry vocabulary has about 2 500 words, so at 1 M clients every
 * name word is shared by hundreds of clients and a word prefix cannot single anyone out — unlike a
 * real base, where most names hold a word few other clients have. `fairbase demo` at scale gives each
 * copied client such a word (see src/app/demo/scale.ts) so identity benchmarks measure a realistic
 * vocabulary.
 *
 * Words are 2–4 syllables (mostly 3: consonant — a cluster only at the start —, vowel, sometimes a
 * closing consonant) and an optional ending: 9 letters on average, like «Технопром» or «Электроцентр»
 * rather than «Юникс». Deterministic for an Rng.
 */
import { chance, pick, type Rng } from './prng.ts';

const ONSETS = 'б в г д ж з к л м н п р с т ф х ц ч ш'.split(' ');
/** Clusters open a word only («Крослимекс», «Стравида»). */
const CLUSTERS = 'бр вл гр др кр пр ст тр св пл кл фр ск сп'.split(' ');
/** Vowels, the common ones repeated (a weighted pick). */
const VOWELS = 'а а о о е е и и у я ю э ы'.split(' ');
const CODAS = 'н р л с м к т'.split(' ');
const ENDINGS = 'с кс он ия ика ан ис ол екс ум ра та ар ель ит ос'.split(' ');
/** A word starting with a vowel starts with one of these (none starts with ы). */
const FIRST_VOWELS = 'а о у е и э'.split(' ');

const HUSHING_VOWEL: Record<string, string> = { я: 'а', ю: 'у', ы: 'и', э: 'е' };

function syllable(rng: Rng, first: boolean): string {
  // A fifth of words open with a bare vowel («Оливекс», «Аргентум»), another fifth with a cluster.
  const r = rng();
  const onset = !first ? pick(rng, ONSETS) : r < 0.2 ? '' : r < 0.4 ? pick(rng, CLUSTERS) : pick(rng, ONSETS);
  let vowel: string = onset === '' ? pick(rng, FIRST_VOWELS) : pick(rng, VOWELS);
  // Russian spelling: жи/ши, ча/ща, цы is rare — no «шя», «чю», «жы» in a name.
  if (/[жшчц]$/.test(onset)) vowel = HUSHING_VOWEL[vowel] ?? vowel;
  const coda = chance(rng, 0.25) ? pick(rng, CODAS) : '';
  return onset + vowel + coda;
}

/** One coined word, capitalised. */
export function coinWord(rng: Rng): string {
  const syllables = pick(rng, [2, 3, 3, 4, 4]);
  let w = '';
  for (let i = 0; i < syllables; i++) w += syllable(rng, i === 0);
  if (chance(rng, 0.55)) w += pick(rng, ENDINGS);
  return w[0]!.toUpperCase() + w.slice(1);
}

/** A coined word not in `used` (which it joins); gives up after a few draws and numbers the word. */
export function uniqueCoinedWord(rng: Rng, used: Set<string>): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const w = coinWord(rng);
    if (!used.has(w)) {
      used.add(w);
      return w;
    }
  }
  let n = 2;
  const base = coinWord(rng);
  while (used.has(`${base}${n}`)) n++;
  used.add(`${base}${n}`);
  return `${base}${n}`;
}
