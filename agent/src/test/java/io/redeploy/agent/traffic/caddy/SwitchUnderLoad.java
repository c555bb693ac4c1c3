package io.redeploy.agent.traffic.caddy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Switches a service between two upstreams again and again while three clients send a request every 10-20 ms each
 * (a new connection per request; keep-alive without any retry; keep-alive retrying only a request whose reused
 * connection the server had closed), waiting for each drain; prints and returns what every client saw.
 */
public final class SwitchUnderLoad {
    public static final String NEW_CONNECTION = "new-connection";
    public static final String KEEP_ALIVE_NO_RETRY = "keep-alive-no-retry";
    public static final String KEEP_ALIVE_RETRYING_STALE = "keep-alive-retrying-stale-connections";

    /** Per client: its results and how many answers came from the previous upstream after a switch had returned. */
    public record Outcome(Map<String, List<LoadClient.Result>> results, Map<String, Long> stale) {
        public List<LoadClient.Result> failed(String client) {
            return results.get(client).stream()
                    .filter(LoadClient.Result::failed)
                    .toList();
        }
    }

    private SwitchUnderLoad() {}

    public static Outcome run(
            String proxy, UpstreamSwitch sw, TestUpstream a, TestUpstream b, HttpUrl url, int switches)
            throws Exception {
        sw.switchTo(a.target());
        Map<String, OkHttpClient> clients = new LinkedHashMap<>();
        clients.put(NEW_CONNECTION, TestClients.newConnectionEach());
        clients.put(KEEP_ALIVE_NO_RETRY, TestClients.keepAliveNoRetry());
        clients.put(KEEP_ALIVE_RETRYING_STALE, TestClients.keepAliveRetryingStaleConnections());
        Map<String, LoadClient> load = new LinkedHashMap<>();
        clients.forEach((name, client) -> load.put(name, new LoadClient(name, client, url, Duration.ofSeconds(90))));
        List<long[]> windows = new ArrayList<>(); // {switch returned, next switch started}
        List<String> serving = new ArrayList<>();
        List<Long> switchMillis = new ArrayList<>();
        Map<String, List<LoadClient.Result>> results = new LinkedHashMap<>();
        try {
            Thread.sleep(300);
            TestUpstream current = a;
            TestUpstream next = b;
            long returned = System.nanoTime();
            for (int i = 0; i < switches; i++) {
                long started = System.nanoTime();
                windows.add(new long[] {returned, started});
                serving.add(current.name());
                Optional<UpstreamTarget> previous = sw.switchTo(next.target());
                returned = System.nanoTime();
                switchMillis.add((returned - started) / 1_000_000);
                assertThat(previous).contains(current.target());
                assertThat(sw.awaitDrained(current.target(), Duration.ofSeconds(5)))
                        .isZero();
                TestUpstream t = current;
                current = next;
                next = t;
                Thread.sleep(ThreadLocalRandom.current().nextLong(150, 250));
            }
            windows.add(new long[] {returned, Long.MAX_VALUE});
            serving.add(current.name());
            Thread.sleep(300);
        } finally {
            for (Map.Entry<String, LoadClient> client : load.entrySet()) {
                results.put(client.getKey(), client.getValue().stop());
            }
        }
        Map<String, Long> stale = new LinkedHashMap<>();
        results.forEach((client, r) -> stale.put(client, stale(r, windows, serving)));
        results.forEach((client, r) -> {
            System.out.printf(
                    "measure=%s.load client=%s switches=%d requests=%d failed=%d stale_after_switch=%d answered_%s=%d answered_%s=%d%n",
                    proxy,
                    client,
                    switches,
                    r.size(),
                    r.stream().filter(LoadClient.Result::failed).count(),
                    stale.get(client),
                    a.name(),
                    r.stream().filter(x -> a.name().equals(x.answeredBy())).count(),
                    b.name(),
                    r.stream().filter(x -> b.name().equals(x.answeredBy())).count());
            r.stream()
                    .filter(LoadClient.Result::failed)
                    .limit(5)
                    .forEach(x -> System.out.println("failure=" + x.failure()));
        });
        System.out.printf(
                "measure=%s.switch switches=%d call_ms_min=%d call_ms_max=%d call_ms_sum=%d%n",
                proxy,
                switches,
                switchMillis.stream().mapToLong(Long::longValue).min().orElse(-1),
                switchMillis.stream().mapToLong(Long::longValue).max().orElse(-1),
                switchMillis.stream().mapToLong(Long::longValue).sum());
        return new Outcome(results, stale);
    }

    /** Requests that started after a switch returned and ended before the next began, answered by another upstream. */
    private static long stale(List<LoadClient.Result> results, List<long[]> windows, List<String> serving) {
        long stale = 0;
        for (LoadClient.Result r : results) {
            for (int i = 0; i < windows.size(); i++) {
                if (r.startNanos() >= windows.get(i)[0]
                        && r.endNanos() <= windows.get(i)[1]
                        && !r.failed()
                        && !r.answeredBy().equals(serving.get(i))) {
                    stale++;
                }
            }
        }
        return stale;
    }
}
