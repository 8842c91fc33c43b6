package io.fmebridge.operations;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Camel's route reloading adds and updates the routes of a file that is added or edited; this
 * removes the routes of a file that is deleted, so that the routes directory is the whole truth.
 */
@Component
public class RemovedRouteFiles implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(RemovedRouteFiles.class);

    private final CamelContext camel;
    private final boolean enabled;
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "removed-route-files");
        t.setDaemon(true);
        return t;
    });

    public RemovedRouteFiles(CamelContext camel, @Value("${camel.main.routes-reload-enabled:false}") boolean enabled) {
        this.camel = camel;
        this.enabled = enabled;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        if (enabled) {
            checker.scheduleWithFixedDelay(this::removeRoutesOfDeletedFiles, 2, 2, TimeUnit.SECONDS);
        }
    }

    void removeRoutesOfDeletedFiles() {
        for (Route route : camel.getRoutes()) {
            Resource source = route.getSourceResource();
            if (source == null || !source.getLocation().startsWith("file:") || source.exists()) {
                continue;
            }
            String id = route.getRouteId();
            try {
                forgetHttpPaths(id);
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
                log.info("Removed route {}: its file {} was deleted", id, source.getLocation());
            } catch (Exception e) {
                log.warn("Could not remove route {} of deleted file {}: {}", id, source.getLocation(), e.toString());
            }
        }
    }

    /** The HTTP paths a removed route served are taken out of the component. */
    private void forgetHttpPaths(String routeId) {
        if (camel.hasComponent("platform-http") == null) {
            return;
        }
        var http = camel.getComponent("platform-http", org.apache.camel.component.platform.http.PlatformHttpComponent.class);
        for (var endpoint : java.util.Set.copyOf(http.getHttpEndpoints())) {
            if (endpoint.getConsumer() instanceof org.apache.camel.spi.RouteIdAware aware && routeId.equals(aware.getRouteId())) {
                http.removeHttpEndpoint(endpoint.getUri());
            }
        }
    }

    @Override
    public void destroy() {
        checker.shutdownNow();
    }
}
