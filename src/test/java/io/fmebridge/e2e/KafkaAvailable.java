package io.fmebridge.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only when a Kafka broker answers at {@code FME_TEST_KAFKA} (default
 * {@code 127.0.0.1:59092}, where {@code .ci/services.sh start kafka} puts one); otherwise the class
 * is reported as skipped, before its service is started. With {@code FME_SERVICE_TESTS=required}
 * (as in CI) a missing broker is a failure instead.
 */
public class KafkaAvailable implements ExecutionCondition {
    public static final String BROKERS = System.getenv().getOrDefault("FME_TEST_KAFKA", "127.0.0.1:59092");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String[] hostPort = BROKERS.split(",")[0].split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1000);
            return ConditionEvaluationResult.enabled("Kafka answers at " + BROKERS);
        } catch (IOException e) {
            if ("required".equals(System.getenv("FME_SERVICE_TESTS"))) {
                throw new IllegalStateException("no Kafka broker at " + BROKERS + " (FME_SERVICE_TESTS=required): "
                        + "start one with bash .ci/services.sh start kafka");
            }
            return ConditionEvaluationResult.disabled("no Kafka broker at " + BROKERS + "; start one with bash .ci/services.sh start kafka");
        }
    }
}
