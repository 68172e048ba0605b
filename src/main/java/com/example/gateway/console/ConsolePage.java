package com.example.gateway.console;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a console controller as one page of the navigation and says who may open it. This is all a new page needs
 * besides its controller and template: {@link Navigation} lists it for the roles given, and
 * {@link ConsoleWebConfiguration} refuses every other role on all of the controller's routes.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@interface ConsolePage {

    /** The navigation's label. */
    String title();

    /** Where the navigation links to. */
    String path();

    /** Position in the navigation, lowest first. */
    int order();

    /** Who may open the page's routes; nobody else sees it listed. */
    ConsoleRole[] roles();

    /** {@code false} for the routes of a part of another page (its forms), guarded alike but not listed. */
    boolean listed() default true;
}
