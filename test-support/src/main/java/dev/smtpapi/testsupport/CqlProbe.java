package dev.smtpapi.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Whether a Cassandra node serves CQL, asked without a driver: a native-protocol v4 OPTIONS request must be
 * answered by SUPPORTED. An open port alone is not enough: a starting node listens before it answers.
 */
public final class CqlProbe {
    private static final byte[] OPTIONS = {4, 0, 0, 1, 5, 0, 0, 0, 0};

    private CqlProbe() {
    }

    /** True when {@code host:port} answers OPTIONS with SUPPORTED within half a second. */
    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write(OPTIONS);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(5);
            // A v4 response frame (0x84) whose opcode is SUPPORTED (6).
            return header.length == 5 && (header[0] & 0xff) == 0x84 && header[4] == 6;
        } catch (IOException e) {
            return false;
        }
    }
}
