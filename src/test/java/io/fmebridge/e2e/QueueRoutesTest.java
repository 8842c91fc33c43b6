package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/** fme.queue=journal, the default: the Kafka beans are left out, nothing connects to Kafka; the journal's routes run. */
class QueueRoutesTest extends RunningServiceTest {
    @Autowired
    CamelContext camel;

    @Autowired
    ApplicationContext context;

    @Test
    void withoutKafkaTheKafkaRoutesAndConsumersAreLeftOut() {
        assertThat(camel.getRoutes()).extracting(Route::getRouteId).contains("segment-accept", "segment-store-records", "impressions-accept",
                "impressions-records", "journal-purge");
        assertThat(context.getBeanNamesForType(io.fmebridge.queue.QueueConsumers.class)).isEmpty();
        assertThat(context.getBeanNamesForType(io.fmebridge.queue.KafkaLog.class)).isEmpty();
        assertThat(context.getBean("segmentLog")).isInstanceOf(io.fmebridge.queue.SegmentJournal.class);
        assertThat(context.getBeanNamesForType(io.fmebridge.queue.JournalConsumers.class)).hasSize(1);
    }
}
