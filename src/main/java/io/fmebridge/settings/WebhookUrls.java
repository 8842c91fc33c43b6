package io.fmebridge.settings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Prints each destination's webhook URL, built from {@code fme.public-url}, once the service is up. */
@Component
public class WebhookUrls {
    private static final Logger log = LoggerFactory.getLogger(WebhookUrls.class);
    private final SettingsRegistry settings;
    private final String publicUrl;

    public WebhookUrls(SettingsRegistry settings, @Value("${fme.public-url:http://localhost:${server.port:8080}}") String publicUrl) {
        this.settings = settings;
        this.publicUrl = publicUrl.replaceAll("/+$", "");
    }

    public String of(String destinationId) {
        return publicUrl + "/api/segment/webhook/" + destinationId;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void print() {
        settings.current().destinations().forEach(d -> log.info("Destination {}: webhook URL {}", d.id(), of(d.id())));
    }
}
