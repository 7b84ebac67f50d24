package dev.smtpapi.tracker.unsubscribe;

import dev.smtpapi.suppression.SuppressionEntry;
import dev.smtpapi.suppression.SuppressionSource;
import dev.smtpapi.suppression.SuppressionType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A search of the suppression list as SparkPost's {@code GET /api/v1/suppression-list} does it: entries
 * updated in {@code [from, to]}, of some types and sources, of a domain, whose description contains a text,
 * newest update first (or oldest with {@code sort=asc}), a page at a time. The cursor names the last entry of
 * the previous page, so a page never repeats or skips an entry that was there before. Pure.
 */
public record SuppressionSearch(Optional<Instant> from, Optional<Instant> to, Set<SuppressionType> types,
        Set<SuppressionSource> sources, Optional<String> domain, Optional<String> description, boolean ascending,
        int perPage, Optional<Cursor> after) {

    /** One page, the number of entries matching in all, and the cursor of the next page when there is one. */
    public record Page(List<SuppressionEntry> results, long totalCount, Optional<Cursor> next) {
    }

    /** A position in the sorted list: an entry's update time, recipient and type. */
    public record Cursor(Instant updated, String recipient, SuppressionType type) {
        public String encode() {
            String text = updated.toEpochMilli() + "|" + type.code() + "|" + recipient;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        /** @throws IllegalArgumentException for anything this API did not hand out */
        public static Cursor decode(String text) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8)
                        .split("\\|", 3);
                return new Cursor(Instant.ofEpochMilli(Long.parseLong(parts[0])), parts[2],
                        SuppressionType.fromCode(parts[1]).orElseThrow());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a cursor of this API");
            }
        }

        static Cursor of(SuppressionEntry entry) {
            return new Cursor(entry.updated(), entry.recipient().value(), entry.type());
        }
    }

    public Page run(Stream<SuppressionEntry> entries) {
        Comparator<Cursor> order = Comparator.comparing(Cursor::updated, Comparator.comparing(Instant::toEpochMilli))
                .thenComparing(Cursor::recipient).thenComparing(Cursor::type);
        Comparator<Cursor> wanted = ascending ? order : order.reversed();
        List<SuppressionEntry> matching = entries.filter(this::matches)
                .sorted(Comparator.comparing(Cursor::of, wanted)).toList();
        int start = 0;
        if (after.isPresent()) {
            while (start < matching.size() && wanted.compare(Cursor.of(matching.get(start)), after.get()) <= 0) {
                start++;
            }
        }
        int end = Math.min(matching.size(), start + perPage);
        Optional<Cursor> next = end < matching.size() ? Optional.of(Cursor.of(matching.get(end - 1)))
                : Optional.empty();
        return new Page(matching.subList(start, end), matching.size(), next);
    }

    private boolean matches(SuppressionEntry entry) {
        return from.map(time -> !entry.updated().isBefore(time)).orElse(true)
                && to.map(time -> !entry.updated().isAfter(time)).orElse(true)
                && (types.isEmpty() || types.contains(entry.type()))
                && (sources.isEmpty() || sources.contains(entry.source()))
                && domain.map(d -> entry.recipient().domain().equals(d.toLowerCase(Locale.ROOT))).orElse(true)
                && description.map(text -> entry.description().toLowerCase(Locale.ROOT)
                        .contains(text.toLowerCase(Locale.ROOT))).orElse(true);
    }
}
