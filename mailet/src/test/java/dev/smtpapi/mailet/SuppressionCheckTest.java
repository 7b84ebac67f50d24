package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.config.Options;
import dev.smtpapi.mailet.MailetSettings.StoreFailurePolicy;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.suppression.InMemorySuppressionList;
import dev.smtpapi.suppression.SuppressedAddress;
import dev.smtpapi.suppression.SuppressionEntry;
import dev.smtpapi.suppression.SuppressionList;
import dev.smtpapi.suppression.SuppressionSource;
import dev.smtpapi.suppression.SuppressionType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

/** The suppression check on its own, over the in-memory list. */
class SuppressionCheckTest {
    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");

    private final InMemorySuppressionList entries = new InMemorySuppressionList();
    private final CountingList list = new CountingList(entries);
    private final UnsubscribeMetrics metrics = new UnsubscribeMetrics(Optional.empty());

    @Test
    void theSuppressedRecipientsAreRemovedWithOneLookupForTheWholeMail() throws Exception {
        suppress("dora@shop.example", SuppressionType.NON_TRANSACTIONAL);
        Mail mail = mail("alice@shop.example", "dora@SHOP.Example", "bob@shop.example", "Dora@shop.example");

        boolean goesOn = check(Map.of()).apply(mail, false);

        assertThat(goesOn).isTrue();
        assertThat(mail.getRecipients()).as("the local part is compared as given").containsExactly(
                new MailAddress("alice@shop.example"), new MailAddress("bob@shop.example"),
                new MailAddress("Dora@shop.example"));
        assertThat(list.lookups).isEqualTo(1);
        assertThat(metrics.suppressedRecipients().count()).isEqualTo(1);
    }

    @Test
    void aMailWhoseEveryRecipientIsSuppressedIsGhostedAndCounted() throws Exception {
        suppress("dora@shop.example", SuppressionType.NON_TRANSACTIONAL);
        Mail mail = mail("dora@shop.example");

        assertThat(check(Map.of()).apply(mail, false)).isFalse();

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(metrics.suppressedMails().count()).isEqualTo(1);
    }

    @Test
    void transactionalMailIsHeldBackOnlyByTransactionalEntries() throws Exception {
        suppress("dora@shop.example", SuppressionType.NON_TRANSACTIONAL);
        suppress("eve@shop.example", SuppressionType.TRANSACTIONAL);
        Mail receipt = mail("dora@shop.example", "eve@shop.example");

        check(Map.of()).apply(receipt, true);

        assertThat(receipt.getRecipients()).containsExactly(new MailAddress("dora@shop.example"));
    }

    @Test
    void aRecipientFoundSuppressedIsRememberedButOneFoundNotSuppressedIsAskedAgain() throws Exception {
        suppress("dora@shop.example", SuppressionType.NON_TRANSACTIONAL);
        SuppressionCheck check = check(Map.of());

        check.apply(mail("dora@shop.example", "alice@shop.example"), false);
        suppress("alice@shop.example", SuppressionType.NON_TRANSACTIONAL);
        Mail second = mail("dora@shop.example", "alice@shop.example");
        check.apply(second, false);
        Mail third = mail("dora@shop.example");
        check.apply(third, false);

        assertThat(second.getRecipients()).as("alice's new entry counts at once").isEmpty();
        assertThat(list.asked).containsExactly(List.of("dora@shop.example", "alice@shop.example"),
                List.of("alice@shop.example"));
    }

    @Test
    void whenTheListCannotBeReadTheMailGoesToTheOnStoreFailureProcessorUnchanged() throws Exception {
        list.down = true;
        Mail mail = mail("alice@shop.example", "bob@shop.example");

        boolean goesOn = new SuppressionCheck(options(Map.of()), () -> list, StoreFailurePolicy.sendTo("held"),
                metrics).apply(mail, false);

        assertThat(goesOn).isFalse();
        assertThat(mail.getState()).isEqualTo("held");
        assertThat(mail.getErrorMessage()).contains("suppression list unavailable");
        assertThat(mail.getRecipients()).hasSize(2);
        assertThat(metrics.lookupFailed().count()).isEqualTo(1);
    }

    @Test
    void whenTheListCannotBeReadAndTheMailIsToBeDeliveredAnywayEveryRecipientKeepsIt() throws Exception {
        list.down = true;
        Mail mail = mail("alice@shop.example", "bob@shop.example");

        assertThat(check(Map.of()).apply(mail, false)).isTrue();

        assertThat(mail.getRecipients()).hasSize(2);
        assertThat(mail.getState()).isEqualTo("transport");
    }

    private SuppressionCheck check(Map<String, String> parameters) {
        return new SuppressionCheck(options(parameters), () -> list, StoreFailurePolicy.deliverUntracked(), metrics);
    }

    private static UnsubscribeOptions options(Map<String, String> parameters) {
        return UnsubscribeOptions.from(Options.from(parameters));
    }

    private void suppress(String address, SuppressionType type) {
        entries.put(SuppressionEntry.of(SuppressedAddress.of(address), type, SuppressionSource.LIST_UNSUBSCRIBE,
                "", NOW));
    }

    private static Mail mail(String... recipients) throws Exception {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        return FakeMail.builder().name("Mail-suppression-test").sender("news@shop.example").recipients(addresses)
                .state("transport").build();
    }

    /** The in-memory list, recording what it is asked and able to fail like an unreachable Cassandra. */
    private static final class CountingList implements SuppressionList {
        private final SuppressionList delegate;
        int lookups;
        boolean down;
        final List<List<String>> asked = new ArrayList<>();

        CountingList(SuppressionList delegate) {
            this.delegate = delegate;
        }

        @Override
        public Set<SuppressedAddress> suppressed(Collection<SuppressedAddress> recipients, SuppressionType type) {
            if (down) {
                throw new StoreUnavailableException("cannot read the suppression list: no host available", null);
            }
            lookups++;
            asked.add(recipients.stream().map(SuppressedAddress::value).toList());
            return delegate.suppressed(recipients, type);
        }

        @Override
        public List<SuppressionEntry> entries(SuppressedAddress recipient) {
            return delegate.entries(recipient);
        }

        @Override
        public SuppressionEntry put(SuppressionEntry entry) {
            return delegate.put(entry);
        }

        @Override
        public boolean addIfAbsent(SuppressionEntry entry) {
            return delegate.addIfAbsent(entry);
        }

        @Override
        public boolean delete(SuppressedAddress recipient, Optional<SuppressionType> type) {
            return delegate.delete(recipient, type);
        }

        @Override
        public Stream<SuppressionEntry> all() {
            return delegate.all();
        }
    }
}
