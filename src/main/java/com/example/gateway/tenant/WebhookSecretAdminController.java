package com.example.gateway.tenant;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Issues the secrets relayed webhooks are signed with; the admin token guards everything under {@code /admin}. */
@RestController
@Tag(name = "Admin: tenants")
class WebhookSecretAdminController {

    private final WebhookSecrets secrets;

    WebhookSecretAdminController(WebhookSecrets secrets) {
        this.secrets = secrets;
    }

    @PostMapping("/admin/tenants/{id}/webhook-secret")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create (or rotate) the tenant's webhook signing secret",
            description = "The answer is the only time the secret is shown. Relayed webhooks are signed with it "
                    + "(Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature). A previous secret keeps "
                    + "signing beside the new one for 24 hours, so webhook-signature carries both meanwhile.")
    WebhookSecretView create(@PathVariable String id) {
        return new WebhookSecretView(secrets.create(id));
    }

    /** @param secret {@code whsec_} and the base64 of the key, as Standard Webhooks libraries take it */
    record WebhookSecretView(String secret) {
    }
}
