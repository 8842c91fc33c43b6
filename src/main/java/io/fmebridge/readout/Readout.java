package io.fmebridge.readout;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The readout of one flag in one environment: who was exposed to which treatment, whether the
 * split is the one expected, and what each treatment did to each metric against the control.
 * Figures that the data cannot give (an interval of one key, a lift over a control mean of 0)
 * are null.
 */
public record Readout(
        String environment,
        String flag,
        String trafficType,
        String from,
        String to,
        Filter filter,
        String control,
        String controlChosenBy,
        double confidence,
        Exposures exposure,
        SampleRatio sampleRatio,
        List<MetricReadout> metrics,
        List<SkippedMetric> skippedMetrics) {

    /** The attribute filter, when one was given. */
    public record Filter(String attribute, String value) {
    }

    public record Exposures(long keys, long mixedKeys, List<TreatmentExposure> treatments) {
    }

    /** Keys counted for a treatment, and keys that had it first and then another (counted apart, not in any metric). */
    public record TreatmentExposure(String treatment, long keys, long mixedKeys, String firstExposure) {
    }

    /** The chi-square test of the keys per treatment against the expected split. */
    public record SampleRatio(Double chiSquare, int degreesOfFreedom, Double pValue, boolean mismatch, double threshold,
                              Map<String, Double> expectedShares, Map<String, Double> expectedKeys) {
    }

    public record MetricReadout(String id, String name, String description, String eventType, String measure,
                                boolean higherIsBetter, String test, List<TreatmentFigures> treatments,
                                List<Comparison> comparisons) {
    }

    /**
     * One treatment's figure for a metric: {@code value} is the rate or the mean, {@code low} and
     * {@code high} its interval. {@code measuredKeys} is the number of keys the value is over
     * (all keys, or for an average those with a valued event).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TreatmentFigures(String treatment, boolean control, long keys, long measuredKeys, long events,
                                   long convertedKeys, Double value, Double low, Double high, Double standardDeviation) {
    }

    /**
     * A treatment against the control: the difference of the values, the relative lift
     * ({@code treatment/control - 1}), their intervals, the test's statistic and p-value.
     * {@code significant} is p below 1 - confidence; {@code better} says whether the difference
     * goes the way the metric wants, when it is significant.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Comparison(String treatment, String control, Double difference, Double differenceLow, Double differenceHigh,
                             Double relativeLift, Double relativeLiftLow, Double relativeLiftHigh, Double statistic,
                             Double degreesOfFreedom, Double pValue, boolean significant, Boolean better) {
    }

    /** A metric of the environment left out of a readout that did not name its metrics. */
    public record SkippedMetric(String id, String reason) {
    }
}
