package com.example.gateway.console;

import java.util.Comparator;
import java.util.List;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/** The console's navigation, gathered from the controllers marked {@link ConsolePage}. */
@Component
class Navigation {

    private final ApplicationContext context;
    private volatile List<Item> items;

    Navigation(ApplicationContext context) {
        this.context = context;
    }

    /** The pages a user of this role may open, in their order. */
    List<Item> visibleTo(ConsoleRole role) {
        return items().stream().filter(item -> item.roles().contains(role)).toList();
    }

    private List<Item> items() {
        List<Item> known = items;
        if (known == null) {
            known = context.getBeansWithAnnotation(ConsolePage.class).values().stream()
                .map(bean -> AopUtils.getTargetClass(bean).getAnnotation(ConsolePage.class))
                .filter(ConsolePage::listed)
                .sorted(Comparator.comparingInt(ConsolePage::order))
                .map(page -> new Item(page.title(), page.path(), List.of(page.roles())))
                .toList();
            items = known;
        }
        return known;
    }

    public record Item(String title, String path, List<ConsoleRole> roles) {
    }
}
