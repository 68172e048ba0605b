package com.example.gateway.proxy;

import java.net.URI;
import java.util.UUID;

import com.example.gateway.upstream.UpstreamPriority;

/**
 * One client call as the controller read it off HTTP; nothing below the controller sees the servlet request.
 * @param body the raw JSON body, forwarded as sent (less the key)
 * @param bearerKey the {@code Authorization: Bearer} token, or {@code null}
 * @param idempotencyKey the {@code Idempotency-Key} header as sent, or {@code null}
 * @param publicBase where clients reach the gateway, for the {@code fetch_result} links in answers
 * @param project the {@code X-Gateway-Project} header as sent, or {@code null}; {@code tags} likewise
 * @param priority where the call queues within its tenant for a slot of the ModelsLab account ({@code X-Gateway-Priority})
 */
record ImageCall(Endpoint endpoint, byte[] body, String bearerKey, String idempotencyKey, UUID requestId,
        URI publicBase, String project, String tags, UpstreamPriority priority) {
}
