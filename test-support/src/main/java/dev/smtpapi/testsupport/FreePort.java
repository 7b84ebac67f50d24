package dev.smtpapi.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A TCP port no one listens on right now, picked by the system (bind port 0, then close): for what a test starts
 * itself, and for an address where nothing answers. Another process may take it afterwards; tests use it at once.
 */
public final class FreePort {
    private FreePort() {
    }

    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port to bind", e);
        }
    }
}
