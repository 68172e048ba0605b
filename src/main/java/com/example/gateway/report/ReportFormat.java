package com.example.gateway.report;

import java.util.List;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/** JSON or CSV: {@code ?format=} decides when given, otherwise an {@code Accept} header that names text/csv. */
public enum ReportFormat {

    JSON, CSV;

    static final MediaType TEXT_CSV = new MediaType("text", "csv");

    public static ReportFormat of(String format, String accept) {
        if (format != null) {
            return switch (format) {
                case "json" -> JSON;
                case "csv" -> CSV;
                default -> throw new GatewayException(ErrorCode.INVALID_REQUEST,
                        "Parameter 'format' must be json or csv.");
            };
        }
        return accepts(accept) ? CSV : JSON;
    }

    private static boolean accepts(String accept) {
        if (accept == null) {
            return false;
        }
        try {
            List<MediaType> types = MediaType.parseMediaTypes(accept);
            return types.stream().anyMatch(type -> TEXT_CSV.equalsTypeAndSubtype(type) && type.getQualityValue() > 0);
        }
        catch (InvalidMediaTypeException ex) {
            return false;
        }
    }
}
