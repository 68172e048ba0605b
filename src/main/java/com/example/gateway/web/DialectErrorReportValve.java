package com.example.gateway.web;

import java.io.IOException;
import java.io.Writer;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers in the gateway's dialect the errors Tomcat raises itself, before a request reaches the application: an
 * unparseable header (a bare CR), an encoded slash or NUL in the path, a path above the root, conflicting
 * Content-Lengths, headers over the limit. Tomcat's own valve would answer those with an HTML page.
 */
class DialectErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean();
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String requestId = UUID.randomUUID().toString();
        String body = JsonMapper.shared().writeValueAsString(DialectErrorController.bodyFor(status, requestId));
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader(RequestIds.HEADER, requestId);
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        }
        catch (IOException | IllegalStateException ex) {
            // The client is gone or the response cannot be written: there is nobody left to tell.
        }
    }
}
