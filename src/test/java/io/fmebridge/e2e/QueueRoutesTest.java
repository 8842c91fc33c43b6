package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/** fme.queue=memory, the default: the Kafka routes and beans are left out, nothing connects to Kafka. */
class QueueRoutesTest extends RunningServiceTest {
    @Autowired
    CamelContext camel;

    @Autowired
    ApplicationContext context;

    @Test
    void withoutKafkaTheKafkaRoutesAndConsumersAreLeftOut() {
        assertThat(camel.getRoutes()).extracting(Route::getRouteId).contains("segment-accept", "segment-ingest", "impressions-accept")
                .doesNotContain("segment-publish", "segment-store-records", "impressions-publish", "impressions-batch-records");
        assertThat(context.getBeanNamesForType(io.fmebridge.queue.QueueConsumers.class)).isEmpty();
        assertThat(context.getBeanNamesForType(io.fmebridge.queue.KafkaLog.class)).isEmpty();
    }
}
