package dev.smtpapi.tracker.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.suppression.InMemorySuppressionList;
import dev.smtpapi.suppression.SuppressedAddress;
import dev.smtpapi.suppression.SuppressionEntry;
import dev.smtpapi.suppression.SuppressionSource;
import dev.smtpapi.suppression.SuppressionType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SuppressionSearchTest {
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    private final InMemorySuppressionList list = new InMemorySuppressionList();

    @Test
    void pagesFollowTheCursorNewestFirstWithoutRepeatsOrGaps() {
        for (int i = 0; i < 25; i++) {
            list.put(SuppressionEntry.of(SuppressedAddress.of("reader" + i + "@example.com"),
                    SuppressionType.NON_TRANSACTIONAL, SuppressionSource.MANUALLY_ADDED, "", START.plusSeconds(i)));
        }
        List<String> seen = new ArrayList<>();
        Optional<SuppressionSearch.Cursor> cursor = Optional.empty();
        int pages = 0;
        do {
            SuppressionSearch.Page page = search(Set.of(), Set.of(), Optional.empty(), 10, cursor).run(list.all());
            assertThat(page.totalCount()).isEqualTo(25);
            page.results().forEach(entry -> seen.add(entry.recipient().value()));
            cursor = page.next().map(next -> SuppressionSearch.Cursor.decode(next.encode()));
            pages++;
        } while (cursor.isPresent());

        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(25).doesNotHaveDuplicates();
        assertThat(seen.get(0)).isEqualTo("reader24@example.com");
        assertThat(seen.get(24)).isEqualTo("reader0@example.com");
    }

    @Test
    void typesSourcesDomainAndTimeNarrowTheResults() {
        list.put(SuppressionEntry.of(SuppressedAddress.of("ann@shop.example"), SuppressionType.NON_TRANSACTIONAL,
                SuppressionSource.LIST_UNSUBSCRIBE, "one-click", START));
        list.put(SuppressionEntry.of(SuppressedAddress.of("ben@Shop.Example"), SuppressionType.TRANSACTIONAL,
                SuppressionSource.MANUALLY_ADDED, "asked support", START.plusSeconds(60)));
        list.put(SuppressionEntry.of(SuppressedAddress.of("cid@other.example"), SuppressionType.NON_TRANSACTIONAL,
                SuppressionSource.LINK_UNSUBSCRIBE, "", START.plusSeconds(120)));

        assertThat(recipients(search(Set.of(SuppressionType.NON_TRANSACTIONAL), Set.of(), Optional.empty(), 100,
                Optional.empty()))).containsExactly("cid@other.example", "ann@shop.example");
        assertThat(recipients(search(Set.of(), Set.of(SuppressionSource.MANUALLY_ADDED), Optional.empty(), 100,
                Optional.empty()))).containsExactly("ben@shop.example");
        assertThat(recipients(search(Set.of(), Set.of(), Optional.of("SHOP.example"), 100, Optional.empty())))
                .containsExactly("ben@shop.example", "ann@shop.example");
        SuppressionSearch window = new SuppressionSearch(Optional.of(START.plusSeconds(30)),
                Optional.of(START.plusSeconds(90)), Set.of(), Set.of(), Optional.empty(), Optional.of("SUPPORT"),
                true, 100, Optional.empty());
        assertThat(recipients(window)).containsExactly("ben@shop.example");
    }

    private List<String> recipients(SuppressionSearch search) {
        return search.run(list.all()).results().stream().map(entry -> entry.recipient().value()).toList();
    }

    private static SuppressionSearch search(Set<SuppressionType> types, Set<SuppressionSource> sources,
            Optional<String> domain, int perPage, Optional<SuppressionSearch.Cursor> after) {
        return new SuppressionSearch(Optional.empty(), Optional.empty(), types, sources, domain, Optional.empty(),
                false, perPage, after);
    }
}
