package io.fmebridge.readout;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.fmebridge.api.JsonAnswers;
import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.readout.ReadoutQuery.AttributeFilter;

/**
 * {@code GET /api/environments/{env}/flags/{flag}/readout}: the experiment readout of a flag, as
 * JSON, or as CSV with {@code format=csv} or {@code Accept: text/csv}. Behind the admin token, as
 * every query call ({@link io.fmebridge.api.AdminTokenFilter}).
 */
@RestController
public class ReadoutController {
    private static final Logger log = LoggerFactory.getLogger(ReadoutController.class);
    static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

    private final Readouts readouts;

    public ReadoutController(Readouts readouts) {
        this.readouts = readouts;
    }

    @GetMapping("/api/environments/{env}/flags/{flag}/readout")
    public ResponseEntity<?> readout(@PathVariable String env, @PathVariable String flag,
                                     @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                     @RequestParam(required = false) List<String> metric,
                                     @RequestParam(required = false) String attribute, @RequestParam(required = false) String value,
                                     @RequestParam(required = false) String format,
                                     @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        boolean csv = wantsCsv(format, accept);
        long fromMillis = from == null || from.isBlank() ? 0 : time("from", from, false);
        long toMillis = to == null || to.isBlank() ? System.currentTimeMillis() : time("to", to, true);
        AttributeFilter filter = filter(attribute, value);
        List<String> metrics = new ArrayList<>();
        if (metric != null) {
            metric.stream().flatMap(m -> java.util.Arrays.stream(m.split(","))).map(String::trim).filter(m -> !m.isEmpty())
                    .forEach(metrics::add);
        }
        Readout readout = readouts.readout(new Readouts.Request(env, flag, fromMillis, toMillis, metrics, filter));
        if (csv) {
            return ResponseEntity.ok().contentType(CSV)
                    .header("Content-Disposition", "attachment; filename=\"readout-" + fileName(env) + "-" + fileName(flag) + ".csv\"")
                    .body(ReadoutCsv.of(readout));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(readout);
    }

    /** The database failed under the readout (busy, gone): a 503 to retry, never a 500 with a trace. */
    @ExceptionHandler(DataAccessException.class)
    public ResponseEntity<String> databaseFailed(DataAccessException e) {
        log.warn("The readout failed in the database: {}", e.getMostSpecificCause().toString());
        return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, "5").contentType(MediaType.APPLICATION_JSON)
                .body(JsonAnswers.error("the readout could not be computed now (the database failed); retry later"));
    }

    private static boolean wantsCsv(String format, String accept) {
        if (format != null && !format.isBlank()) {
            return switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw RequestRejectedException.badRequest("format must be json or csv, not '" + format + "'");
            };
        }
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
    }

    /** An ISO-8601 instant ({@code 2026-03-01T00:00:00Z}) or a day ({@code 2026-03-01}: its start, or for {@code to} its end). */
    static long time(String name, String text, boolean endOfDay) {
        String t = text.trim();
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException notAnInstant) {
            try {
                LocalDate day = LocalDate.parse(t);
                return endOfDay ? day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - 1
                        : day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            } catch (DateTimeParseException notADay) {
                throw RequestRejectedException.badRequest(name + " must be an ISO-8601 time such as 2026-03-01T00:00:00Z "
                        + "or a day such as 2026-03-01, not '" + text + "'");
            }
        }
    }

    private static AttributeFilter filter(String attribute, String value) {
        boolean hasAttribute = attribute != null && !attribute.isBlank();
        if (hasAttribute != (value != null)) {
            throw RequestRejectedException.badRequest("give attribute and value together: the readout keeps the keys whose "
                    + "attribute has that value");
        }
        return hasAttribute ? new AttributeFilter(attribute.trim(), value) : null;
    }

    private static String fileName(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
