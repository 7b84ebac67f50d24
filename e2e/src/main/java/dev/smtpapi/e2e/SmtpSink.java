package dev.smtpapi.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback SMTP server that accepts every mail and stores it as an {@code .eml} file: the "internet" of the
 * demo stack. James's RemoteDelivery uses it as its gateway, so mail for other domains can be looked at
 * instead of leaving the machine.
 *
 * <p>Each file is the message exactly as received (dot-unstuffed), preceded by two envelope headers,
 * {@code X-Sink-Mail-From} and {@code X-Sink-Rcpt-To} (one per recipient). Files appear atomically (written
 * under a temporary name, then renamed), so a reader never sees half a message.
 *
 * <p>Run it without building anything: {@code java SmtpSink.java <port> <directory>} (Java 17 or later).
 * It binds 127.0.0.1 only.
 */
public final class SmtpSink {
    private static final int MAX_LINE = 64 * 1024;

    private final ServerSocket server;
    private final Path directory;
    private final AtomicLong sequence = new AtomicLong();

    private SmtpSink(ServerSocket server, Path directory) {
        this.server = server;
        this.directory = directory;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java SmtpSink.java <port> <directory for .eml files>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path directory = Path.of(args[1]);
        Files.createDirectories(directory);
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        System.out.println("SMTP sink listening on 127.0.0.1:" + port + ", storing mail in " + directory);
        new SmtpSink(server, directory).serve();
    }

    private void serve() throws IOException {
        while (true) {
            Socket client = server.accept();
            Thread thread = new Thread(() -> converse(client), "smtp-sink-" + client.getPort());
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void converse(Socket client) {
        try (client) {
            client.setSoTimeout(120_000);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            reply(out, "220 127.0.0.1 smtpapi SMTP sink ready");
            String mailFrom = null;
            List<String> recipients = new ArrayList<>();
            while (true) {
                byte[] line = readLine(in);
                if (line == null) {
                    return;
                }
                String command = new String(line, StandardCharsets.US_ASCII);
                String verb = command.length() < 4 ? command.toUpperCase(Locale.ROOT)
                        : command.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-127.0.0.1 hello\r\n250-8BITMIME\r\n250 PIPELINING");
                    case "HELO" -> reply(out, "250 127.0.0.1 hello");
                    case "MAIL" -> {
                        mailFrom = argument(command);
                        recipients.clear();
                        reply(out, "250 2.1.0 sender ok");
                    }
                    case "RCPT" -> {
                        if (mailFrom == null) {
                            reply(out, "503 5.5.1 MAIL first");
                        } else {
                            recipients.add(argument(command));
                            reply(out, "250 2.1.5 recipient ok");
                        }
                    }
                    case "DATA" -> {
                        if (recipients.isEmpty()) {
                            reply(out, "503 5.5.1 RCPT first");
                            break;
                        }
                        reply(out, "354 end data with <CRLF>.<CRLF>");
                        byte[] message = readData(in);
                        if (message == null) {
                            return;
                        }
                        Path stored = store(mailFrom, recipients, message);
                        reply(out, "250 2.0.0 stored as " + stored.getFileName());
                        mailFrom = null;
                        recipients.clear();
                    }
                    case "RSET" -> {
                        mailFrom = null;
                        recipients.clear();
                        reply(out, "250 2.0.0 reset");
                    }
                    case "NOOP" -> reply(out, "250 2.0.0 ok");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 command not implemented");
                }
            }
        } catch (IOException e) {
            System.err.println("SMTP sink: connection ended: " + e.getMessage());
        }
    }

    /** The address between angle brackets of MAIL FROM:&lt;a&gt; or RCPT TO:&lt;b&gt;, parameters dropped. */
    private static String argument(String command) {
        int open = command.indexOf('<');
        int close = command.indexOf('>', open + 1);
        if (open >= 0 && close > open) {
            return command.substring(open + 1, close);
        }
        int colon = command.indexOf(':');
        return colon < 0 ? "" : command.substring(colon + 1).strip().split(" ")[0];
    }

    private Path store(String mailFrom, List<String> recipients, byte[] message) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream(message.length + 256);
        file.writeBytes(("X-Sink-Mail-From: <" + mailFrom + ">\r\n").getBytes(StandardCharsets.UTF_8));
        for (String recipient : recipients) {
            file.writeBytes(("X-Sink-Rcpt-To: <" + recipient + ">\r\n").getBytes(StandardCharsets.UTF_8));
        }
        file.writeBytes(message);
        String name = String.format("%d-%04d.eml", System.currentTimeMillis(), sequence.incrementAndGet());
        Path temporary = directory.resolve("." + name + ".tmp");
        Files.write(temporary, file.toByteArray());
        Path target = directory.resolve(name);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("stored " + target + " from <" + mailFrom + "> to " + recipients);
        return target;
    }

    /** The message up to the lone dot, lines ending in CRLF, with dot-stuffing undone; null at end of stream. */
    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            byte[] line = readLine(in);
            if (line == null) {
                return null;
            }
            if (line.length == 1 && line[0] == '.') {
                return message.toByteArray();
            }
            int start = line.length > 0 && line[0] == '.' ? 1 : 0;
            message.write(line, start, line.length - start);
            message.write('\r');
            message.write('\n');
        }
    }

    /** One line without its CRLF (or bare LF); null at end of stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return java.util.Arrays.copyOf(bytes, length);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return null;
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
