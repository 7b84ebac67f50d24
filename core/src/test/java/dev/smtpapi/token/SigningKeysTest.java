package dev.smtpapi.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
    private static final String SECRET_A = "q0Jm3lP8wT1vX9cY2bN6rE4tU7iO5pA8sD1fG3hJ6kL";
    private static final String SECRET_B = "Zx9Cv8Bn7Mq6Wr5Ty4Ui3Op2As1Df0Gh9Jk8Lz7Xc6V";

    @Test
    void theFirstListedKeySignsAndEveryListedKeyVerifies(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# rotated in 2026-11\n2 " + SECRET_B + "\n\n# retire after 2027-11\n1 " + SECRET_A + "\n");

        SigningKeys keys = SigningKeys.load(file);

        assertThat(keys.signing().id()).isEqualTo(2);
        assertThat(keys.byId(1)).isPresent();
        assertThat(keys.byId(9)).isEmpty();
    }

    @Test
    void errorsNameTheFileAndLineButNeverTheSecret(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys");
        Files.writeString(file, "1 " + SECRET_A + "\n1 " + SECRET_B + "\n");

        assertThatThrownBy(() -> SigningKeys.load(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 2")
                .hasMessageContaining("listed twice")
                .hasMessageNotContaining(SECRET_B);
    }

    @Test
    void shortSecretsBadIdsAndEmptyFilesAreRefused() {
        assertThatThrownBy(() -> SigningKeys.parse(List.of("1 c2hvcnQ")))
                .hasMessageContaining("at least 16 bytes");
        assertThatThrownBy(() -> SigningKeys.parse(List.of("256 " + SECRET_A)))
                .hasMessageContaining("from 0 to 255");
        assertThatThrownBy(() -> SigningKeys.parse(List.of("one " + SECRET_A)))
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> SigningKeys.parse(List.of("# nothing here")))
                .hasMessageContaining("keygen");
    }
}
