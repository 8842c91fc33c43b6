import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Proves a broker works end to end: creates the topic services-check (3 partitions) if missing,
 * sends one record with acks=all, and reads it back in a new consumer group. Run by
 * {@code .ci/services.sh check} with the Kafka jars on the class path (Java's source launcher,
 * no build needed): java -cp 'target/kafka/VERSION/libs/*' src/test/kafka/KafkaCheck.java HOST:PORT
 */
public class KafkaCheck {
    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:59092";
        String topic = "services-check";
        long t0 = System.nanoTime();

        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(common)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        long created = System.nanoTime();

        String value = "check-" + UUID.randomUUID();
        Properties p = new Properties();
        p.putAll(common);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            sent = producer.send(new ProducerRecord<>(topic, "prod-web/user-42", value)).get();
        }
        long produced = System.nanoTime();

        Properties c = new Properties();
        c.putAll(common);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "services-check-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        boolean found = false;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (!found && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    found |= r.value().equals(value);
                }
            }
        }
        long consumed = System.nanoTime();
        if (!found) {
            System.err.println("kafka: the record sent to " + topic + " was not read back within 30 s");
            System.exit(1);
        }
        System.out.printf("kafka: %s partition %d offset %d sent and read back (topic %d ms, send %d ms, read %d ms)%n",
                topic, sent.partition(), sent.offset(), ms(t0, created), ms(created, produced), ms(produced, consumed));
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
