package com.example.gateway.quota;

import java.time.Duration;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

/** A call refused by one of its tenant's quotas; names the tenant, which the caller learns only from admission. */
public class AdmissionRefused extends GatewayException {

    private final String tenantId;

    AdmissionRefused(String tenantId, ErrorCode code, String message, Duration retryAfter) {
        super(code, message, retryAfter);
        this.tenantId = tenantId;
    }

    public String tenantId() {
        return tenantId;
    }
}
