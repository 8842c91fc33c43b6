package io.fmebridge.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.NestedExceptionUtils;

import io.fmebridge.Application;

/** Contract 2: a wrong settings file stops start-up with a message naming the file, the entry and the problem. */
class WrongSettingsStopStartupTest {

    @Test
    void startupStopsAndSaysWhatIsWrong(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("integrations.yml");
        Files.writeString(file, """
                environments:
                  - id: prod
                    trafficTypes: [user]
                destinations:
                  - id: web
                    environment: staging
                    trafficType: user
                    apiKey: api-key-0001
                    webhookSecret: hook-secret-0001
                """);

        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(Application.class).run(
                "--server.port=0", "--fme.data-dir=" + dir.resolve("data"), "--fme.admin-token=x",
                "--fme.integrations-file=" + file, "--camel.main.routes-include-pattern=", "--camel.main.routes-reload-enabled=false"));

        Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
        assertThat(cause).isInstanceOf(SettingsException.class);
        FailureAnalysis analysis = new SettingsFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription())
                .contains(file.toString())
                .contains("destinations[0] 'web'")
                .contains("unknown environment 'staging'");
    }
}
