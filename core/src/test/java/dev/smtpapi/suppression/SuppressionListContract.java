package dev.smtpapi.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every suppression list does; run against the in-memory list and against real Cassandra. */
abstract class SuppressionListContract {
    private static final Instant MONDAY = Instant.parse("2026-11-30T09:00:00Z");
    private static final Instant TUESDAY = Instant.parse("2026-12-01T09:00:00Z");

    /** A list that holds nothing yet. */
    abstract SuppressionList emptyList();

    private static SuppressedAddress address(String text) {
        return SuppressedAddress.of(text);
    }

    @Test
    void anUnsubscribedRecipientIsFoundInOneLookupAmongTheMailsOtherRecipients() {
        SuppressionList list = emptyList();
        list.addIfAbsent(SuppressionEntry.of(address("Dora@Shop.Example"), SuppressionType.NON_TRANSACTIONAL,
                SuppressionSource.LIST_UNSUBSCRIBE, "one-click unsubscribe", MONDAY));

        assertThat(list.suppressed(List.of(address("alice@shop.example"), address("Dora@shop.example"),
                address("bob@shop.example")), SuppressionType.NON_TRANSACTIONAL))
                .containsExactly(address("Dora@SHOP.example"));
        assertThat(list.suppressed(List.of(address("Dora@shop.example")), SuppressionType.TRANSACTIONAL))
                .as("a non_transactional entry does not stop receipts").isEmpty();
    }

    @Test
    void theLocalPartIsComparedAsGivenAndTheDomainIgnoringCase() {
        SuppressionList list = emptyList();
        list.put(SuppressionEntry.of(address("Eve@example.org"), SuppressionType.NON_TRANSACTIONAL,
                SuppressionSource.MANUALLY_ADDED, "", MONDAY));

        assertThat(list.suppressed(List.of(address("Eve@EXAMPLE.ORG")), SuppressionType.NON_TRANSACTIONAL))
                .hasSize(1);
        assertThat(list.suppressed(List.of(address("eve@example.org")), SuppressionType.NON_TRANSACTIONAL))
                .isEmpty();
    }

    @Test
    void aSecondUnsubscribeAddsNothingAndKeepsTheFirstEntry() {
        SuppressionList list = emptyList();
        SuppressionEntry first = SuppressionEntry.of(address("frank@example.net"), SuppressionType.NON_TRANSACTIONAL,
                SuppressionSource.LIST_UNSUBSCRIBE, "first", MONDAY);

        assertThat(list.addIfAbsent(first)).isTrue();
        assertThat(list.addIfAbsent(SuppressionEntry.of(address("frank@example.net"),
                SuppressionType.NON_TRANSACTIONAL, SuppressionSource.LINK_UNSUBSCRIBE, "second", TUESDAY))).isFalse();

        assertThat(list.entries(address("frank@example.net"))).containsExactly(first);
    }

    @Test
    void puttingAnEntryAgainUpdatesItsSourceAndDescriptionButNotWhenItWasCreated() {
        SuppressionList list = emptyList();
        list.put(SuppressionEntry.of(address("gina@example.com"), SuppressionType.TRANSACTIONAL,
                SuppressionSource.LIST_UNSUBSCRIBE, "old", MONDAY));

        SuppressionEntry stored = list.put(SuppressionEntry.of(address("gina@example.com"),
                SuppressionType.TRANSACTIONAL, SuppressionSource.MANUALLY_ADDED, "asked support", TUESDAY));

        assertThat(stored).isEqualTo(new SuppressionEntry(address("gina@example.com"), SuppressionType.TRANSACTIONAL,
                SuppressionSource.MANUALLY_ADDED, "asked support", MONDAY, TUESDAY));
        assertThat(list.entries(address("gina@example.com"))).containsExactly(stored);
    }

    @Test
    void aRecipientMayHaveOneEntryOfEachTypeAndDeletingOneTypeKeepsTheOther() {
        SuppressionList list = emptyList();
        list.put(SuppressionEntry.of(address("hal@example.com"), SuppressionType.TRANSACTIONAL,
                SuppressionSource.MANUALLY_ADDED, "", MONDAY));
        list.put(SuppressionEntry.of(address("hal@example.com"), SuppressionType.NON_TRANSACTIONAL,
                SuppressionSource.MANUALLY_ADDED, "", MONDAY));

        assertThat(list.delete(address("hal@example.com"), Optional.of(SuppressionType.TRANSACTIONAL))).isTrue();

        assertThat(list.entries(address("hal@example.com"))).extracting(SuppressionEntry::type)
                .containsExactly(SuppressionType.NON_TRANSACTIONAL);
        assertThat(list.delete(address("hal@example.com"), Optional.empty())).isTrue();
        assertThat(list.delete(address("hal@example.com"), Optional.empty())).as("nothing left").isFalse();
        assertThat(list.entries(address("hal@example.com"))).isEmpty();
    }

    @Test
    void theFullScanListsEveryEntry() {
        SuppressionList list = emptyList();
        for (int i = 0; i < 30; i++) {
            list.put(SuppressionEntry.of(address("reader" + i + "@example.com"), SuppressionType.NON_TRANSACTIONAL,
                    SuppressionSource.MANUALLY_ADDED, "import", MONDAY));
        }

        assertThat(list.all()).hasSize(30);
    }
}
