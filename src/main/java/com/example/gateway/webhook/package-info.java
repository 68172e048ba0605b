/**
 * Queued generations end to end: ModelsLab's webhook relayed to the tenant (signed, stored before ModelsLab is
 * answered, retried by whichever replica claims it), the final outcome of queued calls, and credits for failed ones.
 */
package com.example.gateway.webhook;
