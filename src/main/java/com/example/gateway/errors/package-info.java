/**
 * The gateway's error dialect, which every feature may use: the codes and their HTTP statuses, the exception that
 * carries one, the body, and the one answer builder.
 */
package com.example.gateway.errors;
