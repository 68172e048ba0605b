/**
 * A PostgreSQL cluster started from the machine's own binaries: throwaway for the tests ({@code TestDatabase}, whose fault
 * tests kill and restart it), persistent under {@code target/} for the zero-setup local run. Test code only, so the
 * production jar carries no database launcher.
 */
package com.example.gateway.localdb;
