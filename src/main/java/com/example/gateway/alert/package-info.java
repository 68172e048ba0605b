/**
 * Budget alerts: webhooks telling a tenant that its spending crossed a share of its monthly budget, delivered after the
 * settlement that crossed it commits, retried with backoff, and never in the way of a client's call.
 */
package com.example.gateway.alert;
