package io.fmebridge.readout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import io.fmebridge.readout.ReadoutStatistics.Comparison;
import io.fmebridge.readout.ReadoutStatistics.Interval;
import io.fmebridge.readout.ReadoutStatistics.RatioCheck;
import io.fmebridge.readout.ReadoutStatistics.Sample;

/**
 * The readout's statistics against figures computed elsewhere, on the same data. Each expected
 * number says where it comes from: a published worked example, or SciPy 1.17
 * ({@code scipy.stats}), an implementation independent of Commons Math.
 */
class ReadoutStatisticsTest {
    // Wikipedia, "Welch's t-test", example 1 (A1, A2): t = -2.46, df = 24.9, p = 0.021.
    private static final double[] A1 = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
    private static final double[] A2 = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};

    @Test
    void welchsTestMatchesTheWorkedExample() {
        Comparison c = ReadoutStatistics.welch(Sample.of(A1), Sample.of(A2));
        // scipy.stats.ttest_ind(A1, A2, equal_var=False): statistic -2.455356398286006, df 24.988529290231416,
        // pvalue 0.021378001462866992, confidence_interval(0.95) (-3.984096267140929, -0.3492370661924069)
        assertThat(c.statistic()).isCloseTo(-2.455356398286006, within(1e-9));
        assertThat(c.degreesOfFreedom()).isCloseTo(24.988529290231416, within(1e-9));
        assertThat(c.pValue()).isCloseTo(0.021378001462866992, within(1e-9));
        assertThat(c.difference()).isCloseTo(20.82 - 22.98666666666667, within(1e-9));
        assertThat(c.differenceLow()).isCloseTo(-3.984096267140929, within(1e-6));
        assertThat(c.differenceHigh()).isCloseTo(-0.3492370661924069, within(1e-6));
    }

    @Test
    void theRelativeLiftAndItsIntervalFollowTheDeltaMethod() {
        Comparison c = ReadoutStatistics.welch(Sample.of(A1), Sample.of(A2));
        // by hand (numpy): m1 = 20.82, m2 = 22.98667, v1 = var(A1, ddof=1)/15, v2 = var(A2, ddof=1)/15;
        // lift = m1/m2 - 1 = -0.09425754060324831; se = sqrt(v1/m2² + m1²·v2/m2⁴);
        // lift ± scipy.stats.norm.ppf(0.975)·se = (-0.16725848813187208, -0.021256593074624547)
        assertThat(c.lift()).isCloseTo(-0.09425754060324831, within(1e-12));
        assertThat(c.liftLow()).isCloseTo(-0.16725848813187208, within(1e-6));
        assertThat(c.liftHigh()).isCloseTo(-0.021256593074624547, within(1e-6));
    }

    @Test
    void aMeansIntervalUsesStudentsT() {
        Interval m = ReadoutStatistics.mean(Sample.of(A1));
        // scipy.stats.t.interval(0.95, 14, loc=mean(A1), scale=sem(A1)) = (19.26670165245124, 22.373298347548754)
        assertThat(m.estimate()).isCloseTo(20.82, within(1e-9));
        assertThat(m.low()).isCloseTo(19.26670165245124, within(1e-6));
        assertThat(m.high()).isCloseTo(22.373298347548754, within(1e-6));
    }

    @Test
    void aRatesIntervalIsWilsons() {
        // Newcombe (1998), Statistics in Medicine 17:857-872, table I: 81/263 score interval 0.2553 to 0.3662,
        // 15/148 0.0624 to 0.1605, 0/20 0 to 0.1611. scipy.stats.binomtest(81, 263).proportion_ci(method='wilson')
        // = (0.2552885198782742, 0.36620957698280004); (15, 148): (0.06238639953073629, 0.16048724172330803);
        // (0, 20): (0.0, 0.16112515805281935).
        Interval a = ReadoutStatistics.rate(81, 263);
        assertThat(a.estimate()).isCloseTo(81.0 / 263, within(1e-12));
        assertThat(a.low()).isCloseTo(0.2552885198782742, within(1e-7));
        assertThat(a.high()).isCloseTo(0.36620957698280004, within(1e-7));
        Interval b = ReadoutStatistics.rate(15, 148);
        assertThat(b.low()).isCloseTo(0.06238639953073629, within(1e-7));
        assertThat(b.high()).isCloseTo(0.16048724172330803, within(1e-7));
        Interval none = ReadoutStatistics.rate(0, 20);
        assertThat(none.low()).isCloseTo(0.0, within(1e-12));
        assertThat(none.high()).isCloseTo(0.16112515805281935, within(1e-7));
    }

    @Test
    void twoRatesAreComparedWithThePooledZTest() {
        // 60 of 200 against 20 of 200. scipy.stats.chi2_contingency([[60, 140], [20, 180]], correction=False)
        // (the same test as R's prop.test(c(60, 20), c(200, 200), correct = FALSE)): chi2 = 25.0, so z = 5.0,
        // p = 5.733031437583875e-07. The difference 0.2 with the unpooled Wald interval
        // 0.2 ± 1.959964·sqrt(0.3·0.7/200 + 0.1·0.9/200) = (0.12409092128710038, 0.2759090787128996).
        Comparison c = ReadoutStatistics.twoProportions(60, 200, 20, 200);
        assertThat(c.statistic()).isCloseTo(5.0, within(1e-9));
        assertThat(c.pValue()).isCloseTo(5.733031437583875e-07, within(1e-12));
        assertThat(c.difference()).isCloseTo(0.2, within(1e-12));
        assertThat(c.differenceLow()).isCloseTo(0.12409092128710038, within(1e-7));
        assertThat(c.differenceHigh()).isCloseTo(0.2759090787128996, within(1e-7));
        assertThat(c.lift()).isCloseTo(2.0, within(1e-12)); // 0.3 / 0.1 - 1
    }

    @Test
    void theSampleRatioCheckIsPearsonsChiSquare() {
        // scipy.stats.chisquare([700, 300]) = (160.0, 1.1314837902433038e-36): flagged
        RatioCheck skewed = ReadoutStatistics.sampleRatio(new long[] {700, 300}, new double[] {1, 1});
        assertThat(skewed.chiSquare()).isCloseTo(160.0, within(1e-9));
        assertThat(skewed.pValue()).isLessThan(1e-10);
        // scipy.stats.chisquare([5020, 4980]) = (0.16, 0.6891565167793516)
        RatioCheck even = ReadoutStatistics.sampleRatio(new long[] {5020, 4980}, new double[] {1, 1});
        assertThat(even.chiSquare()).isCloseTo(0.16, within(1e-9));
        assertThat(even.pValue()).isCloseTo(0.6891565167793516, within(1e-9));
        // a 25/75 split: scipy.stats.chisquare([260, 740], f_exp=[250, 750]) = (0.5333333333333333, 0.4652088184521417)
        RatioCheck weighted = ReadoutStatistics.sampleRatio(new long[] {260, 740}, new double[] {25, 75});
        assertThat(weighted.expected()).containsExactly(250.0, 750.0);
        assertThat(weighted.chiSquare()).isCloseTo(0.5333333333333333, within(1e-9));
        assertThat(weighted.pValue()).isCloseTo(0.4652088184521417, within(1e-9));
        // three treatments: scipy.stats.chisquare([330, 340, 330]) = (0.2, 0.9048374180359595)
        RatioCheck three = ReadoutStatistics.sampleRatio(new long[] {330, 340, 330}, new double[] {1, 1, 1});
        assertThat(three.degreesOfFreedom()).isEqualTo(2);
        assertThat(three.pValue()).isCloseTo(0.9048374180359595, within(1e-9));
    }

    @Test
    void keysInATreatmentThatShouldHaveNoneAreACertainMismatch() {
        RatioCheck check = ReadoutStatistics.sampleRatio(new long[] {500, 500, 3}, new double[] {1, 1, 0});
        assertThat(check.pValue()).isZero();
    }

    @Test
    void tooLittleDataGivesNoIntervalRatherThanAWrongOne() {
        assertThat(ReadoutStatistics.mean(Sample.of(3.0)).low()).isNaN();
        assertThat(ReadoutStatistics.welch(Sample.of(1.0), Sample.of(1.0, 2.0)).pValue()).isNaN();
        assertThat(ReadoutStatistics.twoProportions(0, 0, 5, 10).pValue()).isNaN();
        assertThat(ReadoutStatistics.twoProportions(3, 10, 0, 10).lift()).as("control rate 0").isNaN();
        assertThat(ReadoutStatistics.sampleRatio(new long[] {0, 0}, new double[] {1, 1}).pValue()).isNaN();
    }
}
