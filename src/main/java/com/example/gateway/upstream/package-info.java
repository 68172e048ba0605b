/** The ModelsLab account's slots: a fair queue, shared by every replica, that admitted calls wait in for a slot. */
package com.example.gateway.upstream;
