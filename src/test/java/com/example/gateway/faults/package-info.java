/**
 * Full-stack tests of how the gateway fails: its error dialect, upstream faults, and hostile input.
 */
package com.example.gateway.faults;
