/** The gateway's two units, written once: money as exact plain decimals, and time as UTC. */
package com.example.gateway.units;
