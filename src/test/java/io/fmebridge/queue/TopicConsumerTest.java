package io.fmebridge.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.fmebridge.e2e.KafkaAvailable;
import io.fmebridge.store.ConsumerPositions;

/**
 * A consumer against the real broker: records already stored are left out, a record that can
 * never be stored is passed over once the others are stored, and a store that is down holds
 * everything back instead of passing anything over.
 */
@ExtendWith(KafkaAvailable.class)
class TopicConsumerTest {
    private final String topic = "consumer-test-" + UUID.randomUUID();
    private final List<String> stored = Collections.synchronizedList(new ArrayList<>());
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    private DriverManagerDataSource dataSource;
    private ConsumerPositions positions;
    private TopicConsumer consumer;
    private Thread thread;

    @BeforeEach
    void topicAndStore() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaAvailable.BROKERS))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        dataSource = new DriverManagerDataSource("jdbc:h2:mem:" + topic + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        positions = new ConsumerPositions(new JdbcTemplate(dataSource));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (consumer != null) {
            consumer.stop();
            thread.join(10_000);
        }
    }

    @Test
    void recordsAlreadyStoredAreLeftOut() throws Exception {
        send("r0", "r1", "r2", "r3", "r4", "r5", "r6");
        advance(new ConsumerPositions.Advance("g", topic, Map.of(), Map.of(0, 4L))); // r0 to r3 stored before

        consume(poll -> store(poll));

        assertThat(eventually(() -> stored.size() >= 3)).isTrue();
        Thread.sleep(500);
        assertThat(stored).containsExactly("r4", "r5", "r6");
        assertThat(positions.read("g", topic, java.util.Set.of(0))).isEqualTo(Map.of(0, 7L));
    }

    @Test
    void aRecordWhoseDataTheDatabaseRefusesIsPassedOver() throws Exception {
        send("r0", "r1", "poison", "r3", "r4");

        consume(poll -> {
            if (values(poll).contains("poison")) {
                // as the route gives it: the writer's refusal wrapped by Camel
                throw new org.apache.camel.CamelExecutionException("route failed", null,
                        new io.fmebridge.store.DataRefusedException("storage refused the data of this request", 1));
            }
            store(poll);
        });

        assertThat(eventually(() -> stored.size() >= 4)).isTrue();
        Thread.sleep(500);
        assertThat(stored).containsExactly("r0", "r1", "r3", "r4");
        assertThat(metrics.counter("fme.queue.passed.over", "topic", topic, "group", "g").count()).isEqualTo(1);
    }

    @Test
    void aRecordThatFailsForAnotherReasonIsHeldUntilItGoesThroughNotPassedOver() throws Exception {
        send("r0", "r1", "flaky", "r3", "r4");
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();

        consume(poll -> {
            // a passing fault (the database busy, a timeout) that outlasts the first record-by-record round
            if (values(poll).contains("flaky") && tries.incrementAndGet() <= 6) {
                throw new IllegalStateException("storage is unavailable right now");
            }
            store(poll);
        });

        assertThat(eventually(() -> stored.contains("flaky") && stored.size() >= 5)).isTrue();
        Thread.sleep(500);
        // in order, each once: the records after it waited for it
        assertThat(stored).containsExactly("r0", "r1", "flaky", "r3", "r4");
        assertThat(metrics.counter("fme.queue.passed.over", "topic", topic, "group", "g").count()).isZero();
    }

    @Test
    void aStoreThatIsDownHoldsEverythingBackUntilItIsUp() throws Exception {
        send("r0", "r1", "r2");
        AtomicBoolean down = new AtomicBoolean(true);

        consume(poll -> {
            if (down.get()) {
                throw new IllegalStateException("database down");
            }
            store(poll);
        });
        // past the third failed poll the records are tried one by one; two more failed polls show that
        // those tries ran too, and that none of the records was passed over for it
        assertThat(eventually(() -> metrics.counter("fme.queue.failed.polls", "topic", topic, "group", "g").count() >= 5)).isTrue();
        assertThat(stored).isEmpty();
        assertThat(metrics.counter("fme.queue.passed.over", "topic", topic, "group", "g").count()).isZero();
        down.set(false);

        assertThat(eventually(() -> stored.size() >= 3)).isTrue();
        Thread.sleep(500);
        assertThat(stored).containsExactly("r0", "r1", "r2");
    }

    private void consume(Consumer<Poll> handler) {
        consumer = new TopicConsumer(KafkaAvailable.BROKERS, "g", topic, Map.of(), positions, metrics, handler);
        thread = new Thread(consumer, "test-consumer");
        thread.start();
    }

    /** What a route does: stores the records and moves the positions on, in one transaction. */
    private void store(Poll poll) {
        try {
            advance(poll.advance());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        stored.addAll(values(poll));
    }

    private static List<String> values(Poll poll) {
        return poll.records().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private void advance(ConsumerPositions.Advance advance) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            ConsumerPositions.advance(c, advance);
            c.commit();
        }
    }

    private void send(String... values) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaAvailable.BROKERS,
                "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(topic, "k", v.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean eventually(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return done.getAsBoolean();
    }
}
