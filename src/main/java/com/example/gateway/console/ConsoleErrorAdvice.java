package com.example.gateway.console;

import com.example.gateway.errors.GatewayException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * The console's error dialect: an HTML page with the status and a message a person can act on, never a stack trace.
 * Ordered before the API's advice, which keeps answering every other route in ModelsLab's JSON dialect.
 */
@ControllerAdvice(basePackageClasses = ConsoleErrorAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(ConsoleErrorAdvice.class);

    @ExceptionHandler(GatewayException.class)
    ModelAndView refused(GatewayException ex) {
        return page(ex.code().status(), ex.getMessage());
    }

    @ExceptionHandler(Forbidden.class)
    ModelAndView forbidden() {
        return page(HttpStatus.FORBIDDEN, "This page is not open to your role.");
    }

    @ExceptionHandler({ MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class })
    ModelAndView badAddress() {
        return page(HttpStatus.BAD_REQUEST, "That address is not one the console gave out.");
    }

    @ExceptionHandler(Exception.class)
    ModelAndView failed(Exception ex) {
        log.error("Console page failed", ex);
        return page(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong; try again.");
    }

    private static ModelAndView page(HttpStatus status, String message) {
        ModelAndView page = new ModelAndView("console/error", status);
        page.addObject("status", status.value());
        page.addObject("reason", status.getReasonPhrase());
        page.addObject("message", message);
        return page;
    }

    /** A signed-in user opened a page its role may not see. */
    static final class Forbidden extends RuntimeException {

        Forbidden() {
            super(null, null, false, false);
        }
    }
}
