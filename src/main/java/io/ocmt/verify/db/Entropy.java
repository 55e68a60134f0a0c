package io.ocmt.verify.db;

/** Shannon entropy of what is stored: how far a value is from random bytes. */
public final class Entropy {

    private Entropy() {
    }

    /** Bits per symbol of the empirical distribution of {@code symbols}. */
    public static double bitsPerSymbol(int[] symbols, int alphabet) {
        if (symbols.length == 0) {
            return 0;
        }
        int[] counts = new int[alphabet];
        for (int s : symbols) {
            counts[s]++;
        }
        double bits = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / symbols.length;
                bits -= p * (Math.log(p) / Math.log(2));
            }
        }
        return bits;
    }

    public static double bitsPerByte(byte[] data) {
        int[] symbols = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            symbols[i] = data[i] & 0xff;
        }
        return bitsPerSymbol(symbols, 256);
    }

    /**
     * Entropy of {@code data} as a fraction of the most {@code data.length} bytes can show:
     * log2(min(length, 256)). Random bytes score about 0.9 from 20 bytes on; text scores far less.
     */
    public static double ratio(byte[] data) {
        if (data.length < 2) {
            return 0;
        }
        double max = Math.log(Math.min(data.length, 256)) / Math.log(2);
        return bitsPerByte(data) / max;
    }
}
