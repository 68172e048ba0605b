package com.example.gateway.console;

import java.math.BigDecimal;
import java.util.stream.Collectors;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import jakarta.validation.Validator;

import org.springframework.stereotype.Component;

/**
 * For the API's request records that the API checks with {@code @Valid}: the console parses a form into the same
 * record and checks it with the same constraints, answering as the API does ({@code Invalid field 'x' ...}).
 */
@Component
class FormChecks {

    private final Validator validator;

    FormChecks(Validator validator) {
        this.validator = validator;
    }

    <T> T valid(T request) {
        String fields = validator.validate(request).stream()
            .map(violation -> "'" + violation.getPropertyPath() + "' " + violation.getMessage())
            .sorted()
            .collect(Collectors.joining(", "));
        if (!fields.isEmpty()) {
            throw invalid("Invalid field " + fields + ".");
        }
        return request;
    }

    /** A blank field is {@code null}: no limit. */
    static BigDecimal amount(String field, String value) {
        String text = Amounts.blankToNull(value);
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(text);
        }
        catch (NumberFormatException ex) {
            throw invalid("Invalid field '" + field + "' must be an amount in USD, such as 12.50.");
        }
    }

    /** A blank field is {@code null}: no limit. */
    static Integer whole(String field, String value) {
        String text = Amounts.blankToNull(value);
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text);
        }
        catch (NumberFormatException ex) {
            throw invalid("Invalid field '" + field + "' must be a whole number.");
        }
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }
}
