/** Configuration beans that no single feature owns: the clock, JSON, OpenAPI and Tomcat. */
package com.example.gateway.config;
