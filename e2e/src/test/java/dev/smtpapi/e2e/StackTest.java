package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a stack, the end-to-end tests fail and say how to start one; they never pass or skip silently. */
class StackTest {
    @Test
    void aMissingStackFileFailsWithTheCommandToRun(@TempDir Path folder) {
        assertThatThrownBy(() -> Stack.load(folder.resolve("stack.env")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("./smtpapi test");
    }

    @Test
    void aStackFileWithoutTheTrackerFailsNamingTheKey(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("stack.env"), "SMTP_PORT=2525\nIMAP_PORT=1143\n");
        assertThatThrownBy(() -> Stack.load(file)).hasMessageContaining("has no TRACKER_URL");
    }
}
