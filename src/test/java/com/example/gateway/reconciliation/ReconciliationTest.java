package com.example.gateway.reconciliation;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import com.example.gateway.simulator.SimulatedWallet;
import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.FakeModelsLab.Reply;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TenantBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reconciliation against the built-in simulator, run inside a replica of its own whose ModelsLab is its own
 * {@code /simulator}; and against the fake ModelsLab for a wallet endpoint that fails.
 */
class ReconciliationTest extends GatewayIntegrationTest {

    @Autowired
    WalletSnapshots snapshots;

    @Autowired
    MeterRegistry meters;

    @Test
    void afterGenerationsThroughTheGatewayTheDriftIsZero() {
        try (ExtraReplica replica = simulatorReplica(Map.of())) {
            String key = TenantBuilder.on(replica.baseUrl()).create().key();
            WalletSnapshots.Snapshot first = snapshot(replica);
            generate(replica, key, Bodies.text2img("a cat"));
            generate(replica, key, Bodies.text2img("a dog"));
            generate(replica, key, """
                    {"model_id":"octoflat","prompt":"two foxes","samples":"2"}""");
            WalletSnapshots.Snapshot second = snapshot(replica);

            JsonNode report = report(replica, first, second);
            JsonNode interval = report.get("intervals").get(0);

            assertThat(first.balanceUsd()).isEqualByComparingTo("100");
            assertThat(second.balanceUsd()).isEqualByComparingTo("99.9812");
            assertThat(report.get("intervals").size()).isEqualTo(1);
            assertThat(interval.get("balanceAtStartUsd").asString()).isEqualTo("100");
            assertThat(interval.get("balanceAtEndUsd").asString()).isEqualTo("99.9812");
            assertThat(interval.get("modelsLabSpentUsd").asString()).isEqualTo("0.0188");
            assertThat(interval.get("ledgerChargedUsd").asString()).isEqualTo("0.0188");
            assertThat(interval.get("expectedModelsLabUsd").asString()).isEqualTo("0.0188");
            assertThat(interval.get("driftUsd").asString()).isEqualTo("0");
            assertThat(interval.get("driftPercent").asString()).isEqualTo("0");
            assertThat(interval.get("topUpsUsd").asString()).isEqualTo("0");
            assertThat(interval.get("inFlightAtStart").asInt()).isZero();
            assertThat(interval.get("inFlightAtEnd").asInt()).isZero();
            assertThat(interval.get("gaps").asLong()).isZero();
            assertThat(report.get("total").get("driftUsd").asString()).isEqualTo("0");
            assertThat(report.get("total").get("modelsLabSpentUsd").asString()).isEqualTo("0.0188");
            MeterRegistry replicaMeters = replica.context().getBean(MeterRegistry.class);
            assertThat(replicaMeters.get("gateway.modelslab.balance.usd").gauge().value()).isEqualTo(99.9812);
            assertThat(replicaMeters.get("gateway.reconciliation.drift.usd").gauge().value()).isZero();
        }
    }

    @Test
    void whenModelsLabChargesMoreThanThePriceTheDriftIsTheExactDifference() {
        try (ExtraReplica replica = simulatorReplica(Map.of("gateway.simulator.usd-per-image", "0.005"))) {
            String key = TenantBuilder.on(replica.baseUrl()).create().key();
            WalletSnapshots.Snapshot first = snapshot(replica);
            generate(replica, key, Bodies.text2img("a cat"));
            generate(replica, key, Bodies.text2img("a dog"));
            WalletSnapshots.Snapshot second = snapshot(replica);

            JsonNode interval = report(replica, first, second).get("intervals").get(0);

            assertThat(interval.get("modelsLabSpentUsd").asString()).isEqualTo("0.01");
            assertThat(interval.get("expectedModelsLabUsd").asString()).isEqualTo("0.0094");
            assertThat(interval.get("driftUsd").asString()).isEqualTo("0.0006");
            // 0.0006 / 0.0094 = 6.3829...%
            assertThat(interval.get("driftPercent").asString()).isEqualTo("6.38");
        }
    }

    /**
     * The company bills teams an internal rate (0.0047) while ModelsLab takes 0.005 an image: the price says so, each
     * call records that expected ModelsLab cost, and the wallet reconciles with no drift.
     */
    @Test
    void aPriceWhoseModelsLabCostDiffersFromTheChargeReconcilesAgainstTheModelsLabCost() {
        try (ExtraReplica replica = simulatorReplica(Map.of("gateway.simulator.usd-per-image", "0.005"))) {
            Response price = send(replica.baseUrl(), "POST", "/admin/prices", """
                    {"model":"internal-rate","usdPerImage":"0.0047","modelsLabUsdPerImage":"0.005"}""",
                    Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
            assertThat(price.status()).as(price.body()).isEqualTo(201);
            String key = TenantBuilder.on(replica.baseUrl()).create().key();
            WalletSnapshots.Snapshot first = snapshot(replica);
            generate(replica, key, """
                    {"model_id":"internal-rate","prompt":"a cat"}""");
            generate(replica, key, """
                    {"model_id":"internal-rate","prompt":"a dog","samples":2}""");
            WalletSnapshots.Snapshot second = snapshot(replica);

            JsonNode interval = report(replica, first, second).get("intervals").get(0);

            assertThat(interval.get("modelsLabSpentUsd").asString()).isEqualTo("0.015");
            assertThat(interval.get("ledgerChargedUsd").asString()).isEqualTo("0.0141");
            assertThat(interval.get("expectedModelsLabUsd").asString()).isEqualTo("0.015");
            assertThat(interval.get("driftUsd").asString()).isEqualTo("0");
        }
    }

    @Test
    void aGenerationBehindTheGatewaysBackShowsAsDriftOfItsPrice() {
        try (ExtraReplica replica = simulatorReplica(Map.of())) {
            String key = TenantBuilder.on(replica.baseUrl()).create().key();
            WalletSnapshots.Snapshot first = snapshot(replica);
            generate(replica, key, Bodies.text2img("a cat"));
            Response direct = send(replica.baseUrl(), "POST", "/simulator/api/v6/images/text2img", """
                    {"key":"%s","model_id":"octoflat","prompt":"not through the gateway"}""".formatted(SHARED_KEY),
                    Map.of("Content-Type", "application/json"));
            WalletSnapshots.Snapshot second = snapshot(replica);

            JsonNode report = report(replica, first, second);
            JsonNode interval = report.get("intervals").get(0);

            assertThat(direct.json().get("status").asString()).isEqualTo("success");
            assertThat(interval.get("modelsLabSpentUsd").asString()).isEqualTo("0.0094");
            assertThat(interval.get("ledgerChargedUsd").asString()).isEqualTo("0.0047");
            assertThat(interval.get("driftUsd").asString()).isEqualTo("0.0047");
            assertThat(interval.get("driftPercent").asString()).isEqualTo("100");
            assertThat(report.get("total").get("driftUsd").asString()).isEqualTo("0.0047");
            assertThat(replica.context().getBean(MeterRegistry.class).get("gateway.reconciliation.drift.usd")
                .gauge()
                .value()).isEqualTo(0.0047);
        }
    }

    @Test
    void aTopUpIsRecognisedFromTheBalanceAndCountedExactlyOnceRecorded() {
        try (ExtraReplica replica = simulatorReplica(Map.of())) {
            String key = TenantBuilder.on(replica.baseUrl()).create().key();
            WalletSnapshots.Snapshot first = snapshot(replica);
            replica.context().getBean(SimulatedWallet.class).topUp(new BigDecimal("10"));
            Instant paidIn = Instant.now();
            generate(replica, key, Bodies.text2img("a cat"));
            WalletSnapshots.Snapshot second = snapshot(replica);

            JsonNode detected = report(replica, first, second).get("intervals").get(0);
            Response recorded = send(replica.baseUrl(), "POST", "/admin/reconciliation/top-ups", """
                    {"amountUsd":"10","at":"%s","note":"card payment"}""".formatted(paidIn),
                    Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json"));
            JsonNode exact = report(replica, first, second).get("intervals").get(0);

            // Unrecorded, only the rise is known: 10 paid in minus 0.0047 spent.
            assertThat(detected.get("topUpDetected").asBoolean()).isTrue();
            assertThat(detected.get("topUpsUsd").asString()).isEqualTo("9.9953");
            assertThat(detected.get("modelsLabSpentUsd").asString()).isEqualTo("0");
            assertThat(recorded.status()).isEqualTo(201);
            assertThat(recorded.json().get("amountUsd").asString()).isEqualTo("10");
            assertThat(exact.get("topUpDetected").asBoolean()).isFalse();
            assertThat(exact.get("topUpsUsd").asString()).isEqualTo("10");
            assertThat(exact.get("modelsLabSpentUsd").asString()).isEqualTo("0.0047");
            assertThat(exact.get("driftUsd").asString()).isEqualTo("0");
        }
    }

    @Test
    void aFailingOrGarbledWalletEndpointLeavesAGapNotAnError() {
        upstream.answer(request -> Reply.json(200, """
                {"status":"success","data":{"balance":43.6,"currency":"USD"}}"""));
        WalletSnapshots.Snapshot before = snapshots.snapshot().orElseThrow();
        double gapsBefore = meters.get("gateway.reconciliation.gaps").counter().count();
        upstream.answer(request -> Reply.json(500, """
                {"status":"error","message":"Invalid key %s"}""".formatted(SHARED_KEY)));
        WalletSnapshots.Snapshot failed = snapshots.snapshot().orElseThrow();
        upstream.answer(request -> Reply.json(200, "{\"status\":\"success\",\"data\":"));
        WalletSnapshots.Snapshot garbled = snapshots.snapshot().orElseThrow();
        upstream.answer(request -> Reply.json(200, """
                {"status":"success","data":{"balance":"lots","currency":"USD"}}"""));
        WalletSnapshots.Snapshot noNumber = snapshots.snapshot().orElseThrow();
        upstream.answer(request -> Reply.json(200, """
                {"status":"success","data":{"balance":43.5,"currency":"USD"}}"""));
        WalletSnapshots.Snapshot after = snapshots.snapshot().orElseThrow();

        JsonNode report = report(baseUrl(), before, after);
        JsonNode interval = report.get("intervals").get(0);

        assertThat(before.balanceUsd()).isEqualByComparingTo("43.6");
        assertThat(failed.balanceUsd()).isNull();
        assertThat(failed.failure()).startsWith("HTTP 500").doesNotContain(SHARED_KEY).doesNotContain("0123456789");
        assertThat(garbled.balanceUsd()).isNull();
        assertThat(garbled.failure()).isEqualTo("HTTP 200, not JSON");
        assertThat(noNumber.failure()).isEqualTo("HTTP 200, no numeric data.balance");
        assertThat(meters.get("gateway.reconciliation.gaps").counter().count()).isEqualTo(gapsBefore + 3);
        assertThat(jdbc.sql("SELECT count(*) FROM modelslab_wallet_snapshot WHERE failure LIKE ?")
            .param("%" + SHARED_KEY + "%")
            .query(Long.class)
            .single()).isZero();
        assertThat(report.get("intervals").size()).isEqualTo(1);
        assertThat(interval.get("gaps").asLong()).isEqualTo(3);
        assertThat(interval.get("modelsLabSpentUsd").asString()).isEqualTo("0.1");
        assertThat(report.get("gaps").size()).isEqualTo(3);
        assertThat(report.get("gaps").get(1).get("reason").asString()).isEqualTo("HTTP 200, not JSON");
        assertThat(upstream.received()).allSatisfy(request -> assertThat(request.path()).isEqualTo(
                "/api/wallet_balance"));
        assertThat(upstream.received().getFirst().body()).contains(SHARED_KEY);
    }

    @Test
    void theReportIsAlsoCsv() {
        try (ExtraReplica replica = simulatorReplica(Map.of())) {
            String key = TenantBuilder.on(replica.baseUrl()).create().key();
            WalletSnapshots.Snapshot first = snapshot(replica);
            generate(replica, key, Bodies.text2img("a cat"));
            WalletSnapshots.Snapshot second = snapshot(replica);

            Response csv = send(replica.baseUrl(), "GET", "/admin/reconciliation?from=" + first.takenAt() + "&to="
                    + second.takenAt(), null, Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Accept", "text/csv"));

            assertThat(csv.status()).isEqualTo(200);
            assertThat(csv.header("Content-Type")).startsWith("text/csv");
            assertThat(csv.body().lines().toList()).hasSize(2);
            assertThat(csv.body().lines().findFirst().orElseThrow()).isEqualTo("from,to,balanceAtStartUsd,"
                    + "balanceAtEndUsd,topUpsUsd,topUpDetected,modelsLabSpentUsd,ledgerChargedUsd,"
                    + "expectedModelsLabUsd,driftUsd,driftPercent,inFlightAtStart,inFlightAtEnd,upstreamTimeouts,"
                    + "upstreamUnknown,gaps");
            assertThat(csv.body().lines().toList().get(1)).contains(",100,99.9953,0,false,0.0047,0.0047,0.0047,0,0,0,0,0,0,0");
        }
    }

    private static ExtraReplica simulatorReplica(Map<String, String> properties) {
        int port = ExtraReplica.freePort();
        ExtraReplica.Builder builder = ExtraReplica.with()
            .port(port)
            .modelsLab("http://127.0.0.1:" + port + "/simulator")
            .property("gateway.simulator.enabled", "true")
            .property("gateway.simulator.expected-key", SHARED_KEY);
        properties.forEach(builder::property);
        return builder.start();
    }

    private static WalletSnapshots.Snapshot snapshot(ExtraReplica replica) {
        WalletSnapshots.Snapshot snapshot = replica.context().getBean(WalletSnapshots.class).snapshot().orElseThrow();
        assertThat(snapshot.failure()).isNull();
        return snapshot;
    }

    private static void generate(ExtraReplica replica, String key, String body) {
        Response answer = send(replica.baseUrl(), "POST", "/api/v6/images/text2img", body,
                Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("status").asString()).isEqualTo("success");
    }

    private static JsonNode report(ExtraReplica replica, WalletSnapshots.Snapshot from, WalletSnapshots.Snapshot to) {
        return report(replica.baseUrl(), from, to);
    }

    private static JsonNode report(String baseUrl, WalletSnapshots.Snapshot from, WalletSnapshots.Snapshot to) {
        Response answer = send(baseUrl, "GET", "/admin/reconciliation?from=" + from.takenAt() + "&to=" + to.takenAt(),
                null, Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }
}
