/**
 * A built-in fake ModelsLab, switched on by {@code gateway.simulator.enabled}, so the gateway can be tried offline.
 */
package com.example.gateway.simulator;
