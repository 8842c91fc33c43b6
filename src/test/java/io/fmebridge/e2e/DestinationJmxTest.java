package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fmebridge.operations.ProductMBeans;

/** Contract 6: a destination's figures in JMX are those of its stats endpoint. */
class DestinationJmxTest extends RunningServiceTest {

    @Test
    void theDestinationMBeanShowsTheStats() throws Exception {
        MBeanServerConnection jmx = ManagementFactory.getPlatformMBeanServer();
        post("/v1/track", "{\"event\": \"jmx\", \"userId\": \"" + unique("user") + "\"}", "Authorization", basic("web-api-key-1"));

        ObjectName web = ProductMBeans.destinationName("web");
        JsonNode stats = stats("web");
        assertThat(jmx.getAttribute(web, "Received")).isEqualTo(stats.path("received").asLong());
        assertThat(jmx.getAttribute(web, "Stored")).isEqualTo(stats.path("stored").asLong());
        assertThat(jmx.getAttribute(web, "Duplicates")).isEqualTo(stats.path("duplicates").asLong());
    }
}
