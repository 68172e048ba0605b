import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A fake ModelsLab that answers every POST after a delay: java bench/SlowUpstream.java PORT DELAY_MS.
 * GET /stats answers the maximum and current number of requests in flight, and how many were answered.
 */
public class SlowUpstream {

    static final byte[] SUCCESS = """
            {"status":"success","generationTime":0.65,"id":81443063,"output":["https://x/y.png"],"meta":{}}"""
        .getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        // The JDK server keeps at most 200 idle connections (and none idle over 30 s) and closes the rest; nginx in front
        // keeps up to 1,024 and would send a call down one just closed, answering 502 "upstream prematurely closed".
        System.setProperty("sun.net.httpserver.maxIdleConnections", "20000");
        System.setProperty("sun.net.httpserver.idleInterval", "600");
        int port = Integer.parseInt(args[0]);
        long delay = Long.parseLong(args[1]);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 8192);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/stats", exchange -> {
            byte[] body = ("max_in_flight=" + maxInFlight.get() + " in_flight=" + inFlight.get() + " answered="
                    + answered.get() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/", exchange -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                exchange.getRequestBody().readAllBytes();
                Thread.sleep(delay);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, SUCCESS.length);
                exchange.getResponseBody().write(SUCCESS);
                answered.incrementAndGet();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            finally {
                inFlight.decrementAndGet();
                exchange.close();
            }
        });
        server.start();
        System.out.println("SlowUpstream listening on 127.0.0.1:" + port + " delay " + delay + " ms");
    }
}
