package com.example.gateway.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The one shared key the simulator accepts, checked as ModelsLab checks it: in the body's {@code key}. */
class SimulatorKey {

    private final byte[] expected;

    SimulatorKey(String expected) {
        this.expected = expected.getBytes(StandardCharsets.UTF_8);
    }

    boolean accepts(LooseFields fields) {
        String key = fields.text("key");
        // Constant-time, so even the toy does not teach the habit of leaking key prefixes through timing.
        return key != null && MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), expected);
    }
}
