package dev.smtpapi.tracker.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a segment while the committer appends to it. */
class RecordReaderTest {
    @TempDir
    Path directory;

    private static ByteBuffer record(long position, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, position));
        crc.update(bytes);
        return ByteBuffer.allocate(EventLog.HEADER_BYTES + bytes.length).putInt(EventLog.MAGIC).putInt(bytes.length)
                .putLong(position).putInt((int) crc.getValue()).put(bytes).flip();
    }

    @Test
    void bytes_past_the_limit_are_not_trusted_a_record_there_is_read_once_the_limit_reaches_it() throws Exception {
        ByteBuffer first = record(1, "{\"first\":1}");
        ByteBuffer second = record(2, "{\"second\":2}");
        int firstEnd = first.remaining();
        try (FileChannel channel = FileChannel.open(directory.resolve("segment-1.log"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            channel.write(first, 0);
            // Past the readers' limit (what is synced) the file may already be as long as the next record while
            // its bytes are not all there yet: here they are still zeros.
            channel.write(ByteBuffer.allocate(second.remaining()), firstEnd);
            RecordReader reader = new RecordReader(channel, 0, firstEnd);
            assertThat(reader.next().position()).isEqualTo(1);
            assertThat(reader.next()).isNull();
            assertThat(reader.tornTailFrom()).isEqualTo(-1);

            channel.write(second.duplicate(), firstEnd);
            reader.extendTo(firstEnd + second.remaining());
            RecordReader.Record next = reader.next();

            assertThat(next).as("read from the file, not from what was buffered before the limit reached it")
                    .isNotNull();
            assertThat(next.position()).isEqualTo(2);
            assertThat(next.damagedBytes()).isZero();
            assertThat(new String(next.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"second\":2}");
        }
    }
}
