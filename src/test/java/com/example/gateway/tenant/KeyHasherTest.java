package com.example.gateway.tenant;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HMAC secret under which tenant keys are stored must be configured, except for the zero-setup local run. */
class KeyHasherTest {

    @Test
    void refusesToStartWithoutASecretOutsideTheLocalProfile() {
        MockEnvironment production = new MockEnvironment();
        MockEnvironment test = new MockEnvironment();
        test.setActiveProfiles("test");

        assertThatThrownBy(() -> new KeyHasher(new KeyProperties(null), production))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("GATEWAY_KEY_HMAC_SECRET (gateway.keys.hmac-secret) is not set.");
        assertThatThrownBy(() -> new KeyHasher(new KeyProperties("  "), test))
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLocalProfileFallsBackToTheBuiltInSecretAndAConfiguredSecretIsUsedEverywhere() {
        MockEnvironment local = new MockEnvironment();
        local.setActiveProfiles("local");
        MockEnvironment production = new MockEnvironment();

        byte[] builtIn = new KeyHasher(new KeyProperties(null), local).hash("mlg_abc");
        byte[] configured = new KeyHasher(new KeyProperties("s3cret"), production).hash("mlg_abc");

        assertThat(builtIn).isEqualTo(new KeyHasher(new KeyProperties("modelslab-gateway-default-key-hmac"), local)
            .hash("mlg_abc"));
        assertThat(configured).isNotEqualTo(builtIn)
            .isEqualTo(new KeyHasher(new KeyProperties("s3cret"), local).hash("mlg_abc"));
    }
}
