/**
 * The only code that talks HTTP to ModelsLab: one client, its WebClient, its pool and its timeouts.
 */
package com.example.gateway.modelslab;
