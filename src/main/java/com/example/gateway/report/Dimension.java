package com.example.gateway.report;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

/**
 * What a usage report can be grouped by; rows and CSV columns follow this order whatever order was asked for.
 * {@link #TAG} stands for {@code tag:<key>}, the value of one tag of the calls.
 */
enum Dimension {

    TENANT("tenant"), DAY("day"), MODEL("model"), KEY("key"), COST_CENTRE("costCentre"), PROJECT("project"),
    TAG("tag");

    private final String parameter;

    Dimension(String parameter) {
        this.parameter = parameter;
    }

    String parameter() {
        return parameter;
    }

    /** One name of {@code groupBy}, without a tag's key. */
    static Dimension parse(String name) {
        for (Dimension dimension : values()) {
            if (dimension != TAG && dimension.parameter().equals(name)) {
                return dimension;
            }
        }
        throw new GatewayException(ErrorCode.INVALID_REQUEST,
                "Parameter 'groupBy' takes tenant, day, model, key, costCentre, project or tag:<key>, "
                        + "comma-separated.");
    }
}
