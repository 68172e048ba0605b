/**
 * {@code Idempotency-Key} support: a retried image call is answered from the first answer instead of being paid twice.
 */
package com.example.gateway.idempotency;
