package com.example.gateway.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

import org.springframework.stereotype.Component;

/**
 * Decides whether the gateway may call a URL that someone other than its operators chose. Without this, a tenant's
 * webhook could make the gateway POST to its own admin API on localhost, to the cloud metadata endpoint
 * (169.254.169.254) or to PostgreSQL.
 * <p>
 * A URL is refused unless it is absolute http(s) without user info, and every address its host resolves to is public.
 * Check it when it is configured (to answer the admin at once) and again before every request, because what a name
 * resolves to can change. The HTTP client then resolves the name once more, so a DNS server that answers differently
 * within milliseconds could still slip a private address past this check; closing that gap needs a client that
 * connects to the address checked, which the JDK's client cannot be told to do.
 */
@Component
public class OutboundTargets {

    private final boolean allowPrivate;

    public OutboundTargets(OutboundProperties properties) {
        this.allowPrivate = properties.allowPrivateTargets();
    }

    /**
     * @return the URL, parsed, when the gateway may call it
     * @throws RefusedTarget why not
     */
    public URI check(String url) {
        URI uri = parse(url);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        }
        catch (UnknownHostException ex) {
            throw new RefusedTarget("must name a host that resolves");
        }
        for (InetAddress address : addresses) {
            Kind kind = kindOf(address);
            if (kind == Kind.FORBIDDEN || kind == Kind.PRIVATE && !allowPrivate) {
                throw new RefusedTarget("must not resolve to a loopback, link-local, private, unspecified or multicast"
                        + " address");
            }
        }
        return uri;
    }

    private static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        }
        catch (URISyntaxException ex) {
            throw new RefusedTarget("must be an absolute http(s) URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null
                || !scheme.equals("http") && !scheme.equals("https")) {
            throw new RefusedTarget("must be an absolute http(s) URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RefusedTarget("must not carry a user name or password");
        }
        return uri;
    }

    /** What an address is: public; private (or loopback), allowed by configuration; or never to be called. */
    enum Kind {
        PUBLIC, PRIVATE, FORBIDDEN
    }

    static Kind kindOf(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLinkLocalAddress() || address.isMulticastAddress()) {
            return Kind.FORBIDDEN;
        }
        if (address.isLoopbackAddress() || address.isSiteLocalAddress()) {
            return Kind.PRIVATE;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            if (first == 0) {
                return Kind.FORBIDDEN; // "this network": 0.0.0.0/8 reaches the local host on Linux
            }
            if (first == 255 && second == 255) {
                return Kind.FORBIDDEN; // broadcast
            }
            if (first == 100 && (second & 0xc0) == 64) {
                return Kind.PRIVATE; // carrier-grade NAT, 100.64/10, used inside some clouds' networks
            }
            return Kind.PUBLIC;
        }
        Inet6Address v6 = (Inet6Address) address;
        if ((bytes[0] & 0xfe) == 0xfc) {
            return Kind.PRIVATE; // unique local, fc00::/7
        }
        if ((bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xc0) == 0xc0) {
            return Kind.PRIVATE; // the deprecated site-local fec0::/10
        }
        // IPv6 forms that carry an IPv4 address reach that address: judge the address they carry.
        if (v6.isIPv4CompatibleAddress()) {
            return kindOf(v4(Arrays.copyOfRange(bytes, 12, 16)));
        }
        if (startsWith(bytes, 0x00, 0x64, 0xff, 0x9b)) {
            return kindOf(v4(Arrays.copyOfRange(bytes, 12, 16))); // NAT64, 64:ff9b::/96
        }
        if (startsWith(bytes, 0x20, 0x02)) {
            return kindOf(v4(Arrays.copyOfRange(bytes, 2, 6))); // 6to4, 2002::/16
        }
        return Kind.PUBLIC;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress v4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
