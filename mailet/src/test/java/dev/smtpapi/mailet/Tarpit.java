package dev.smtpapi.mailet;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A contact point that accepts TCP connections and never answers: what a Cassandra behind a black-holing
 * firewall, or a hung one, looks like to the driver. Listens on a free loopback port; reads and discards
 * whatever it is sent.
 */
final class Tarpit implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private Tarpit(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::acceptForever, "tarpit-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static Tarpit start() throws IOException {
        return new Tarpit(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    String contactPoint() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                held.add(socket);
                accepted.incrementAndGet();
                Thread sink = new Thread(() -> discard(socket), "tarpit-sink");
                sink.setDaemon(true);
                sink.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void discard(Socket socket) {
        byte[] buffer = new byte[4096];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // never answer
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : held) {
            socket.close();
        }
    }
}
