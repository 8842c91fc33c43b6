package io.fmebridge.benchmark;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Realistic Segment messages of about 700 bytes, as analytics.js sends them: 70% track, 15%
 * identify, 10% page, 5% group, each with a messageId never used before. The same generator feeds
 * the service and the naive ceiling, so both get the same bodies.
 */
final class SegmentTraffic {
    private static final String[] EVENTS = {"Order Completed", "Product Viewed", "Product Added", "Checkout Started",
            "Signed Up", "Cart Viewed", "Coupon Applied", "Search Performed"};
    private static final String[] PAGES = {"home", "pricing", "signup", "checkout", "docs", "blog"};
    private static final String[] PLANS = {"free", "pro", "team", "enterprise"};
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final SplittableRandom random;
    private final String runId;

    SegmentTraffic(long seed, String runId) {
        this.random = new SplittableRandom(seed);
        this.runId = runId;
    }

    /** {@code {"batch": [...]}} of {@code count} messages. */
    String batch(int count) {
        StringBuilder body = new StringBuilder(count * 760 + 16).append("{\"batch\":[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                body.append(',');
            }
            message(body);
        }
        return body.append("]}").toString();
    }

    /** One message, as the webhook destination sends it. */
    String single() {
        StringBuilder body = new StringBuilder(800);
        message(body);
        return body.toString();
    }

    private void message(StringBuilder b) {
        int pick = random.nextInt(100);
        String user = "user-" + (100_000 + random.nextInt(20_000));
        String anonymous = hex(random.nextLong()) + "-" + hex(random.nextLong()).substring(0, 8);
        String messageId = "ajs-next-" + runId + "-" + Long.toString(SEQUENCE.incrementAndGet(), 36) + "-"
                + hex(random.nextLong()).substring(0, 12);
        long sent = 1_764_000_000_000L + random.nextInt(86_400_000);
        String time = java.time.Instant.ofEpochMilli(sent).toString();
        if (pick < 70) {
            String event = EVENTS[random.nextInt(EVENTS.length)];
            b.append("{\"type\":\"track\",\"event\":\"").append(event).append("\",\"userId\":\"").append(user)
                    .append("\",\"anonymousId\":\"").append(anonymous).append("\",\"messageId\":\"").append(messageId)
                    .append("\",\"timestamp\":\"").append(time).append("\",\"properties\":{\"revenue\":")
                    .append(random.nextInt(20_000) / 100.0).append(",\"currency\":\"USD\",\"product_id\":\"sku-")
                    .append(random.nextInt(5_000)).append("\",\"category\":\"books\",\"quantity\":").append(1 + random.nextInt(4))
                    .append(",\"coupon\":\"SPRING26\",\"address\":{\"city\":\"Lyon\",\"country\":\"FR\"}},");
        } else if (pick < 85) {
            b.append("{\"type\":\"identify\",\"userId\":\"").append(user).append("\",\"anonymousId\":\"").append(anonymous)
                    .append("\",\"messageId\":\"").append(messageId).append("\",\"timestamp\":\"").append(time)
                    .append("\",\"traits\":{\"email\":\"").append(user).append("@example.com\",\"name\":\"Ada Lovelace\",\"plan\":\"")
                    .append(PLANS[random.nextInt(PLANS.length)]).append("\",\"seats\":").append(1 + random.nextInt(50))
                    .append(",\"verified\":true,\"company\":{\"name\":\"Acme\",\"size\":120}},");
        } else if (pick < 95) {
            String page = PAGES[random.nextInt(PAGES.length)];
            b.append("{\"type\":\"page\",\"name\":\"").append(page).append("\",\"userId\":\"").append(user)
                    .append("\",\"anonymousId\":\"").append(anonymous).append("\",\"messageId\":\"").append(messageId)
                    .append("\",\"timestamp\":\"").append(time).append("\",\"properties\":{\"path\":\"/").append(page)
                    .append("\",\"url\":\"https://shop.example.com/").append(page)
                    .append("\",\"title\":\"Example shop\",\"referrer\":\"https://www.google.com/\"},");
        } else {
            b.append("{\"type\":\"group\",\"groupId\":\"account-").append(random.nextInt(2_000)).append("\",\"userId\":\"")
                    .append(user).append("\",\"anonymousId\":\"").append(anonymous).append("\",\"messageId\":\"").append(messageId)
                    .append("\",\"timestamp\":\"").append(time).append("\",\"traits\":{\"name\":\"Acme Inc\",\"industry\":\"retail\",")
                    .append("\"employees\":").append(10 + random.nextInt(5_000)).append(",\"plan\":\"enterprise\"},");
        }
        b.append("\"context\":{\"ip\":\"10.").append(random.nextInt(255)).append('.').append(random.nextInt(255))
                .append(".7\",\"library\":{\"name\":\"analytics.js\",\"version\":\"next-1.70.0\"},\"locale\":\"en-US\",")
                .append("\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36\",")
                .append("\"page\":{\"path\":\"/checkout\",\"url\":\"https://shop.example.com/checkout\"}},")
                .append("\"integrations\":{},\"originalTimestamp\":\"").append(time).append("\",\"sentAt\":\"").append(time)
                .append("\"}");
    }

    /** An FME SDK impressions bulk (contract 5.1): {@code count} impressions over a few flags. */
    String impressions(int count, String keyPrefix) {
        int flags = 10;
        StringBuilder b = new StringBuilder(count * 130 + flags * 40).append('[');
        for (int f = 0; f < flags; f++) {
            b.append(f == 0 ? "" : ",").append("{\"f\":\"flag_").append(f).append("\",\"i\":[");
            int from = count * f / flags;
            int to = count * (f + 1) / flags;
            for (int i = from; i < to; i++) {
                b.append(i == from ? "" : ",").append("{\"k\":\"").append(keyPrefix).append(i).append("\",\"t\":\"")
                        .append(random.nextBoolean() ? "on" : "off").append("\",\"m\":").append(1_764_000_000_000L + random.nextInt(1_000_000))
                        .append(",\"c\":1764000000123,\"r\":\"default rule\",\"b\":\"bk-").append(i).append("\"}");
            }
            b.append("]}");
        }
        return b.append(']').toString();
    }

    private static String hex(long value) {
        String h = Long.toHexString(value);
        return "0000000000000000".substring(h.length()) + h;
    }
}
