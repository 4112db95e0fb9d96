import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { guessCharset } from './mime-charset-guess.ts';

const guess = (text: string, charset: string) => guessCharset(new Uint8Array(iconv.encode(text, charset)));

describe('guessCharset', () => {
  const legacy = [
    ['big5', '我們明天開會，請大家準時到。謝謝！'],
    ['gb18030', '我们明天开会，请大家准时到。谢谢！'],
    ['shift_jis', 'こんにちは、明日の会議は十時からです。'],
    ['euc-jp', 'こんにちは、明日の会議は十時からです。'],
    ['euc-kr', '안녕하세요, 내일 회의는 열 시에 있습니다.'],
    ['koi8-r', 'Добрый день! Высылаю отчёт за третий квартал, посмотрите.'],
    ['windows-1251', 'Добрый день! Высылаю отчёт за третий квартал, посмотрите.'],
    ['koi8-r', 'СРОЧНО: ВСТРЕЧА ПЕРЕНЕСЕНА НА ЗАВТРА'],
  ] as const;
  for (const [charset, text] of legacy) {
    it(`recognises ${charset}: ${text.slice(0, 12)}…`, () => {
      expect(guess(text, charset)).toEqual({ charset, text });
    });
  }

  it('takes valid UTF-8 as UTF-8', () => {
    expect(guess('Grüße, 你好', 'utf-8')).toEqual({ charset: 'utf-8', text: 'Grüße, 你好' });
  });

  it('reads Latin text as Windows-1252, never as a CJK or Cyrillic charset', () => {
    for (const text of [
      'Grüße aus München, schöne Tage! Déjà vu, señor. Ça va très bien.',
      'Très chère Amélie, voilà les résultats. À bientôt! Ñandú. Æsir. Øre.',
      'ÀÉÎÕÜ ÀÉÎÕÜ ÀÉÎÕÜ ÀÉÎÕÜ',
      'Smart “quotes” – and €5 for a naïve café',
    ]) {
      expect(guess(text, 'win1252')).toEqual({ charset: 'windows-1252', text });
    }
  });

  it('falls back to Windows-1252 for alphabets it cannot tell apart, rather than misreading them', () => {
    for (const [charset, text] of [
      ['iso-8859-7', 'Καλημέρα σας, η συνάντηση θα γίνει αύριο το πρωί στο γραφείο μας.'],
      ['win1255', 'שלום, הפגישה תתקיים מחר בבוקר במשרד שלנו.'],
      ['win1256', 'مرحبا، سيعقد الاجتماع غدا صباحا في مكتبنا.'],
      ['iso-8859-5', 'Добрый день! Высылаю отчёт за третий квартал.'],
    ] as const) {
      expect(guess(text, charset).charset, charset).toBe('windows-1252');
    }
  });

  it('does not look for a charset in binary data', () => {
    // a GIF header: NUL bytes say this is no text in any charset
    const gif = new Uint8Array([
      0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x64, 0x00, 0x04, 0x00, 0xa4, 0xa2, 0xa4, 0xa4,
    ]);
    expect(guessCharset(gif).charset).toBe('windows-1252');
  });
});
