package io.fmebridge.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.fmebridge.destination.Credentials;
import io.fmebridge.settings.FmeProperties;

/**
 * The bearer token of every {@code /api/} endpoint that is not an ingestion endpoint:
 * {@code fme.admin-token}, or one generated at first start, saved under {@code fme.data-dir}
 * and printed once in the log.
 */
@Component
public class AdminToken {
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    private final String token;

    public AdminToken(FmeProperties properties) {
        if (properties.adminToken() != null && !properties.adminToken().isBlank()) {
            token = properties.adminToken().trim();
            return;
        }
        Path file = properties.dataDir().resolve("admin-token");
        try {
            String saved = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : "";
            if (!saved.isEmpty()) {
                token = saved;
                log.info("Admin token read from {}", file);
                return;
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(properties.dataDir());
            Files.deleteIfExists(file);
            try {
                // owner-only from the moment it exists
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            // Printed this once, as the contract promises; later starts only say where it is kept.
            log.info("Generated the admin token, saved in {}: {}", file, token);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write the admin token at " + file, e);
        }
    }

    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return Credentials.same(authorizationHeader.substring(7).trim(), token);
    }
}
