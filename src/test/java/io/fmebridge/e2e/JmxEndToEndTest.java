package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import io.fmebridge.operations.ProductMBeans;

/**
 * Contract 6: Camel's route MBeans and the product's own per source, read and operated with a
 * JMX client: pause a source, see its batch wait, resume it, see it delivered.
 */
class JmxEndToEndTest extends SourceSideTest {
    private final MBeanServerConnection jmx = ManagementFactory.getPlatformMBeanServer();

    @Test
    void aSourceCanBePausedAndResumedAndItsFiguresRead() throws Exception {
        SEGMENT.accepts("jmx");
        ObjectName source = ProductMBeans.sourceName("jmx");
        jmx.invoke(source, "pause", null, null);
        assertThat(jmx.getAttribute(source, "Paused")).isEqualTo(true);

        assertThat(sendImpressions("jmx", impressions("new_checkout", 4, "jmx-", "rule")).status()).isEqualTo(200);
        Thread.sleep(1000); // well past maxDelay: the batch is complete, and waits
        assertThat(SEGMENT.requests("jmx")).isEmpty();
        assertThat(jmx.getAttribute(source, "Pending")).isEqualTo(4L);

        jmx.invoke(source, "resume", null, null);
        long delivered = eventually(() -> attribute(source, "Delivered"), d -> d == 4L, Duration.ofSeconds(10));
        assertThat(delivered).isEqualTo(4L);
        assertThat(SEGMENT.messages("jmx")).hasSize(4);
        assertThat(jmx.getAttribute(source, "Pending")).isEqualTo(0L);
        assertThat(jmx.getAttribute(source, "BatchesSent")).isEqualTo(1L);
        assertThat(jmx.invoke(source, "replayDeadLetters", null, null)).isEqualTo(0);
    }

    @Test
    void camelsRouteMBeansAreThereWithTheirIds() throws Exception {
        Set<ObjectName> routes = jmx.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null);
        Set<Object> ids = new java.util.HashSet<>();
        for (ObjectName route : routes) {
            ids.add(jmx.getAttribute(route, "RouteId"));
        }
        assertThat(ids).contains("impressions-gather", "impressions-deliver", "segment-store-records", "segment-message-router");
    }

    private long attribute(ObjectName name, String attribute) {
        try {
            return (Long) jmx.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
