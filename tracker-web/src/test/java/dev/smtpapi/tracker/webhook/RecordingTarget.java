package dev.smtpapi.tracker.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A webhook consumer on a loopback port: the JDK's HTTP server, recording every request it gets and answering
 * with the status {@link #answer} gives (200 unless told otherwise); {@link #hold} makes it hang until released.
 */
final class RecordingTarget implements AutoCloseable {
    record Received(String path, Map<String, List<String>> headers, String body, int[] status) {
        String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private volatile Function<Received, Integer> answer = request -> 200;
    private volatile Function<Received, String> answerBody = request -> "";
    private volatile CountDownLatch hold = new CountDownLatch(0);

    RecordingTarget() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Received request = new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                body, new int[1]);
        received.add(request);
        try {
            hold.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] bytes = answerBody.apply(request).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        request.status()[0] = answer.apply(request);
        exchange.sendResponseHeaders(request.status()[0], bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    /** Whether the request was answered with a 2xx (as far as this side knows: it was sent). */
    boolean answeredOk(Received request) {
        return request.status()[0] >= 200 && request.status()[0] < 300;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    void answer(Function<Received, Integer> status) {
        this.answer = status;
    }

    void answerBody(Function<Received, String> body) {
        this.answerBody = body;
    }

    /** Requests hang until {@link #release}. */
    void hold() {
        hold = new CountDownLatch(1);
    }

    void release() {
        hold.countDown();
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    List<Received> received(String path) {
        return received().stream().filter(request -> request.path().equals(path)).toList();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
