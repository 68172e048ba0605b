package com.example.gateway.simulator;

import java.math.BigDecimal;

/**
 * The simulated account's balance: it starts at {@code gateway.simulator.starting-balance-usd}, pays the simulator's
 * own price per image for every generation the simulator accepts, and refuses a generation it cannot pay for, as
 * ModelsLab does when credits run out. Public so that tests can top it up or read it, as an account owner would.
 */
public final class SimulatedWallet {

    private BigDecimal balance;
    private final BigDecimal usdPerImage;

    SimulatedWallet(BigDecimal startingBalance, BigDecimal usdPerImage) {
        this.balance = startingBalance;
        this.usdPerImage = usdPerImage;
    }

    public synchronized BigDecimal balance() {
        return balance;
    }

    /** Adds money, as a payment on ModelsLab's site would. */
    public synchronized void topUp(BigDecimal usd) {
        balance = balance.add(usd);
    }

    /** @return whether {@code images} were paid for; when not, nothing was taken */
    synchronized boolean pay(int images) {
        BigDecimal price = usdPerImage.multiply(BigDecimal.valueOf(images));
        if (balance.compareTo(price) < 0) {
            return false;
        }
        balance = balance.subtract(price);
        return true;
    }

    /** Gives back what {@link #pay} took for work that was then not taken on. */
    synchronized void refund(int images) {
        balance = balance.add(usdPerImage.multiply(BigDecimal.valueOf(images)));
    }
}
