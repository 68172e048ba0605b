/**
 * Where the gateway may send requests that a tenant or an admin chose the address of (budget alert webhooks today):
 * never into the gateway's own network unless configured to.
 */
package com.example.gateway.outbound;
