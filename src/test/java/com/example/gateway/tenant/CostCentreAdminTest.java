package com.example.gateway.tenant;

import java.util.UUID;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Cost centres and per-key limits through the admin API. */
class CostCentreAdminTest extends GatewayIntegrationTest {

    @Test
    void aCostCentreIsCreatedListedChangedAndShowsItsTenantsAndSpending() {
        String id = "cc-" + UUID.randomUUID().toString().substring(0, 8);
        Response created = admin("POST", "/admin/cost-centres", """
                {"id": "%s", "name": "Marketing", "monthlyBudgetUsd": "0.0094"}""".formatted(id));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("remainingUsd").decimalValue()).isEqualByComparingTo("0.0094");
        TestTenant tenant = newTenant().costCentre(id).create();

        assertThat(text2img(tenant.key(), Bodies.text2img("one")).status()).isEqualTo(200);

        Response view = admin("GET", "/admin/cost-centres/" + id, null);
        assertThat(view.json().get("tenants").get(0).asString()).isEqualTo(tenant.id());
        assertThat(view.json().get("spentUsd").decimalValue()).isEqualByComparingTo(PRICE);
        assertThat(view.json().get("remainingUsd").decimalValue()).isEqualByComparingTo(PRICE);
        assertThat(admin("GET", "/admin/tenants/" + tenant.id(), null).json().get("costCentre").asString())
            .isEqualTo(id);
        assertThat(admin("GET", "/admin/cost-centres", null).json().findValuesAsString("id")).contains(id);

        Response changed = admin("PATCH", "/admin/cost-centres/" + id, "{\"monthlyBudgetUsd\": null, \"name\": \"Sales\"}");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().get("name").asString()).isEqualTo("Sales");
        assertThat(changed.json().get("remainingUsd").isNull()).isTrue();
    }

    @Test
    void badCostCentresAreRefused() {
        String id = "cc-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin("POST", "/admin/cost-centres", "{\"id\": \"%s\", \"name\": \"A\"}".formatted(id)).status())
            .isEqualTo(201);
        assertThat(admin("POST", "/admin/cost-centres", "{\"id\": \"%s\", \"name\": \"A\"}".formatted(id)).code())
            .isEqualTo("conflict");
        assertThat(admin("POST", "/admin/cost-centres", "{\"id\": \"Bad Id\", \"name\": \"A\"}").status())
            .isEqualTo(400);
        assertThat(admin("POST", "/admin/cost-centres", "{\"id\": \"x\", \"name\": \"A\", \"monthlyBudgetUsd\": -1}")
            .status()).isEqualTo(400);
        assertThat(admin("PATCH", "/admin/cost-centres/" + id, "{\"id\": \"other\"}").status()).isEqualTo(400);
        assertThat(admin("PATCH", "/admin/cost-centres/" + id, "{\"budget\": 1}").status()).isEqualTo(400);
        assertThat(admin("PATCH", "/admin/cost-centres/" + id, "{\"name\": null}").status()).isEqualTo(400);
        assertThat(admin("GET", "/admin/cost-centres/nothing-here", null).status()).isEqualTo(404);
        Response unknown = admin("POST", "/admin/tenants", "{\"id\": \"t-%s\", \"name\": \"T\", \"costCentre\": \"nope\"}"
            .formatted(UUID.randomUUID().toString().substring(0, 8)));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("message").asString()).contains("costCentre");
        TestTenant tenant = tenant();
        assertThat(admin("PATCH", "/admin/tenants/" + tenant.id(), "{\"costCentre\": \"nope\"}").status())
            .isEqualTo(400);
        assertThat(admin("PATCH", "/admin/tenants/" + tenant.id(), "{\"costCentre\": \"%s\"}".formatted(id))
            .json().get("costCentre").asString()).isEqualTo(id);
    }

    @Test
    void aKeysLimitsAreChangedByPatchAndTakeEffectOnTheNextCall() {
        TestTenant tenant = tenant();
        String keyId = admin("GET", "/admin/tenants/" + tenant.id() + "/keys", null).json().get(0).get("id").asString();
        assertThat(text2img(tenant.key(), Bodies.text2img("before")).status()).isEqualTo(200);

        Response limited = admin("PATCH", "/admin/tenants/" + tenant.id() + "/keys/" + keyId,
                "{\"monthlyBudgetUsd\": \"0.0094\"}");

        assertThat(limited.status()).isEqualTo(200);
        assertThat(limited.json().get("spentUsd").decimalValue()).isEqualByComparingTo(PRICE);
        assertThat(limited.json().has("key")).isFalse();
        assertThat(text2img(tenant.key(), Bodies.text2img("second")).status()).isEqualTo(200);
        Response refused = text2img(tenant.key(), Bodies.text2img("third"));
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.json().get("message").asString()).contains("key");

        assertThat(admin("PATCH", "/admin/tenants/" + tenant.id() + "/keys/" + keyId, "{\"monthlyBudgetUsd\": null}")
            .status()).isEqualTo(200);
        assertThat(text2img(tenant.key(), Bodies.text2img("unlimited again")).status()).isEqualTo(200);
        assertThat(admin("PATCH", "/admin/tenants/" + tenant.id() + "/keys/" + keyId, "{\"requestsPerMinute\": 1.5}")
            .status()).isEqualTo(400);
        assertThat(admin("PATCH", "/admin/tenants/" + tenant.id() + "/keys/" + UUID.randomUUID(), "{}").status())
            .isEqualTo(404);
        assertThat(admin("POST", "/admin/tenants/" + tenant.id() + "/keys",
                "{\"name\": \"x\", \"monthlyBudgetUsd\": -1}").status()).isEqualTo(400);
    }
}
