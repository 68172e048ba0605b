package com.example.gateway.proxy;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * ModelsLab's v6 image routes, served at the same paths, so that a ModelsLab client needs only a new base URL and key.
 * Bodies are read raw: the gateway forwards what the client sent, not a re-typed copy.
 */
@RestController
@RequestMapping("/api/v6/images")
class ImageController {

    private final ImageProxy proxy;

    ImageController(ImageProxy proxy) {
        this.proxy = proxy;
    }

    @PostMapping("/text2img")
    ResponseEntity<byte[]> text2img(HttpServletRequest request) {
        return proxy.generate(Endpoint.TEXT2IMG, request);
    }

    @PostMapping("/img2img")
    ResponseEntity<byte[]> img2img(HttpServletRequest request) {
        return proxy.generate(Endpoint.IMG2IMG, request);
    }

    @PostMapping("/inpaint")
    ResponseEntity<byte[]> inpaint(HttpServletRequest request) {
        return proxy.generate(Endpoint.INPAINT, request);
    }

    @PostMapping("/fetch/{id}")
    ResponseEntity<byte[]> fetchById(@PathVariable String id, HttpServletRequest request) {
        return proxy.fetch(id, request);
    }

    @PostMapping("/fetch")
    ResponseEntity<byte[]> fetch(HttpServletRequest request) {
        return proxy.fetch(null, request);
    }
}
