package dev.smtpapi.tracker.api;

import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One request of {@code GET /api/v1/events/message}, parsed, with SparkPost's parameters and the names its
 * older clients still send (the Message Events API's {@code campaign_ids}, {@code message_ids},
 * {@code template_ids}, {@code transmission_ids}, {@code friendly_froms}, {@code reason}, {@code ab_test_ids},
 * {@code page}…) as synonyms. Any other parameter is refused, so a misspelt filter is never silently ignored.
 *
 * <p>Filters on fields a tracker event has (type, campaign, message, recipient, recipient domain, event id,
 * subaccount 0) select as SparkPost does; filters on fields it never has (templates, transmissions, sending
 * IPs, from addresses, bounce classes…) select nothing, since no engagement event of this tracker has them.
 * An empty set means no filter. Lists are split at {@code delimiter} (default {@code ,}).
 */
public record EventsQuery(TimeWindow window, boolean windowGiven, Filters filters, int perPage, int page,
        Optional<String> cursor) {
    public static final int DEFAULT_PER_PAGE = 1000;
    public static final int MAX_PER_PAGE = 10_000;

    /** Current name → the names that mean the same (the current one first). */
    static final Map<String, Set<String>> SYNONYMS = synonyms(
            "campaigns", "campaign_ids",
            "messages", "message_ids",
            "templates", "template_ids",
            "transmissions", "transmission_ids",
            "from_addresses", "friendly_froms",
            "reasons", "reason",
            "ab_tests", "ab_test_ids",
            "event_ids", "",
            "events", "",
            "recipients", "",
            "recipient_domains", "",
            "subaccounts", "",
            "bounce_classes", "",
            "sending_ips", "",
            "ip_pools", "",
            "sending_domains", "",
            "subjects", "",
            "mailbox_providers", "",
            "mailbox_provider_regions", "",
            "ab_test_versions", "",
            "geo_ip_countries", "");
    /** Parameters that are not filters. */
    static final Set<String> CONTROLS = Set.of("from", "to", "timezone", "delimiter", "per_page", "page", "cursor");
    /** Filters no event of this tracker can match. */
    private static final Set<String> NEVER_MATCHED = Set.of("templates", "transmissions", "from_addresses", "reasons",
            "ab_tests", "bounce_classes", "sending_ips", "ip_pools", "sending_domains", "subjects",
            "mailbox_providers", "mailbox_provider_regions", "ab_test_versions", "geo_ip_countries");

    /** The filters of a query; {@link #fingerprint} ties a cursor to them. */
    public record Filters(Set<EventType> types, Set<String> campaigns, Set<String> messages, Set<String> recipients,
            Set<String> recipientDomains, Set<UUID> eventIds, boolean matchesNothing) {
        public Filters {
            types = Set.copyOf(types);
            campaigns = Set.copyOf(campaigns);
            messages = Set.copyOf(messages);
            recipients = Set.copyOf(recipients);
            recipientDomains = Set.copyOf(recipientDomains);
            eventIds = Set.copyOf(eventIds);
        }

        public static Filters none() {
            return new Filters(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), false);
        }

        /** Whether the event passes every filter (the window is the store's to apply). */
        public boolean matches(TrackingEvent event) {
            return !matchesNothing
                    && (types.isEmpty() || types.contains(event.type()))
                    && (campaigns.isEmpty() || event.campaignId().filter(campaigns::contains).isPresent())
                    && (messages.isEmpty() || messages.contains(event.messageId()))
                    && (recipients.isEmpty() || recipients.contains(event.rcptTo()))
                    && (recipientDomains.isEmpty() || recipientDomains.contains(domainOf(event.rcptTo())))
                    && (eventIds.isEmpty() || eventIds.contains(event.eventId()));
        }

        /** A stable digest of the filters, so a cursor is not used with other filters than its own. */
        public String fingerprint() {
            String canonical = new TreeSet<>(types.stream().map(EventType::code).toList()) + "|"
                    + new TreeSet<>(campaigns) + "|" + new TreeSet<>(messages) + "|" + new TreeSet<>(recipients) + "|"
                    + new TreeSet<>(recipientDomains) + "|" + new TreeSet<>(eventIds) + "|" + matchesNothing;
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return Long.toHexString(crc.getValue());
        }

        private static String domainOf(String address) {
            int at = address.lastIndexOf('@');
            return at < 0 ? "" : address.substring(at + 1);
        }
    }

    /**
     * @param settled the default {@code to}: the time up to which every recorded event is in Cassandra
     * @throws BadParameterException naming the first parameter that is wrong or unknown
     */
    public static EventsQuery parse(QueryParameters parameters, Instant settled) {
        for (String name : new TreeSet<>(parameters.names())) {
            if (!CONTROLS.contains(name) && SYNONYMS.values().stream().noneMatch(names -> names.contains(name))) {
                throw new BadParameterException(name, "unknown parameter; the events API takes "
                        + new TreeSet<>(CONTROLS) + " and the filters " + SYNONYMS.keySet());
            }
        }
        String delimiter = parameters.string("delimiter").orElse(",");
        boolean windowGiven = parameters.string("from").isPresent() || parameters.string("to").isPresent();
        TimeWindow window = TimeWindow.parse(parameters, settled);
        boolean matchesNothing = false;
        for (String filter : NEVER_MATCHED) {
            matchesNothing |= !list(parameters, filter, delimiter, false).isEmpty();
        }
        Set<String> subaccounts = list(parameters, "subaccounts", delimiter, false);
        matchesNothing |= !subaccounts.isEmpty() && !subaccounts.contains("0");
        Filters filters = new Filters(types(list(parameters, "events", delimiter, false)),
                list(parameters, "campaigns", delimiter, false), list(parameters, "messages", delimiter, false),
                list(parameters, "recipients", delimiter, true), list(parameters, "recipient_domains", delimiter, true),
                eventIds(list(parameters, "event_ids", delimiter, false)), matchesNothing);
        return new EventsQuery(window, windowGiven, filters, number(parameters, "per_page", DEFAULT_PER_PAGE,
                MAX_PER_PAGE), number(parameters, "page", 1, Integer.MAX_VALUE), parameters.string("cursor")
                .filter(cursor -> !cursor.equals("initial")));
    }

    /** The values of a filter under all its names, merged. */
    private static Set<String> list(QueryParameters parameters, String filter, String delimiter, boolean lowerCase) {
        Set<String> values = new HashSet<>();
        for (String name : SYNONYMS.get(filter)) {
            parameters.string(name).ifPresent(value -> Arrays.stream(value.split(java.util.regex.Pattern.quote(delimiter)))
                    .map(String::strip)
                    .filter(item -> !item.isEmpty())
                    .map(item -> lowerCase ? item.toLowerCase(Locale.ROOT) : item)
                    .forEach(values::add));
        }
        return values;
    }

    private static Set<EventType> types(Set<String> codes) {
        Set<EventType> types = new HashSet<>();
        for (String code : codes) {
            types.add(EventType.fromCode(code).orElseThrow(() -> new BadParameterException("events",
                    "unknown event type '" + code + "'; this tracker records "
                            + Arrays.stream(EventType.values()).map(EventType::code).collect(Collectors.joining(", ")))));
        }
        return types;
    }

    private static Set<UUID> eventIds(Set<String> ids) {
        Set<UUID> parsed = new HashSet<>();
        for (String id : ids) {
            try {
                parsed.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                throw new BadParameterException("event_ids", "not an event id: " + id);
            }
        }
        return parsed;
    }

    private static int number(QueryParameters parameters, String name, int defaultValue, int max) {
        Optional<String> value = parameters.string(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value.get());
            if (number >= 1 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new BadParameterException(name, "expected a number from 1 to " + max);
    }

    private static Map<String, Set<String>> synonyms(String... pairs) {
        Map<String, Set<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1].isEmpty() ? Set.of(pairs[i]) : Set.of(pairs[i], pairs[i + 1]));
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
