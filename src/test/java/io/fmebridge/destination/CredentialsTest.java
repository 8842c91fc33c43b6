package io.fmebridge.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** The credentials of contract 3.1 and 3.2. */
class CredentialsTest {
    // A published HMAC-SHA1 example: key "key", message "The quick brown fox jumps over the lazy dog".
    private static final String MESSAGE = "The quick brown fox jumps over the lazy dog";
    private static final String HMAC_SHA1 = "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9";

    @Test
    void theBareSecretIsTheSecret() {                                 // contract 3.1: given as the bare secret
        assertThat(Credentials.fromAuthorization("hook-secret-1")).isEqualTo("hook-secret-1");
    }

    @Test
    void aBearerTokenIsTheSecret() {                                  // contract 3.1: as Bearer <secret>
        assertThat(Credentials.fromAuthorization("Bearer hook-secret-1")).isEqualTo("hook-secret-1");
    }

    @Test
    void basicWithTheSecretAsUserAndNoPasswordIsTheSecret() {         // contract 3.1, 3.2: Basic base64(<secret>:)
        String header = "Basic " + Base64.getEncoder().encodeToString("hook-secret-1:".getBytes(StandardCharsets.UTF_8));
        assertThat(Credentials.fromAuthorization(header)).isEqualTo("hook-secret-1");
    }

    @Test
    void noHeaderIsNoSecret() {                                       // contract 3.3: a missing credential is a 401
        assertThat(Credentials.fromAuthorization(null)).isNull();
        assertThat(Credentials.fromAuthorization("  ")).isNull();
    }

    @Test
    void sameIsTrueOnlyForEqualSecrets() {                            // contract 3.3: a wrong credential is a 401
        assertThat(Credentials.same("hook-secret-1", "hook-secret-1")).isTrue();
        assertThat(Credentials.same("hook-secret-2", "hook-secret-1")).isFalse();
        assertThat(Credentials.same("hook-secret", "hook-secret-1")).isFalse();
        assertThat(Credentials.same(null, "hook-secret-1")).isFalse();
        assertThat(Credentials.same("hook-secret-1", null)).isFalse();
    }

    @Test
    void theSignatureIsTheHexHmacSha1OfTheRawBody() {                 // contract 3.1: X-Signature
        byte[] body = MESSAGE.getBytes(StandardCharsets.UTF_8);
        assertThat(Credentials.signatureMatches(HMAC_SHA1, "key", body, 0, body.length)).isTrue();
        assertThat(Credentials.signatureMatches(HMAC_SHA1.toUpperCase(), "key", body, 0, body.length)).isTrue();
        assertThat(Credentials.signatureMatches(HMAC_SHA1, "other-key", body, 0, body.length)).isFalse();
        assertThat(Credentials.signatureMatches(null, "key", body, 0, body.length)).isFalse();
    }

    @Test
    void theSignatureMayCoverPartOfTheBody() {                        // contract 3.1: the HMAC of the first message of an array
        byte[] body = ("[" + MESSAGE + ",{}]").getBytes(StandardCharsets.UTF_8);
        assertThat(Credentials.signatureMatches(HMAC_SHA1, "key", body, 1, MESSAGE.length())).isTrue();
        assertThat(Credentials.signatureMatches(HMAC_SHA1, "key", body, 0, body.length)).isFalse();
    }
}
