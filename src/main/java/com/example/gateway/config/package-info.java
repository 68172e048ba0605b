/** Configuration beans that no single feature owns: the clock, JSON, OpenAPI, Tomcat, and the pool sizing check. */
package com.example.gateway.config;
