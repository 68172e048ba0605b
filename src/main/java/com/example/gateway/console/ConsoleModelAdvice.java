package com.example.gateway.console;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every console page's layout shows: who is signed in, and the navigation for that role. */
@ControllerAdvice(basePackageClasses = ConsoleModelAdvice.class)
class ConsoleModelAdvice {

    private final Navigation navigation;

    ConsoleModelAdvice(Navigation navigation) {
        this.navigation = navigation;
    }

    @ModelAttribute("me")
    ConsoleUser me() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || authentication instanceof AnonymousAuthenticationToken) {
            return null;
        }
        return ConsoleUser.of(authentication);
    }

    @ModelAttribute("navigation")
    List<Navigation.Item> navigation() {
        ConsoleUser me = me();
        return me == null ? List.of() : navigation.visibleTo(me.role());
    }

    @ModelAttribute("currentPath")
    String currentPath(HttpServletRequest request) {
        return request.getRequestURI();
    }
}
