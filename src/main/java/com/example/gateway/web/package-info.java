/**
 * Cross-cutting web concerns: the request id, the admin token, and the one error dialect (ModelsLab's) for every error.
 */
package com.example.gateway.web;
