/**
 * A throwaway PostgreSQL cluster started from the machine's own binaries, for the zero-setup local run and for tests.
 */
package com.example.gateway.localdb;
