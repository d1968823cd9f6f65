import { erfcx, logH, normalCdf } from './normal';

// scipy.special.erfcx
const ERFCX: [number, number][] = [
  [-3, 16205.988853999586], [-1, 5.008980080762283], [-0.5, 1.952360489182557], [0, 1.0],
  [0.3, 0.7345993345676554], [1, 0.427583576155807], [1.9, 0.26650937366167254], [2, 0.2553956763105058],
  [2.1, 0.24511912334517244], [5, 0.11070463773306861], [10, 0.05614099274382259], [30, 0.018795888861416754],
  [100, 0.005641613782989433], [1e4, 5.641895807268084e-5],
];
// mpmath at 50 digits: z, log h(z), Φ(z)/h(z) with h(z) = φ(z) + zΦ(z)
const LOG_H: [number, number, number][] = [
  [3, 1.0987396653277077, 0.3328409684517952], [0.5, -0.3598276837450638, 0.9909227180041099],
  [0, -0.9189385332046728, 1.2533141373155003], [-0.999, -2.4832171154475855, 1.9035493173589595],
  [-1, -2.4851210257126413, 1.9042712333296918], [-2, -4.768783523917114, 2.679416883955586],
  [-5, -16.74430116266099, 5.361816241288088], [-20, -206.9178385094251, 20.099262811101283],
  [-40, -808.29856835662, 40.04990665764852], [-99.9, -5000.132578400064, 99.92001400620086],
  [-100.1, -5020.136577202233, 100.11997404211903], [-200, -20011.515648259738, 200.00999925013122],
  [-1e4, -50000019.33961931, 10000.000199999993],
];

describe('erfcx', () => {
  it.each(ERFCX)('erfcx(%p) matches scipy to 1e-13', (x, want) => {
    expect(Math.abs(erfcx(x) - want) / want).toBeLessThan(1e-13);
  });
});

describe('normalCdf', () => {
  it('is symmetric and right at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 15);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-1) + normalCdf(1)).toBeCloseTo(1, 15);
    expect(normalCdf(-37) / 5.725571222524e-300).toBeCloseTo(1, 9); // mpmath
  });
});

describe('logH', () => {
  it.each(LOG_H)('log h(%p) and its slope match 50-digit values', (z, value, slope) => {
    const got = logH(z);
    expect(Math.abs(got.value - value)).toBeLessThan(1e-12 * Math.max(1, Math.abs(value)));
    expect(Math.abs(got.slope - slope) / slope).toBeLessThan(1e-10);
  });

  it('is continuous where its branches meet (z = −1 and t = 100)', () => {
    for (const z of [-1, -100]) {
      const a = logH(z - 1e-9).value;
      const b = logH(z + 1e-9).value;
      expect(Math.abs(a - b)).toBeLessThan(1e-6);
    }
  });

  it('slope is the derivative of the value', () => {
    for (const z of [2, 0.1, -0.5, -3, -30]) {
      const fd = (logH(z + 1e-6).value - logH(z - 1e-6).value) / 2e-6;
      expect(Math.abs(fd - logH(z).slope) / Math.abs(fd)).toBeLessThan(1e-6);
    }
  });
});
