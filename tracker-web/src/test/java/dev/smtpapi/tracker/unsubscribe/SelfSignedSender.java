package dev.smtpapi.tracker.unsubscribe;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A sender's own unsubscribe endpoint: a real HTTPS server on a free loopback port, with a self-signed
 * certificate made by the JDK's keytool. It records every request and answers the statuses it is told to, in
 * turn (then 200).
 */
final class SelfSignedSender implements AutoCloseable {
    record Request(String method, String path, String contentType, String body, List<String> cookies) {
    }

    private final HttpsServer server;
    private final Path certificate;
    final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final List<Integer> statuses;
    private final AtomicInteger served = new AtomicInteger();

    private SelfSignedSender(HttpsServer server, Path certificate, List<Integer> statuses) {
        this.server = server;
        this.certificate = certificate;
        this.statuses = statuses;
    }

    static SelfSignedSender start(Path directory, Integer... statuses) throws Exception {
        Path keyStore = directory.resolve("sender.p12");
        Path certificate = directory.resolve("sender.pem");
        keytool("-genkeypair", "-alias", "sender", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "sender", "-keystore", keyStore.toString(), "-storepass",
                "changeit", "-file", certificate.toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        SelfSignedSender sender = new SelfSignedSender(server, certificate, List.of(statuses));
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            sender.requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getOrDefault("Cookie", List.of())));
            int turn = sender.served.getAndIncrement();
            int status = turn < sender.statuses.size() ? sender.statuses.get(turn) : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return sender;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("keytool " + arguments[0] + " failed: " + output);
        }
    }

    URI url(String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    Path certificate() {
        return certificate;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
