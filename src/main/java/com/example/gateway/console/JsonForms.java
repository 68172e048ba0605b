package com.example.gateway.console;

import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Turns a submitted form into the JSON body the admin API takes, so that the console goes through the very same
 * parsing and validation as {@code POST /admin/tenants}, {@code PATCH /admin/tenants/{id}} and {@code POST /admin/prices}
 * and answers with the same messages. Whole numbers are sent as numbers and amounts as strings (kept exact); anything
 * else is sent as typed, for the API's validation to name.
 */
@Component
class JsonForms {

    private final JsonMapper json;

    JsonForms(JsonMapper json) {
        this.json = json;
    }

    /** @param fields a blank value is left out, or sent as {@code null} when {@code blankIsNull} */
    String body(Map<String, String> fields, boolean blankIsNull) {
        ObjectNode body = json.createObjectNode();
        fields.forEach((name, value) -> {
            String text = Amounts.blankToNull(value);
            if (text == null) {
                if (blankIsNull) {
                    body.putNull(name);
                }
            }
            else if (text.matches("-?[0-9]{1,9}") && !name.endsWith("Usd") && !name.startsWith("usd")
                    && !name.startsWith("modelsLabUsd")) {
                body.put(name, Integer.parseInt(text));
            }
            else {
                body.put(name, text);
            }
        });
        return json.writeValueAsString(body);
    }

    String body(String name, boolean value) {
        ObjectNode body = json.createObjectNode();
        body.put(name, value);
        return json.writeValueAsString(body);
    }
}
