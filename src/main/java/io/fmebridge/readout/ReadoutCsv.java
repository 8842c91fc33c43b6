package io.fmebridge.readout;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fmebridge.readout.Readout.Comparison;
import io.fmebridge.readout.Readout.MetricReadout;
import io.fmebridge.readout.Readout.TreatmentFigures;

/**
 * The readout as CSV (RFC 4180): one row per metric and treatment, with the comparison against
 * the control on the treatment's row and the sample ratio check repeated on each row, so that
 * every row reads alone in a spreadsheet. Empty cells are figures the data cannot give.
 */
final class ReadoutCsv {
    static final List<String> HEADER = List.of("environment", "flag", "from", "to", "attribute", "value", "metric", "metric_name",
            "event_type", "measure", "higher_is_better", "treatment", "control", "keys", "measured_keys", "events",
            "converted_keys", "estimate", "ci_low", "ci_high", "difference", "difference_ci_low", "difference_ci_high",
            "relative_lift", "relative_lift_ci_low", "relative_lift_ci_high", "test", "p_value", "significant",
            "srm_p_value", "srm_mismatch", "mixed_keys");

    private ReadoutCsv() {
    }

    static String of(Readout r) {
        StringBuilder csv = new StringBuilder(line(HEADER));
        for (MetricReadout m : r.metrics()) {
            for (TreatmentFigures t : m.treatments()) {
                Comparison c = m.comparisons().stream().filter(x -> x.treatment().equals(t.treatment())).findFirst().orElse(null);
                long mixed = r.exposure().treatments().stream().filter(e -> e.treatment().equals(t.treatment()))
                        .mapToLong(Readout.TreatmentExposure::mixedKeys).sum();
                csv.append(line(Stream.of(r.environment(), r.flag(), r.from(), r.to(),
                        r.filter() == null ? null : r.filter().attribute(), r.filter() == null ? null : r.filter().value(),
                        m.id(), m.name(), m.eventType(), m.measure(), m.higherIsBetter(), t.treatment(), t.control(), t.keys(),
                        t.measuredKeys(), t.events(), t.convertedKeys(), t.value(), t.low(), t.high(),
                        c == null ? null : c.difference(), c == null ? null : c.differenceLow(), c == null ? null : c.differenceHigh(),
                        c == null ? null : c.relativeLift(), c == null ? null : c.relativeLiftLow(),
                        c == null ? null : c.relativeLiftHigh(), m.test(), c == null ? null : c.pValue(),
                        c == null ? null : c.significant(), r.sampleRatio().pValue(), r.sampleRatio().mismatch(), mixed)
                        .map(ReadoutCsv::text).toList()));
            }
        }
        return csv.toString();
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static String line(List<String> cells) {
        return cells.stream().map(ReadoutCsv::cell).collect(Collectors.joining(",")) + "\r\n";
    }

    /** Quoted when it holds a comma, a quote or a line break; a leading =, +, - or @ of text is kept from spreadsheets' formulas. */
    private static String cell(String s) {
        String v = s;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 && !v.matches("-?[0-9.Ee+-]+")) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
