package com.example.gateway.simulator;

/**
 * A request field the simulator cannot read; answered with HTTP 400 and ModelsLab's error shape.
 */
class InvalidParameter extends RuntimeException {

    InvalidParameter(String message) {
        super(message);
    }
}
