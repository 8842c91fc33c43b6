package io.fmebridge.readout;

import java.util.List;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The statistics of a readout, from the sufficient figures of each treatment (keys, sum and sum
 * of squares of the per-key measure, keys converted). Plain Java over Apache Commons Math's
 * distributions; every interval is two-sided at 95%.
 *
 * <ul>
 * <li>A mean: {@code mean ± t(0.975, n-1) · s/√n}.</li>
 * <li>A rate: Wilson's score interval.</li>
 * <li>A difference of means: Welch's t-test, with the Welch–Satterthwaite degrees of freedom; the
 * interval {@code d ± t(0.975, df) · se}.</li>
 * <li>A difference of rates: the two-proportion z-test with the pooled standard error for the
 * p-value; the interval with the unpooled (Wald) standard error, {@code d ± z(0.975) · se}.</li>
 * <li>The relative lift {@code treatment/control - 1}, with its interval by the delta method:
 * {@code se² = v_t/m_c² + m_t²·v_c/m_c⁴}, where {@code v} is the squared standard error of each
 * mean; normal quantile.</li>
 * <li>Sample ratio mismatch: Pearson's chi-square goodness of fit of the keys per treatment against
 * the expected split, {@code k-1} degrees of freedom.</li>
 * </ul>
 */
public final class ReadoutStatistics {
    public static final double CONFIDENCE = 0.95;
    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
    private static final double Z = NORMAL.inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);

    private ReadoutStatistics() {
    }

    /** What the database gives for one treatment and one metric: keys, Σx, Σx², keys with x > 0 (conversions). */
    public record Sample(long n, double sum, double sumOfSquares) {
        public double mean() {
            return n == 0 ? Double.NaN : sum / n;
        }

        /** The unbiased variance {@code (Σx² - n·mean²)/(n-1)}; never below 0 (rounding). */
        public double variance() {
            if (n < 2) {
                return Double.NaN;
            }
            double m = mean();
            return Math.max(0, (sumOfSquares - n * m * m) / (n - 1));
        }

        /** The squared standard error of the mean, {@code s²/n}. */
        double meanVariance() {
            return variance() / n;
        }

        public static Sample of(double... values) {
            double s = 0, ss = 0;
            for (double v : values) {
                s += v;
                ss += v * v;
            }
            return new Sample(values.length, s, ss);
        }
    }

    /** An estimate with its 95% interval; the bounds are NaN when the data cannot give one. */
    public record Interval(double estimate, double low, double high) {
    }

    /** A difference against the control: the difference, its interval, the relative lift and its interval, the p-value. */
    public record Comparison(double difference, double differenceLow, double differenceHigh, double statistic,
                             double degreesOfFreedom, double pValue, double lift, double liftLow, double liftHigh) {
    }

    /** The chi-square test of the keys per treatment against the expected shares. */
    public record RatioCheck(double chiSquare, int degreesOfFreedom, double pValue, List<Double> expected) {
    }

    /** The mean with {@code mean ± t(0.975, n-1)·s/√n}. */
    public static Interval mean(Sample x) {
        double m = x.mean();
        if (x.n() < 2) {
            return new Interval(m, Double.NaN, Double.NaN);
        }
        double half = tQuantile(x.n() - 1) * Math.sqrt(x.meanVariance());
        return new Interval(m, m - half, m + half);
    }

    /** The rate {@code converted/n} with Wilson's score interval (good at rates near 0 or 1 too, unlike Wald's). */
    public static Interval rate(long converted, long n) {
        if (n == 0) {
            return new Interval(Double.NaN, Double.NaN, Double.NaN);
        }
        double p = (double) converted / n;
        double z2 = Z * Z;
        double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
        double half = Z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new Interval(p, centre - half, centre + half);
    }

    /** Welch's t-test of treatment against control, with the interval of the difference and of the lift. */
    public static Comparison welch(Sample treatment, Sample control) {
        if (treatment.n() < 2 || control.n() < 2) {
            return unknown(treatment.mean() - control.mean());
        }
        double d = treatment.mean() - control.mean();
        double vt = treatment.meanVariance();
        double vc = control.meanVariance();
        double se = Math.sqrt(vt + vc);
        Lift lift = lift(treatment.mean(), vt, control.mean(), vc);
        if (se == 0) {
            return new Comparison(d, d, d, Double.NaN, Double.NaN, d == 0 ? 1 : 0, lift.value, lift.low, lift.high);
        }
        double df = (vt + vc) * (vt + vc)
                / (vt * vt / (treatment.n() - 1) + vc * vc / (control.n() - 1));
        double t = d / se;
        TDistribution dist = new TDistribution(null, df);
        double p = 2 * dist.cumulativeProbability(-Math.abs(t));
        double half = dist.inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2) * se;
        return new Comparison(d, d - half, d + half, t, df, p, lift.value, lift.low, lift.high);
    }

    /**
     * The two-proportion z-test: the p-value from the pooled standard error
     * {@code √(p(1-p)(1/n_t + 1/n_c))}, the interval of the difference from the unpooled one
     * {@code √(p_t(1-p_t)/n_t + p_c(1-p_c)/n_c)}.
     */
    public static Comparison twoProportions(long convertedT, long nT, long convertedC, long nC) {
        if (nT == 0 || nC == 0) {
            return unknown(Double.NaN);
        }
        double pt = (double) convertedT / nT;
        double pc = (double) convertedC / nC;
        double d = pt - pc;
        double vt = pt * (1 - pt) / nT;
        double vc = pc * (1 - pc) / nC;
        double unpooled = Math.sqrt(vt + vc);
        double pooledRate = (double) (convertedT + convertedC) / (nT + nC);
        double pooled = Math.sqrt(pooledRate * (1 - pooledRate) * (1.0 / nT + 1.0 / nC));
        Lift lift = lift(pt, vt, pc, vc);
        if (pooled == 0) {
            return new Comparison(d, d, d, Double.NaN, Double.NaN, 1, lift.value, lift.low, lift.high);
        }
        double z = d / pooled;
        double p = 2 * NORMAL.cumulativeProbability(-Math.abs(z));
        return new Comparison(d, d - Z * unpooled, d + Z * unpooled, z, Double.NaN, p, lift.value, lift.low, lift.high);
    }

    /**
     * Pearson's chi-square of the observed keys per treatment against {@code weights} (any
     * positive numbers; equal when all are the same). A treatment with weight 0 but keys makes
     * the mismatch certain (p = 0).
     */
    public static RatioCheck sampleRatio(long[] observed, double[] weights) {
        if (observed.length != weights.length) {
            throw new IllegalArgumentException("one weight per treatment");
        }
        long total = 0;
        double weightSum = 0;
        for (int i = 0; i < observed.length; i++) {
            total += observed[i];
            weightSum += weights[i];
        }
        List<Double> expected = new java.util.ArrayList<>();
        for (double w : weights) {
            expected.add(weightSum == 0 ? 0 : total * w / weightSum);
        }
        if (observed.length < 2 || total == 0) {
            return new RatioCheck(Double.NaN, Math.max(0, observed.length - 1), Double.NaN, expected);
        }
        double chi = 0;
        for (int i = 0; i < observed.length; i++) {
            double e = expected.get(i);
            if (e == 0) {
                if (observed[i] > 0) {
                    return new RatioCheck(Double.POSITIVE_INFINITY, observed.length - 1, 0, expected);
                }
                continue;
            }
            chi += (observed[i] - e) * (observed[i] - e) / e;
        }
        int df = observed.length - 1;
        double p = 1 - new ChiSquaredDistribution(null, df).cumulativeProbability(chi);
        return new RatioCheck(chi, df, p, expected);
    }

    private record Lift(double value, double low, double high) {
    }

    /** {@code m_t/m_c - 1} with the delta method's interval; NaN when the control's mean is 0. */
    private static Lift lift(double mt, double vt, double mc, double vc) {
        if (mc == 0 || Double.isNaN(mc) || Double.isNaN(mt)) {
            return new Lift(Double.NaN, Double.NaN, Double.NaN);
        }
        double value = mt / mc - 1;
        double se = Math.sqrt(vt / (mc * mc) + mt * mt * vc / (mc * mc * mc * mc));
        if (Double.isNaN(se)) {
            return new Lift(value, Double.NaN, Double.NaN);
        }
        return new Lift(value, value - Z * se, value + Z * se);
    }

    private static Comparison unknown(double difference) {
        return new Comparison(difference, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN);
    }

    private static double tQuantile(double df) {
        return new TDistribution(null, df).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
    }
}
