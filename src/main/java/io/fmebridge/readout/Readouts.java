package io.fmebridge.readout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.readout.Readout.Comparison;
import io.fmebridge.readout.Readout.Exposures;
import io.fmebridge.readout.Readout.MetricReadout;
import io.fmebridge.readout.Readout.SampleRatio;
import io.fmebridge.readout.Readout.SkippedMetric;
import io.fmebridge.readout.Readout.TreatmentExposure;
import io.fmebridge.readout.Readout.TreatmentFigures;
import io.fmebridge.readout.ReadoutQuery.AttributeFilter;
import io.fmebridge.readout.ReadoutQuery.Exposure;
import io.fmebridge.readout.ReadoutQuery.MetricFigures;
import io.fmebridge.readout.ReadoutQuery.Scope;
import io.fmebridge.readout.ReadoutStatistics.Interval;
import io.fmebridge.settings.Environment;
import io.fmebridge.settings.Experiment;
import io.fmebridge.settings.IntegrationSettings;
import io.fmebridge.settings.Metric;
import io.fmebridge.settings.SettingsRegistry;

/**
 * Builds a {@link Readout}: checks the request against the settings and the data (every refusal
 * a 4xx with a message that names the problem), has the database aggregate, and runs the
 * statistics on what it gives.
 */
@Component
public class Readouts {
    /** A sample ratio mismatch is flagged below this p-value. */
    public static final double SRM_THRESHOLD = 0.001;
    private static final double ALPHA = 1 - ReadoutStatistics.CONFIDENCE;

    private final ReadoutQuery query;
    private final SettingsRegistry settings;

    public Readouts(ReadoutQuery query, SettingsRegistry settings) {
        this.query = query;
        this.settings = settings;
    }

    /** What was asked: times in epoch milliseconds (inclusive), metric ids (empty: every metric of the flag's traffic type). */
    public record Request(String environment, String flag, long from, long to, List<String> metrics, AttributeFilter filter) {
    }

    public Readout readout(Request request) {
        IntegrationSettings current = settings.current();
        Environment env = current.environment(request.environment())
                .orElseThrow(() -> RequestRejectedException.notFound("unknown environment '" + request.environment() + "'"));
        String flag = request.flag();
        if (flag == null || flag.isBlank()) {
            throw RequestRejectedException.badRequest("name the flag to read out");
        }
        if (request.from() > request.to()) {
            throw RequestRejectedException.badRequest("from (" + Instant.ofEpochMilli(request.from()) + ") is after to ("
                    + Instant.ofEpochMilli(request.to()) + ")");
        }
        boolean inSettings = env.experiments().containsKey(flag) || env.flagTrafficTypes().containsKey(flag);
        if (!inSettings && !query.flagSeen(env.id(), flag)) {
            throw RequestRejectedException.notFound("unknown flag '" + flag + "': environment '" + env.id()
                    + "' has no impression of it and no setting for it");
        }
        String trafficType = env.trafficTypeOf(flag);
        List<Metric> metrics = new ArrayList<>();
        List<SkippedMetric> skipped = new ArrayList<>();
        if (request.metrics().isEmpty()) {
            for (Metric m : current.metrics()) {
                if (!m.environment().equals(env.id()) || !m.trafficType().equals(trafficType)) {
                    continue;
                }
                if (query.eventTypeSeen(env.id(), m.eventType(), m.trafficType())) {
                    metrics.add(m);
                } else {
                    skipped.add(new SkippedMetric(m.id(), noEventType(m, env)));
                }
            }
        } else {
            for (String id : request.metrics()) {
                Metric m = current.metric(id).orElseThrow(() -> RequestRejectedException.notFound("unknown metric '" + id
                        + "'; known: " + current.metrics().stream().map(Metric::id).toList()));
                if (!m.environment().equals(env.id())) {
                    throw RequestRejectedException.badRequest("metric '" + id + "' is of environment '" + m.environment()
                            + "', not '" + env.id() + "'");
                }
                if (!m.trafficType().equals(trafficType)) {
                    throw RequestRejectedException.badRequest("metric '" + id + "' measures traffic type '" + m.trafficType()
                            + "', but the impressions of flag '" + flag + "' are of traffic type '" + trafficType + "'");
                }
                if (!query.eventTypeSeen(env.id(), m.eventType(), m.trafficType())) {
                    throw RequestRejectedException.badRequest("metric '" + id + "': " + noEventType(m, env));
                }
                if (!metrics.contains(m)) {
                    metrics.add(m);
                }
            }
        }

        Scope scope = new Scope(env.id(), flag, trafficType, request.from(), request.to(), request.filter());
        List<Exposure> exposures = query.exposures(scope);
        Experiment experiment = env.experiment(flag);
        List<String> treatments = new ArrayList<>(exposures.stream().filter(e -> e.keys() > 0).map(Exposure::treatment).toList());
        for (String t : experiment.split().keySet()) {
            if (!treatments.contains(t)) {
                treatments.add(t); // expected but never served: 0 keys, which the ratio check must see
            }
        }
        String control;
        String chosenBy;
        if (experiment.control() != null) {
            control = experiment.control();
            chosenBy = "setting";
            if (!treatments.contains(control)) {
                treatments.add(0, control); // shown with no keys rather than left out
            }
        } else if (treatments.contains("off")) {
            control = "off";
            chosenBy = "named off";
        } else if (!treatments.isEmpty()) {
            control = treatments.get(0);
            chosenBy = "first seen";
        } else {
            control = null;
            chosenBy = "no keys exposed";
        }

        Map<String, Long> keys = new LinkedHashMap<>();
        treatments.forEach(t -> keys.put(t, 0L));
        long mixed = 0;
        List<TreatmentExposure> exposed = new ArrayList<>();
        for (Exposure e : exposures) {
            keys.put(e.treatment(), e.keys());
            mixed += e.mixedKeys();
        }
        for (String t : treatments) {
            Exposure e = exposures.stream().filter(x -> x.treatment().equals(t)).findFirst().orElse(null);
            exposed.add(new TreatmentExposure(t, keys.get(t), e == null ? 0 : e.mixedKeys(),
                    e == null || e.firstExposure() == Long.MAX_VALUE ? null : Instant.ofEpochMilli(e.firstExposure()).toString()));
        }
        // treatments seen only on keys that had two: shown, not analysed
        for (Exposure e : exposures) {
            if (e.keys() == 0 && !treatments.contains(e.treatment())) {
                exposed.add(new TreatmentExposure(e.treatment(), 0, e.mixedKeys(), Instant.ofEpochMilli(e.firstExposure()).toString()));
            }
        }
        long total = keys.values().stream().mapToLong(Long::longValue).sum();

        SampleRatio ratio = sampleRatio(treatments, keys, experiment);
        List<MetricReadout> readouts = new ArrayList<>();
        for (Metric m : metrics) {
            readouts.add(metric(m, query.figures(scope, m), treatments, control));
        }
        return new Readout(env.id(), flag, trafficType, Instant.ofEpochMilli(request.from()).toString(),
                Instant.ofEpochMilli(request.to()).toString(),
                request.filter() == null ? null : new Readout.Filter(request.filter().name(), request.filter().value()),
                control, chosenBy, ReadoutStatistics.CONFIDENCE, new Exposures(total, mixed, exposed), ratio, readouts, skipped);
    }

    private static String noEventType(Metric m, Environment env) {
        return "event type '" + m.eventType() + "' of traffic type '" + m.trafficType() + "' does not exist in environment '"
                + env.id() + "' (no event of it was ever stored); check the metric's eventType";
    }

    private static SampleRatio sampleRatio(List<String> treatments, Map<String, Long> keys, Experiment experiment) {
        long[] observed = new long[treatments.size()];
        double[] weights = new double[treatments.size()];
        Map<String, Double> shares = new LinkedHashMap<>();
        double weightSum = 0;
        for (int i = 0; i < treatments.size(); i++) {
            String t = treatments.get(i);
            observed[i] = keys.get(t);
            weights[i] = experiment.split().isEmpty() ? 1 : experiment.split().getOrDefault(t, 0.0);
            weightSum += weights[i];
        }
        for (int i = 0; i < treatments.size(); i++) {
            shares.put(treatments.get(i), weightSum == 0 ? null : weights[i] / weightSum);
        }
        ReadoutStatistics.RatioCheck check = ReadoutStatistics.sampleRatio(observed, weights);
        Map<String, Double> expected = new LinkedHashMap<>();
        for (int i = 0; i < treatments.size(); i++) {
            expected.put(treatments.get(i), check.expected().get(i));
        }
        Double p = num(check.pValue());
        return new SampleRatio(num(check.chiSquare()), check.degreesOfFreedom(), p, p != null && p < SRM_THRESHOLD, SRM_THRESHOLD,
                shares, expected);
    }

    private static MetricReadout metric(Metric m, Map<String, MetricFigures> figures, List<String> treatments, String control) {
        boolean rate = m.measure().isRate();
        List<TreatmentFigures> rows = new ArrayList<>();
        for (String t : treatments) {
            MetricFigures f = figures.getOrDefault(t, new MetricFigures(t, 0, 0, 0, new ReadoutStatistics.Sample(0, 0, 0)));
            Interval value = rate ? ReadoutStatistics.rate(f.converted(), f.keys()) : ReadoutStatistics.mean(f.sample());
            rows.add(new TreatmentFigures(t, t.equals(control), f.keys(), f.sample().n(), f.events(), f.converted(),
                    num(value.estimate()), num(value.low()), num(value.high()), num(Math.sqrt(f.sample().variance()))));
        }
        List<Comparison> comparisons = new ArrayList<>();
        MetricFigures c = control == null ? null : figures.get(control);
        for (String t : treatments) {
            if (t.equals(control) || control == null) {
                continue;
            }
            MetricFigures f = figures.get(t);
            ReadoutStatistics.Comparison x;
            if (f == null || c == null) {
                x = rate ? ReadoutStatistics.twoProportions(0, 0, 0, 0)
                        : ReadoutStatistics.welch(new ReadoutStatistics.Sample(0, 0, 0), new ReadoutStatistics.Sample(0, 0, 0));
            } else if (rate) {
                x = ReadoutStatistics.twoProportions(f.converted(), f.keys(), c.converted(), c.keys());
            } else {
                x = ReadoutStatistics.welch(f.sample(), c.sample());
            }
            Double p = num(x.pValue());
            boolean significant = p != null && p < ALPHA;
            Boolean better = significant && !Double.isNaN(x.difference()) && x.difference() != 0
                    ? (x.difference() > 0) == m.higherIsBetter() : null;
            comparisons.add(new Comparison(t, control, num(x.difference()), num(x.differenceLow()), num(x.differenceHigh()),
                    num(x.lift()), num(x.liftLow()), num(x.liftHigh()), num(x.statistic()), num(x.degreesOfFreedom()), p,
                    significant, better));
        }
        return new MetricReadout(m.id(), m.name(), m.description(), m.eventType(), m.measure().name(), m.higherIsBetter(),
                rate ? "two-proportion z-test" : "Welch's t-test", rows, comparisons);
    }

    /** A figure for JSON: null where the data gives none (NaN), or where it is infinite. */
    static Double num(double x) {
        return Double.isNaN(x) || Double.isInfinite(x) ? null : x;
    }
}
