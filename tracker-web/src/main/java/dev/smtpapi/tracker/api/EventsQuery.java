package dev.smtpapi.tracker.api;

import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One request of {@code GET /api/v1/events/message}, parsed: the window, the filters ({@code events},
 * {@code campaigns}, {@code recipients}; an empty set matches everything), the page size (1 to 10,000, default
 * 1,000) and the cursor (empty for the first page).
 */
public record EventsQuery(TimeWindow window, Set<EventType> types, Set<String> campaigns, Set<String> recipients,
        int perPage, Optional<UUID> cursor) {
    public static final int DEFAULT_PER_PAGE = 1000;
    public static final int MAX_PER_PAGE = 10_000;

    public EventsQuery {
        types = Set.copyOf(types);
        campaigns = Set.copyOf(campaigns);
        recipients = Set.copyOf(recipients);
    }

    /** @throws BadParameterException naming the first parameter that is wrong */
    public static EventsQuery parse(QueryParameters parameters, Instant now) {
        return new EventsQuery(TimeWindow.parse(parameters, now), types(parameters.list("events", false)),
                parameters.list("campaigns", false), parameters.list("recipients", true),
                perPage(parameters.string("per_page")), cursor(parameters.string("cursor")));
    }

    /** Whether the event passes every filter (the window is the store's to apply). */
    public boolean matches(TrackingEvent event) {
        return (types.isEmpty() || types.contains(event.type()))
                && (campaigns.isEmpty() || event.campaignId().filter(campaigns::contains).isPresent())
                && (recipients.isEmpty() || recipients.contains(event.rcptTo()));
    }

    private static Set<EventType> types(Set<String> codes) {
        Set<EventType> types = new HashSet<>();
        for (String code : codes) {
            types.add(EventType.fromCode(code).orElseThrow(() -> new BadParameterException("events",
                    "unknown event type; expected some of " + Arrays.stream(EventType.values())
                            .map(EventType::code).collect(Collectors.joining(", ")))));
        }
        return types;
    }

    private static int perPage(Optional<String> parameter) {
        if (parameter.isEmpty()) {
            return DEFAULT_PER_PAGE;
        }
        try {
            int value = Integer.parseInt(parameter.get());
            if (value >= 1 && value <= MAX_PER_PAGE) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new BadParameterException("per_page", "expected a number from 1 to " + MAX_PER_PAGE);
    }

    private static Optional<UUID> cursor(Optional<String> parameter) {
        if (parameter.isEmpty() || parameter.get().equals("initial")) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(parameter.get()));
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("cursor", "not a cursor of this API");
        }
    }
}
