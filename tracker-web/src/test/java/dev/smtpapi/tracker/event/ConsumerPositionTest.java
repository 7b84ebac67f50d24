package dev.smtpapi.tracker.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumerPositionTest {
    @TempDir
    Path directory;

    @Test
    void aPositionIsReadBackAfterAReopen() throws Exception {
        Path file = directory.resolve("consumers").resolve("cassandra.position");
        ConsumerPosition position = ConsumerPosition.create(file, 7);
        assertThat(position.get()).isEqualTo(7);
        position.set(41);
        position.set(42);
        position.set(40); // never moves back
        position.close();

        assertThat(ConsumerPosition.create(file, 0).get()).isEqualTo(42);
    }

    @Test
    void aCommitByAThreadBeingInterruptedIsWrittenAndLaterCommitsStillAre() throws Exception {
        // A consumer is interrupted when the tracker stops; the commit it was making must neither fail nor close
        // the file for the commits after it.
        Path file = directory.resolve("cassandra.position");
        ConsumerPosition position = ConsumerPosition.create(file, 0);

        Thread.currentThread().interrupt();
        try {
            position.set(100);
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is left to the caller").isTrue();
        }
        position.set(101);
        position.close();

        assertThat(ConsumerPosition.create(file, 0).get()).isEqualTo(101);
    }
}
