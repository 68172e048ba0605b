package com.example.gateway.report;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

/** What a usage report can be grouped by; rows and CSV columns follow this order whatever order was asked for. */
enum Dimension {

    TENANT, DAY, MODEL, KEY;

    String parameter() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code groupBy}, e.g. {@code tenant,day}; absent means by tenant. */
    static Set<Dimension> parseAll(String groupBy) {
        if (groupBy == null) {
            return EnumSet.of(TENANT);
        }
        Set<Dimension> dimensions = EnumSet.noneOf(Dimension.class);
        for (String name : groupBy.split(",", -1)) {
            dimensions.add(parse(name.strip()));
        }
        return dimensions;
    }

    private static Dimension parse(String name) {
        for (Dimension dimension : values()) {
            if (dimension.parameter().equals(name)) {
                return dimension;
            }
        }
        throw new GatewayException(ErrorCode.INVALID_REQUEST,
                "Parameter 'groupBy' takes tenant, day, model or key, comma-separated.");
    }
}
