package com.example.gateway.outbound;

/**
 * An outbound URL the gateway will not call. The message completes "the URL ..." for a human (for example "must be an
 * absolute http(s) URL"), so a caller can name the field it came from.
 */
public class RefusedTarget extends RuntimeException {

    RefusedTarget(String message) {
        super(message, null, false, false);
    }
}
