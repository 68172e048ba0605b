import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Tiny load generator for the gateway benchmark (wrk cannot hold a fixed rate and wrk2 is not packaged in Debian).
 *
 * <pre>
 * java bench/FixedRate.java rate  URL KEY RPS SECONDS [WARMUP_SECONDS]
 * java bench/FixedRate.java burst URL KEY N
 * </pre>
 *
 * rate: sends one POST every 1/RPS s on its own virtual thread, at scheduled instants (open model, so a slow server does
 * not slow the sender down). Latency is measured from the scheduled instant (corrected for coordinated omission) and also
 * from the actual send. Requests during the warm-up are sent but not recorded.
 * burst: starts N POSTs at once and waits for all of them.
 * Prints one line: key=value pairs, latencies in ms.
 */
public class FixedRate {

    static final String BODY = "{\"prompt\":\"a cat\",\"model_id\":\"octoflat\"}";

    record Sample(long scheduledNanos, long sentNanos, long doneNanos, int status, String error) {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        URI uri = URI.create(args[1]);
        String key = args[2];
        HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
        HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(BODY))
            .build();
        switch (mode) {
            case "rate" -> rate(client, request, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    args.length > 5 ? Integer.parseInt(args[5]) : 5);
            case "burst" -> burst(client, request, Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException(mode);
        }
        System.exit(0);
    }

    static void rate(HttpClient client, HttpRequest request, int rps, int seconds, int warmupSeconds)
            throws InterruptedException {
        long interval = 1_000_000_000L / rps;
        int warmup = rps * warmupSeconds;
        int total = warmup + rps * seconds;
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + 50_000_000L;
        long maxLag = 0;
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            maxLag = Math.max(maxLag, System.nanoTime() - scheduled);
            boolean record = i >= warmup;
            Thread.ofVirtual().start(() -> {
                long sent = System.nanoTime();
                try {
                    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    if (record) {
                        samples.add(new Sample(scheduled, sent, System.nanoTime(), response.statusCode(), null));
                    }
                }
                catch (Exception ex) {
                    if (record) {
                        samples.add(new Sample(scheduled, sent, System.nanoTime(), -1, ex.toString()));
                    }
                }
                finally {
                    done.countDown();
                }
            });
        }
        done.await();
        report("rate", samples, rps * (long) seconds, interval * (long) rps * seconds, maxLag);
    }

    static void burst(HttpClient client, HttpRequest request, int n) throws InterruptedException {
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Thread.ofVirtual().start(() -> {
                long sent = System.nanoTime();
                try {
                    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    samples.add(new Sample(start, sent, System.nanoTime(), response.statusCode(),
                            response.statusCode() == 200 ? null : new String(response.body())));
                }
                catch (Exception ex) {
                    samples.add(new Sample(start, sent, System.nanoTime(), -1, ex.toString()));
                }
                finally {
                    done.countDown();
                }
            });
        }
        done.await();
        report("burst", samples, n, System.nanoTime() - start, 0);
    }

    static void report(String mode, ConcurrentLinkedQueue<Sample> samples, long expected, long spanNanos, long maxLag) {
        Sample[] all = samples.toArray(Sample[]::new);
        double[] fromScheduled = Arrays.stream(all).mapToDouble(s -> (s.doneNanos - s.scheduledNanos) / 1e6).sorted()
            .toArray();
        double[] fromSent = Arrays.stream(all).mapToDouble(s -> (s.doneNanos - s.sentNanos) / 1e6).sorted().toArray();
        long ok = Arrays.stream(all).filter(s -> s.status == 200).count();
        StringBuilder errors = new StringBuilder();
        Arrays.stream(all).filter(s -> s.status != 200).map(s -> s.status + ":" + s.error).distinct().limit(5)
            .forEach(e -> errors.append(" [").append(e.replace('\n', ' ')).append(']'));
        System.out.printf(
                "mode=%s requests=%d ok=%d errors=%d achieved_rps=%.1f p50=%.3f p90=%.3f p99=%.3f p999=%.3f max=%.3f"
                        + " sent_p50=%.3f sent_p99=%.3f max_sender_lag_ms=%.3f%s%n",
                mode, all.length, ok, all.length - ok, all.length / (spanNanos / 1e9), pct(fromScheduled, 50),
                pct(fromScheduled, 90), pct(fromScheduled, 99), pct(fromScheduled, 99.9), pct(fromScheduled, 100),
                pct(fromSent, 50), pct(fromSent, 99), maxLag / 1e6,
                errors.isEmpty() ? "" : " first_errors:" + errors);
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
