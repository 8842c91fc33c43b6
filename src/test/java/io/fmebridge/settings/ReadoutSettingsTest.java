package io.fmebridge.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The readout's settings: metrics, and per flag the control treatment and expected split, checked as the rest of the file. */
class ReadoutSettingsTest {
    private static final String FILE = """
            environments:
              - id: prod
                trafficTypes: [user, account]
                flagTrafficTypes: {billing_v2: account}
                experiments:
                  new_checkout: {control: legacy, split: {legacy: 50, fast: 25, slow: 25}}
                  billing_v2: {}
            metrics:
              - id: checkout-conversion
                name: Checkout conversion
                description: Share of exposed users who complete an order
                environment: prod
                trafficType: User
                eventType: Order_Completed
                measure: conversion
              - id: support-tickets
                environment: prod
                trafficType: account
                eventType: ticket.opened
                measure: count
                higherIsBetter: false
            """;

    @Test
    void metricsAndExperimentsAreReadWithTheirDefaults() {
        IntegrationSettings settings = SettingsLoader.parse("f", FILE);
        Metric conversion = settings.metric("checkout-conversion").orElseThrow();
        assertThat(conversion.trafficType()).isEqualTo("user");
        assertThat(conversion.measure()).isEqualTo(Metric.Measure.conversion);
        assertThat(conversion.higherIsBetter()).as("default").isTrue();
        Metric tickets = settings.metric("support-tickets").orElseThrow();
        assertThat(tickets.name()).as("defaults to the id").isEqualTo("support-tickets");
        assertThat(tickets.higherIsBetter()).isFalse();

        Environment prod = settings.environment("prod").orElseThrow();
        assertThat(prod.experiment("new_checkout").control()).isEqualTo("legacy");
        assertThat(prod.experiment("new_checkout").split()).containsExactly(Map.entry("legacy", 50.0), Map.entry("fast", 25.0),
                Map.entry("slow", 25.0));
        assertThat(prod.experiment("billing_v2").control()).isNull();
        assertThat(prod.experiment("unlisted")).isEqualTo(Experiment.DEFAULT);
        assertThat(prod.trafficTypeOf("billing_v2")).isEqualTo("account");
        assertThat(prod.trafficTypeOf("new_checkout")).isEqualTo("user");
    }

    @Test
    void theWrittenDocumentKeepsThem() {
        String written = SettingsDocument.yaml(SettingsLoader.parse("f", FILE));
        IntegrationSettings again = SettingsLoader.parse("again", written);
        assertThat(SettingsDocument.yaml(again)).isEqualTo(written);
        assertThat(again.metrics()).extracting(Metric::id).containsExactly("checkout-conversion", "support-tickets");
        assertThat(again.metric("checkout-conversion").orElseThrow().description())
                .isEqualTo("Share of exposed users who complete an order");
        assertThat(again.environment("prod").orElseThrow().experiment("new_checkout").control()).isEqualTo("legacy");
    }

    @Test
    void aWrongMetricIsNamedWithItsProblem() {
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("environment: prod\n    trafficType: account",
                "environment: stage\n    trafficType: account")))
                .hasMessage("f: metrics[1] 'support-tickets': unknown environment 'stage'; known: [prod]");
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("trafficType: account\n    eventType",
                "trafficType: robot\n    eventType")))
                .hasMessage("f: metrics[1] 'support-tickets': trafficType 'robot' is not a traffic type of environment 'prod' [user, account]");
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("measure: count", "measure: median")))
                .hasMessage("f: metrics[1] 'support-tickets': measure must be conversion, count, sum or average, not 'median'");
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("eventType: ticket.opened", "eventType: ticket opened")))
                .hasMessageStartingWith("f: metrics[1] 'support-tickets': eventType 'ticket opened' is not an event type id");
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("id: support-tickets", "id: checkout-conversion")))
                .hasMessage("f: metrics[1] 'checkout-conversion': duplicate id 'checkout-conversion'");
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("    measure: count\n", "")))
                .hasMessage("f: metrics[1] 'support-tickets': measure is missing");
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("measure: count", "measure: count\n    window: 7d")))
                .hasMessageContaining("unknown setting 'window'");
    }

    @Test
    void onAndOffAreTreatmentNamesNotBooleans() {
        IntegrationSettings settings = SettingsLoader.parse("f", FILE.replace("control: legacy, split: {legacy: 50, fast: 25, slow: 25}",
                "control: off, split: {on: 1, off: 1}"));
        Experiment x = settings.environment("prod").orElseThrow().experiment("new_checkout");
        assertThat(x.control()).isEqualTo("off");
        assertThat(x.split()).containsOnlyKeys("on", "off");
        String written = SettingsDocument.yaml(settings);
        assertThat(SettingsLoader.parse("again", written).environment("prod").orElseThrow().experiment("new_checkout").control())
                .isEqualTo("off");
    }

    @Test
    void aWrongExperimentIsNamedWithItsProblem() {
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("control: legacy", "control: none")))
                .hasMessage("f: environments[0] 'prod': experiments.new_checkout.control 'none' is not one of split [legacy, fast, slow]");
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("fast: 25", "fast: 0")))
                .hasMessage("f: environments[0] 'prod': experiments.new_checkout.split.fast must be a number above 0 (a share, such as 50), not 0.0");
        assertThatThrownBy(() -> SettingsLoader.parse("f", FILE.replace("split: {legacy: 50, fast: 25, slow: 25}", "split: {legacy: 50}")))
                .hasMessageContaining("experiments.new_checkout.split names one treatment");
    }
}
