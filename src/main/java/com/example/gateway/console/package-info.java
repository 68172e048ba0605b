/**
 * The web console at {@code /console}: server-rendered pages for admins, finance and tenants over the same services the
 * admin API uses, behind Spring Security for these paths only.
 */
package com.example.gateway.console;
