package io.fmebridge.settings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Each destination's webhook URL, built from {@code fme.public-url}; when that is not set, from
 * the port the service really listens on (so {@code server.port=0} still gives a working URL).
 * Printed once the service is up, and answered by the admin API when a destination is created.
 */
@Component
public class WebhookUrls {
    private static final Logger log = LoggerFactory.getLogger(WebhookUrls.class);
    private final SettingsRegistry settings;
    private final String configured;
    private volatile String publicUrl;

    public WebhookUrls(SettingsRegistry settings, @Value("${fme.public-url:}") String publicUrl,
                       @Value("${server.port:8080}") int port) {
        this.settings = settings;
        this.configured = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.trim().replaceAll("/+$", "");
        this.publicUrl = configured != null ? configured : "http://localhost:" + port;
    }

    @EventListener(WebServerInitializedEvent.class)
    public void listening(WebServerInitializedEvent event) {
        if (configured == null && !"management".equals(event.getApplicationContext().getServerNamespace())) {
            publicUrl = "http://localhost:" + event.getWebServer().getPort();
        }
    }

    public String of(String destinationId) {
        return publicUrl + "/api/segment/webhook/" + destinationId;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void print() {
        settings.current().destinations().forEach(d -> log.info("Destination {}: webhook URL {}", d.id(), of(d.id())));
    }
}
