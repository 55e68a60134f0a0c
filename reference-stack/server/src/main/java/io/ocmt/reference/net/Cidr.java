package io.ocmt.reference.net;

import java.util.ArrayList;
import java.util.List;

/** An address block such as 10.0.0.0/8 or fd00::/8; a bare address is a block of one. */
public final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
        this.text = IpAddress.parse(render(network)).orElseThrow() + "/" + prefix;
    }

    /** @throws IllegalArgumentException naming the value when it is not a CIDR block */
    public static Cidr parse(String text) {
        String s = text == null ? "" : text.trim();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        IpAddress address = IpAddress.parse(addressPart)
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block"));
        byte[] bytes = address.bytes();
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
            }
            prefix = Integer.parseInt(p);
            // An IPv4-mapped block ("::ffff:10.0.0.0/104") is matched as the IPv4 block it means.
            if (bytes.length == 4 && addressPart.indexOf(':') >= 0) {
                prefix -= 96;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + max);
            }
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    /** A comma-separated list; blank entries are ignored. */
    public static List<Cidr> parseList(String text) {
        List<Cidr> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        return out;
    }

    public boolean contains(IpAddress address) {
        byte[] b = address.bytes();
        if (b.length != network.length) {
            return false;
        }
        byte[] masked = mask(b, prefix);
        for (int i = 0; i < masked.length; i++) {
            if (masked[i] != network[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefix - 8 * i));
            int m = bitsHere == 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
            out[i] = (byte) (out[i] & m);
        }
        return out;
    }

    private static String render(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            if (k > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(((b[2 * k] & 0xff) << 8) | (b[2 * k + 1] & 0xff)));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
