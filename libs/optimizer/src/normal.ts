/**
 * Normal-distribution helpers for LogEI: the scaled complementary error function erfcx, the normal CDF,
 * and log h(z) with h(z) = φ(z) + zΦ(z) (EI = σ·h(z)), stable deep into the tail where plain EI
 * underflows to 0 (Ament et al. 2023).
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);

/** erfcx(x) = exp(x²)·erfc(x) for x >= 0. */
function erfcxPositive(x: number): number {
  if (x < 2) {
    // exp(x²)·(1 − erf(x)) with erf(x) = (2/√π)·exp(−x²)·Σ 2ⁿx²ⁿ⁺¹/(2n+1)!!, all terms positive
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return Math.exp(x2) - (2 / SQRT_PI) * sum;
  }
  // continued fraction erfcx(x) = (1/√π)/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by modified Lentz
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/** The scaled complementary error function exp(x²)·erfc(x). */
export function erfcx(x: number): number {
  if (x >= 0) return erfcxPositive(x);
  return 2 * Math.exp(x * x) - erfcxPositive(-x);
}

/** The complementary error function. */
export function erfc(x: number): number {
  if (x >= 0) return erfcxPositive(x) * Math.exp(-x * x);
  return 2 - erfcxPositive(-x) * Math.exp(-x * x);
}

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/**
 * log h(z) and its derivative d log h / dz = Φ(z)/h(z), for h(z) = φ(z) + zΦ(z). For z <= −1,
 * h = φ(z)·(1 − t·m(t)) with t = −z and m the Mills ratio, so nothing underflows.
 */
export function logH(z: number): { value: number; slope: number } {
  if (z > -1) {
    const cdf = normalCdf(z);
    const h = normalPdf(z) + z * cdf;
    return { value: Math.log(h), slope: cdf / h };
  }
  const t = -z;
  const mills = SQRT_HALF_PI * erfcx(t / SQRT2);
  let r: number;
  if (t > 100) {
    // 1 − t·m(t) cancels badly here; its asymptotic series is exact to double precision
    const u = 1 / (t * t);
    r = u * (1 - 3 * u + 15 * u * u - 105 * u * u * u);
  } else {
    r = 1 - t * mills;
  }
  return { value: -0.5 * z * z - LOG_SQRT_2PI + Math.log(r), slope: mills / r };
}
