package io.fmebridge.settings;

import java.util.Map;

/**
 * How the readout reads one flag of an environment (settings, an environment's "experiments"):
 * the control treatment the others are compared with, and the split of keys the treatments are
 * expected to get. Both are optional: the control is then the treatment named {@code off}, or else
 * the first one seen; the split is then equal.
 */
public record Experiment(String control, Map<String, Double> split) {
    public static final Experiment DEFAULT = new Experiment(null, Map.of());
}
