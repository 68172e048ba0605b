package com.example.gateway.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The call listing. Only this class writes calls dated 2051 to 2053. */
class CallListingTest extends GatewayIntegrationTest {

    private HandMadeLedger ledger;

    @BeforeEach
    void ledger() {
        ledger = new HandMadeLedger(jdbc);
    }

    @Test
    void pagesThroughEveryCallThatExistedExactlyOnceWhileCallsKeepBeingRecorded() {
        TestTenant tenant = tenant();
        UUID key = ledger.keyOf(tenant.id());
        Instant base = Instant.parse("2051-05-10T12:00:00Z");
        Set<UUID> existing = new HashSet<>();
        for (int i = 0; i < 230; i++) {
            // Groups of five share an instant, so the request id has to break ties.
            existing.add(ledger.call(UUID.randomUUID(), tenant.id(), key, "octoflat", "success", 1, "0.0047",
                    base.plusMillis((i / 5) * 1_000L)));
        }
        AtomicBoolean paging = new AtomicBoolean(true);
        AtomicInteger inserted = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (paging.get()) {
                // Newer calls, calls inside the range already paged, and calls tying with existing instants.
                Instant at = switch (i % 3) {
                    case 0 -> base.plusSeconds(10_000 + i);
                    case 1 -> base.plusMillis((i % 46) * 1_000L);
                    default -> base.plusMillis((i % 46) * 1_000L + 1);
                };
                ledger.call(UUID.randomUUID(), tenant.id(), key, "octoflat", "success", 1, "0.0047", at);
                inserted.incrementAndGet();
                i++;
                pause(5);
            }
        });

        List<JsonNode> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        try {
            do {
                String path = "/admin/calls?tenant=" + tenant.id() + "&limit=40"
                        + (cursor == null ? "" : "&cursor=" + cursor);
                Response page = admin("GET", path, null);
                assertThat(page.status()).isEqualTo(200);
                page.json().get("items").forEach(seen::add);
                cursor = page.json().has("nextCursor") ? page.json().get("nextCursor").asString() : null;
                pages++;
                pause(20);
            }
            while (cursor != null && pages < 100);
        }
        finally {
            paging.set(false);
            writer.join();
        }

        List<UUID> ids = seen.stream().map(item -> UUID.fromString(item.get("requestId").asString())).toList();
        assertThat(inserted.get()).as("calls were recorded while paging").isPositive();
        assertThat(new HashSet<>(ids)).as("no duplicates").hasSize(ids.size());
        assertThat(ids).as("every call that existed before the first page").containsAll(existing);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(isBefore(seen.get(i), seen.get(i - 1))).as("newest first at %d", i).isTrue();
        }
    }

    @Test
    void showsEveryLedgerFieldAndOmitsTheCursorOnTheLastPage() {
        TestTenant tenant = tenant();
        UUID key = ledger.keyOf(tenant.id());
        UUID older = ledger.call(tenant.id(), key, "premium", "upstream_timeout", 2, "0.02", "2052-01-01T00:00:00Z");
        UUID newer = ledger.call(tenant.id(), key, "octoflat", "success", 1, "0.0047", "2052-01-01T00:00:00.000001Z");

        JsonNode first = admin("GET", "/admin/calls?tenant=" + tenant.id() + "&limit=1", null).json();
        JsonNode second = admin("GET", "/admin/calls?tenant=" + tenant.id() + "&limit=1&cursor="
                + first.get("nextCursor").asString(), null).json();

        assertThat(first.get("items")).hasSize(1);
        JsonNode item = first.get("items").get(0);
        assertThat(item.get("requestId").asString()).isEqualTo(newer.toString());
        assertThat(item.get("tenant").asString()).isEqualTo(tenant.id());
        assertThat(item.get("keyId").asString()).isEqualTo(key.toString());
        assertThat(item.get("model").asString()).isEqualTo("octoflat");
        assertThat(item.get("endpoint").asString()).isEqualTo("text2img");
        assertThat(item.get("outcome").asString()).isEqualTo("success");
        assertThat(item.get("upstreamId").isString()).isTrue();
        assertThat(item.get("upstreamStatus").asInt()).isEqualTo(200);
        assertThat(item.get("httpStatus").asInt()).isEqualTo(200);
        assertThat(item.get("images").asInt()).isEqualTo(1);
        assertThat(item.get("costUsd").asString()).isEqualTo("0.0047");
        assertThat(item.get("upstreamLatencyMs").asInt()).isEqualTo(850);
        assertThat(item.get("createdAt").asString()).isEqualTo("2052-01-01T00:00:00.000001Z");
        assertThat(item.get("settledAt").asString()).isEqualTo("2052-01-01T00:00:03.000001Z");
        assertThat(item.get("idempotencyKey").asString()).isEqualTo("idem-" + newer);
        assertThat(second.get("items").get(0).get("requestId").asString()).isEqualTo(older.toString());
        assertThat(second.has("nextCursor")).isFalse();
    }

    @Test
    void filtersByOutcomeAndByUtcDaysAcrossTenants() {
        TestTenant one = tenant();
        TestTenant two = tenant();
        UUID keyOne = ledger.keyOf(one.id());
        UUID keyTwo = ledger.keyOf(two.id());
        ledger.call(one.id(), keyOne, "octoflat", "success", 1, "0.0047", "2053-03-01T00:00:00Z");
        UUID failed = ledger.call(two.id(), keyTwo, "octoflat", "upstream_error", 1, "0",
                "2053-03-02T23:59:59.999999Z");
        ledger.call(two.id(), keyTwo, "octoflat", "upstream_error", 1, "0", "2053-03-03T00:00:00Z");
        ledger.call(one.id(), keyOne, "octoflat", "success", 1, "0.0047", "2053-02-28T23:59:59.999999Z");

        JsonNode march = admin("GET", "/admin/calls?from=2053-03-01&to=2053-03-02", null).json();
        JsonNode errors = admin("GET", "/admin/calls?from=2053-03-01&to=2053-03-02&outcome=upstream_error", null)
            .json();

        assertThat(march.get("items")).hasSize(2);
        assertThat(march.get("items").get(0).get("tenant").asString()).isEqualTo(two.id());
        assertThat(march.get("items").get(1).get("tenant").asString()).isEqualTo(one.id());
        assertThat(errors.get("items")).hasSize(1);
        assertThat(errors.get("items").get(0).get("requestId").asString()).isEqualTo(failed.toString());
        assertThat(march.has("nextCursor")).isFalse();
    }

    @Test
    void refusesABadLimitCursorOutcomeOrRange() {
        for (String query : List.of("limit=501", "limit=0", "limit=ten", "cursor=bm90LWEtY3Vyc29y", "cursor=!!!",
                "outcome=exploded", "from=2053-03-02&to=2053-03-01", "from=yesterday")) {
            Response response = admin("GET", "/admin/calls?" + query, null);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.code()).as(query).isEqualTo("invalid_request");
        }
        assertThat(admin("GET", "/admin/calls?limit=500&from=2099-01-01", null).status()).isEqualTo(200);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@code a} comes after {@code b} in the listing: older, or as old with a smaller request id. */
    private static boolean isBefore(JsonNode a, JsonNode b) {
        int byTime = Instant.parse(a.get("createdAt").asString())
            .compareTo(Instant.parse(b.get("createdAt").asString()));
        // PostgreSQL orders uuids bytewise, which is how their lower-case hex strings compare.
        return byTime < 0 || byTime == 0
                && a.get("requestId").asString().compareTo(b.get("requestId").asString()) < 0;
    }
}
