package io.fmebridge.destination;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Reading and comparing the credentials of contract 3.1 and 3.2, always in constant time. */
public final class Credentials {
    private Credentials() {
    }

    /**
     * The secret an {@code Authorization} header carries: {@code Basic base64(<secret>:)},
     * {@code Bearer <secret>}, or the bare secret. Null when there is none.
     */
    public static String fromAuthorization(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("basic ")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (lower.startsWith("bearer ")) {
            return value.substring(7).trim();
        }
        return value;
    }

    public static boolean same(String presented, String expected) {
        if (presented == null || expected == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), sha256(expected));
    }

    /** True when the presented secret hashes to {@code expectedHash}, compared in constant time. */
    public static boolean matchesHash(String presented, String expectedHash) {
        if (presented == null || expectedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(presented).getBytes(StandardCharsets.US_ASCII),
                expectedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** How inbound credentials are kept: the hex SHA-256 of the secret. */
    public static String hash(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    /** True when {@code signatureHex} is the hex HMAC-SHA1 of {@code bytes[offset, offset+length)}. */
    public static boolean signatureMatches(String signatureHex, String secret, byte[] bytes, int offset, int length) {
        if (signatureHex == null || secret == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac.update(bytes, offset, length);
            byte[] expected = HexFormat.of().formatHex(mac.doFinal()).getBytes(StandardCharsets.US_ASCII);
            byte[] given = signatureHex.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, given);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
