/**
 * One-sided upper confidence bound of a rate from `k` events in `n` trials (Clopper-Pearson, exact):
 * the largest rate p at which seeing k or fewer events still has probability `1 - confidence`.
 * A detector that flagged 0 of 1,000 humans has a 95% upper bound of 0.30%, not 0%: the bound says
 * how many humans a claimed false-positive rate needs.
 * @example
 * binomialUpperBound(0, 1000); // -> about 0.002991
 */
export function binomialUpperBound(k: number, n: number, confidence = 0.95): number {
  if (!(n > 0) || k < 0 || k > n) return Number.NaN;
  if (k === n) return 1;
  const alpha = 1 - confidence;
  let lo = k / n;
  let hi = 1;
  // P(X <= k) falls as p rises: bisect for the p where it equals alpha.
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(k, n, mid) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(X <= k) for X ~ Binomial(n, p), summed in log space (no underflow for large n). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let logTerm = n * logQ; // i = 0
  let logSum = logTerm;
  for (let i = 0; i < k; i++) {
    logTerm += Math.log((n - i) / (i + 1)) + logP - logQ;
    const hi = Math.max(logSum, logTerm);
    logSum = hi + Math.log(Math.exp(logSum - hi) + Math.exp(logTerm - hi));
  }
  return Math.min(1, Math.exp(logSum));
}
