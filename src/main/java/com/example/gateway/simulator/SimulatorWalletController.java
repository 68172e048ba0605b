package com.example.gateway.simulator;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** ModelsLab's {@code wallet_balance} route, so that the local run reconciles against a real-looking account. */
@RestController
@ConditionalOnProperty(prefix = "gateway.simulator", name = "enabled", havingValue = "true")
class SimulatorWalletController {

    private final SimulatedWallet wallet;
    private final SimulatorKey key;

    SimulatorWalletController(SimulatedWallet wallet, SimulatorKey key) {
        this.wallet = wallet;
        this.key = key;
    }

    @PostMapping("/simulator/api/wallet_balance")
    ResponseEntity<Object> walletBalance(@RequestBody(required = false) Map<String, Object> body) {
        if (!key.accepts(new LooseFields(body))) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .body(ModelsLabAnswer.Error.withMessage("Invalid API key"));
        }
        // Plain JSON numbers, as ModelsLab sends them; BigDecimal keeps the simulated cents exact on the wire.
        return ResponseEntity.ok(Map.of("status", "success", "data",
                Map.of("balance", wallet.balance(), "currency", "USD")));
    }
}
