package dev.smtpapi.tracker.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import dev.smtpapi.tracker.machine.MachineReason;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The counts of one campaign, from events, without a store. */
class CampaignCountsTest {
    private static TrackingEvent open(String message, String recipient, boolean machine) {
        return TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(EventType.OPEN).messageId(message)
                .campaignId(Optional.of("winter")).rcptTo(recipient).rawRcptTo(recipient)
                .machineReason(machine ? Optional.of(MachineReason.APPLE_MPP) : Optional.empty()).build();
    }

    @Test
    void a_recipient_with_a_human_and_a_machine_open_counts_once_in_the_unique_total() {
        CampaignMetrics.Counts counts = new CampaignMetrics.Counts();
        counts.add(open("m1", "ann@example.com", true));
        counts.add(open("m1", "ann@example.com", false));
        counts.add(open("m1", "ann@example.com", false));
        counts.add(open("m2", "ann@example.com", false));

        assertThat(counts.opens()).isEqualTo(new CampaignMetrics.Split(3, 1, 4));
        assertThat(counts.uniqueOpens()).isEqualTo(new CampaignMetrics.Split(2, 1, 2));
        assertThat(counts.uniqueClicks()).isEqualTo(new CampaignMetrics.Split(0, 0, 0));
    }
}
