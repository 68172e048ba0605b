package com.example.gateway.console;

import com.example.gateway.upstream.UpstreamStatus;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The ModelsLab account's queue, across all replicas, as {@code GET /admin/upstream} shows it: slots in use against
 * the cap in force, and each tenant's waiting calls. The overview loads its summary tile from here.
 */
@Controller
@ConsolePage(title = "Upstream queue", path = "/console/queue", order = 75, roles = { ConsoleRole.ADMIN })
class QueueController {

    private final UpstreamStatus upstream;

    QueueController(UpstreamStatus upstream) {
        this.upstream = upstream;
    }

    @GetMapping("/console/queue")
    String queue(Model model) {
        model.addAttribute("queue", upstream.now());
        return "console/queue";
    }

    /** The overview's tile: an htmx fragment, so the overview's own numbers do not wait for it. */
    @GetMapping("/console/queue/tile")
    String tile(Model model) {
        model.addAttribute("queue", upstream.now());
        return "console/queue :: tile";
    }
}
