/**
 * Where the gateway may send requests that a tenant or an admin chose the address of (budget alerts, relayed webhooks),
 * never into the gateway's own network unless configured to, and how it delivers them ({@link OutboundPost},
 * {@link DeliveryRounds}).
 */
package com.example.gateway.outbound;
